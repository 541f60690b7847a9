import type { Knex } from 'knex';
import { loadConfig } from '../../src/bootstrap/config';
import type { ApiClient, Hall } from '../../testkit/api-client';
import { doubleSoldSeats, reservationStatuses, sqlOverKnex } from '../../testkit/audit';
import {
  attempt,
  auditConnection,
  faultClient,
  FaultLedger,
  faultEnvironment,
  REQUEST_TIMEOUT_MS,
  type Outcome,
} from '../support/fault-kit';
import { OwnedMariaDb, OwnedRedis, waitUntil } from '../support/owned-servers';
import { startService, type TestService } from '../support/service';

const API = '/api/v1';
/** What "nothing hangs" means: every answer within the request timeout plus this much. */
const MARGIN_MS = 1_500;

/**
 * MariaDB stops (cleanly, as in a restart or a failover) while members hold and confirm.
 * MySQL is the source of truth, so the service cannot sell without it: it must say so at once
 * (503 SERVICE_UNAVAILABLE or REQUEST_TIMEOUT, with Retry-After), never hang and never 500,
 * report itself not ready while staying alive, and recover by itself when MariaDB is back
 * with everything confirmed before the outage still there.
 */
describe('when MySQL stops', () => {
  const ledger = new FaultLedger();
  let mariadb: OwnedMariaDb | undefined;
  let redis: OwnedRedis | undefined;
  let service: TestService | undefined;
  let client: ApiClient | undefined;
  let knex: Knex | undefined;
  let tokens: string[];
  let hall: Hall;
  let mysqlDown = false;
  const faultActive = () => mysqlDown;

  beforeAll(async () => {
    // One after the other, so a failed start leaves nothing unassigned for afterAll to miss.
    mariadb = await OwnedMariaDb.start();
    redis = await OwnedRedis.start();
    service = await startService(loadConfig(faultEnvironment(mariadb, redis)));
    client = faultClient(service.baseUrl);
    knex = await auditConnection(mariadb);
    tokens = (await service.api.newMembers(50, 'mysql-outage')).map((member) => member.token);
    hall = await service.createHall({ rows: 1, seatsPerRow: 60, title: 'Outage Hall' });
  }, 120_000);

  afterAll(async () => {
    ledger.report('MySQL stops');
    await client?.close();
    await service?.close().catch(() => {});
    await knex?.destroy();
    await Promise.all([redis?.dispose(), mariadb?.dispose()]);
  });

  const hold = (member: number, seatIds: string[]) =>
    attempt(
      client!,
      'hold',
      {
        method: 'POST',
        path: `${API}/reservations`,
        token: tokens[member]!,
        body: { performanceId: hall.id, seatIds },
      },
      faultActive,
    );
  const confirm = (member: number, reservationId: string) =>
    attempt(
      client!,
      'confirm',
      { method: 'POST', path: `${API}/reservations/${reservationId}/confirm`, token: tokens[member]! },
      faultActive,
    );

  /** While the store is down: a 503 with a store code and Retry-After, in bounded time; or an answer that needed no MySQL. */
  function expectUnavailableOrServed(outcomes: Outcome[], servedStatuses: readonly number[]) {
    for (const outcome of outcomes) {
      expect(outcome.elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + MARGIN_MS);
      if (typeof outcome.status === 'number' && servedStatuses.includes(outcome.status)) continue;
      expect({
        label: outcome.label,
        status: outcome.status,
        code: outcome.code,
        retryAfter: outcome.retryAfter !== undefined,
      }).toEqual({
        label: outcome.label,
        status: 503,
        code: expect.stringMatching(/^(SERVICE_UNAVAILABLE|REQUEST_TIMEOUT)$/),
        retryAfter: true,
      });
    }
  }

  it('answers 503 at once while MySQL is down, never hangs, stays alive, and recovers by itself with every confirmation kept', async () => {
    // Before: members 0–19 hold a seat each, the even ones confirm.
    const before = await Promise.all(Array.from({ length: 20 }, (_, member) => hold(member, [hall.seatIds[member]!])));
    ledger.record(...before);
    expect(before.map((outcome) => outcome.status)).toEqual(before.map(() => 201));
    const confirmations = await Promise.all(
      before.filter((_, member) => member % 2 === 0).map((outcome, index) => confirm(index * 2, outcome.body.id)),
    );
    ledger.record(...confirmations);
    expect(confirmations.map((outcome) => outcome.status)).toEqual(confirmations.map(() => 200));
    const confirmedBefore = confirmations.map((outcome) => outcome.body.id as string);

    // A burst in flight as MariaDB shuts down: members 20–39 hold, the odd early holders confirm.
    const burst = [
      ...Array.from({ length: 20 }, (_, offset) => hold(20 + offset, [hall.seatIds[20 + offset]!])),
      ...before
        .filter((_, member) => member % 2 === 1)
        .map((outcome, index) => confirm(index * 2 + 1, outcome.body.id)),
    ];
    mysqlDown = true;
    await mariadb!.stop();
    ledger.faultsInjected++;
    const burstOutcomes = await Promise.all(burst);
    ledger.record(...burstOutcomes);
    for (const outcome of burstOutcomes) {
      // Each was decided before the shutdown (201 / 200) or refused by it (503): nothing else.
      expect([200, 201, 503]).toContain(outcome.status);
    }

    // While down: every kind of request, twice over.
    const down: Promise<Outcome>[] = [];
    for (let round = 0; round < 2; round++) {
      down.push(
        hold(40 + round, [hall.seatIds[40 + round]!]),
        confirm(1, before[1]!.body.id),
        attempt(
          client!,
          'get reservation',
          { method: 'GET', path: `${API}/reservations/${before[0]!.body.id}`, token: tokens[0]! },
          faultActive,
        ),
        attempt(
          client!,
          'my reservations',
          { method: 'GET', path: `${API}/members/me/reservations`, token: tokens[0]! },
          faultActive,
        ),
        attempt(
          client!,
          'cancel',
          { method: 'POST', path: `${API}/reservations/${before[3]!.body.id}/cancel`, token: tokens[3]! },
          faultActive,
        ),
        attempt(client!, 'seat map', { method: 'GET', path: `${API}/performances/${hall.id}/seats` }, faultActive),
        attempt(client!, 'performance', { method: 'GET', path: `${API}/performances/${hall.id}` }, faultActive),
        attempt(client!, 'listing', { method: 'GET', path: `${API}/performances` }, faultActive),
        attempt(
          client!,
          'login',
          {
            method: 'POST',
            path: `${API}/auth/login`,
            body: { email: 'someone@example.com', password: 'whatever-it-is' },
          },
          faultActive,
        ),
        attempt(
          client!,
          'sign-up',
          {
            method: 'POST',
            path: `${API}/members`,
            body: { email: `late-${round}@example.com`, password: 'a-decent-password-123', name: 'Late' },
          },
          faultActive,
        ),
      );
    }
    const downOutcomes = await Promise.all(down);
    ledger.record(...downOutcomes);
    // Only reads a cache can serve may still answer 200; everything else says "unavailable".
    expectUnavailableOrServed(downOutcomes, [200]);
    expect(
      downOutcomes
        .filter((outcome) => outcome.label === 'hold' || outcome.label === 'confirm' || outcome.label === 'cancel')
        .map((outcome) => outcome.status),
    ).toEqual(Array.from({ length: 6 }, () => 503));
    const probes = await Promise.all([
      attempt(client!, 'readyz', { method: 'GET', path: '/readyz' }, faultActive),
      attempt(client!, 'healthz', { method: 'GET', path: '/healthz' }, faultActive),
    ]);
    ledger.record(...probes);
    expect(
      probes.map((outcome) => ({ status: outcome.status, fast: outcome.elapsedMs < REQUEST_TIMEOUT_MS + MARGIN_MS })),
    ).toEqual([
      { status: 503, fast: true },
      { status: 200, fast: true },
    ]);
    expect(probes[0]!.body.checks).toMatchObject({ mysql: 'down' });

    // MariaDB comes back on the same port with the same data; nobody restarts the service.
    await mariadb!.start();
    mysqlDown = false;
    await waitUntil(
      'the service ready again',
      async () => (await attempt(client!, 'readyz', { method: 'GET', path: '/readyz' }, faultActive)).status === 200,
      30_000,
    );
    let recovered: Outcome | undefined;
    await waitUntil(
      'a hold going through again',
      async () => {
        recovered = await hold(45, [hall.seatIds[45]!]);
        ledger.record(recovered);
        return recovered.status === 201;
      },
      10_000,
    );
    const confirmedAfter = await confirm(45, recovered!.body.id);
    ledger.record(confirmedAfter);
    expect(confirmedAfter.status).toBe(200);

    // Everything confirmed before (or acknowledged during) the outage is still confirmed.
    const acknowledged = [
      ...confirmedBefore,
      ...burstOutcomes
        .filter((outcome) => outcome.label === 'confirm' && outcome.status === 200)
        .map((outcome) => outcome.body.id as string),
      confirmedAfter.body.id as string,
    ];
    const statuses = await reservationStatuses(sqlOverKnex(knex!), acknowledged);
    ledger.lostConfirmations = acknowledged.filter((id) => statuses.get(id) !== 'CONFIRMED').length;
    expect(ledger.lostConfirmations).toBe(0);
    for (const id of confirmedBefore.slice(0, 3)) {
      const read = await attempt(
        client!,
        'get reservation',
        { method: 'GET', path: `${API}/reservations/${id}`, token: tokens[confirmedBefore.indexOf(id) * 2]! },
        faultActive,
      );
      expect({ status: read.status, reservation: read.body?.status }).toEqual({
        status: 200,
        reservation: 'CONFIRMED',
      });
    }
    // Every 201 is in MySQL; nothing is held twice.
    const created = [...before, ...burstOutcomes, recovered!]
      .filter((outcome) => outcome.status === 201)
      .map((outcome) => outcome.body.id as string);
    const createdStatuses = await reservationStatuses(sqlOverKnex(knex!), created);
    expect(created.filter((id) => !createdStatuses.has(id))).toEqual([]);
    ledger.doubleSales = (await doubleSoldSeats(sqlOverKnex(knex!), hall.id)).length;
    expect(ledger.doubleSales).toBe(0);
    expect(ledger.unexpected5xx).toEqual([]);
  });

  it('gives a client that retries with its Idempotency-Key one reservation, whether the first try met an outage or not', async () => {
    const document = (await attempt(client!, 'openapi', { method: 'GET', path: '/openapi.json' }, faultActive)).body;
    const parameters = JSON.stringify(document.paths['/api/v1/reservations'].post.parameters ?? []);
    expect(parameters).toContain('Idempotency-Key');
    const member = 46;
    const request = (key: string, seatIds: string[]) => ({
      method: 'POST',
      path: `${API}/reservations`,
      token: tokens[member]!,
      body: { performanceId: hall.id, seatIds },
      headers: { 'Idempotency-Key': key },
    });
    const seat = [hall.seatIds[50]!];

    // First try meets an outage: a 503, and nothing recorded, so the retry runs again.
    mysqlDown = true;
    await mariadb!.stop();
    ledger.faultsInjected++;
    const first = await attempt(client!, 'hold (keyed)', request('retry-key-1', seat), faultActive);
    ledger.record(first);
    expect({ status: first.status, retryAfter: first.retryAfter !== undefined }).toEqual({
      status: 503,
      retryAfter: true,
    });
    await mariadb!.start();
    mysqlDown = false;
    await waitUntil(
      'the service ready again',
      async () => (await attempt(client!, 'readyz', { method: 'GET', path: '/readyz' }, faultActive)).status === 200,
      30_000,
    );

    let retried: Outcome | undefined;
    await waitUntil(
      'the retry going through',
      async () => {
        retried = await attempt(client!, 'hold (keyed retry)', request('retry-key-1', seat), faultActive);
        ledger.record(retried);
        return retried.status !== 503;
      },
      10_000,
    );
    expect(retried!.status).toBe(201);
    // Retrying a success replays it: the same reservation, marked as a replay, not a second one.
    const again = await attempt(client!, 'hold (keyed retry)', request('retry-key-1', seat), faultActive);
    ledger.record(again);
    expect({ status: again.status, id: again.body?.id, replayed: again.replayed }).toEqual({
      status: 201,
      id: retried!.body.id,
      replayed: true,
    });
    // The same key for another request is refused; without a key, a retry is a new request and loses to the first.
    const reused = await attempt(
      client!,
      'hold (key reused)',
      request('retry-key-1', [hall.seatIds[51]!]),
      faultActive,
    );
    const unkeyed = await attempt(client!, 'hold (no key)', { ...request('x', seat), headers: {} }, faultActive);
    ledger.record(reused, unkeyed);
    expect({ reused: reused.status, code: reused.code, unkeyed: unkeyed.status }).toEqual({
      reused: 422,
      code: 'IDEMPOTENCY_KEY_REUSED',
      unkeyed: 409,
    });
    const rows = await knex!('reservation_seats as rs')
      .join('reservations as r', 'r.id', 'rs.reservation_id')
      .where('rs.seat_id', seat[0])
      .select('r.id');
    expect(rows.map((row: { id: string }) => row.id)).toEqual([retried!.body.id]);
    expect(ledger.unexpected5xx).toEqual([]);
  });
});
