import Redis from 'ioredis';
import type { Knex } from 'knex';
import { loadConfig } from '../../src/bootstrap/config';
import type { ApiClient, Hall } from '../../testkit/api-client';
import { doubleSoldSeats, reservationStatuses, sqlOverKnex } from '../../testkit/audit';
import { adjacentSeatWish } from '../../testkit/seat-wishes';
import {
  attempt,
  auditConnection,
  faultClient,
  FaultLedger,
  faultEnvironment,
  type Outcome,
} from '../support/fault-kit';
import { OwnedMariaDb, OwnedRedis, waitUntil } from '../support/owned-servers';
import { seatHoldKey } from '../support/redis-seat-keys';
import { startService, type TestService } from '../support/service';

const API = '/api/v1';

/**
 * Redis dies in the middle of an on-sale race and comes back empty. Redis only accelerates:
 * holds go on through MySQL alone (slower, still correct), reads go on, nothing is sold twice,
 * nothing confirmed is lost, and the service finds Redis again by itself.
 */
describe('when Redis stops during a race', () => {
  const ledger = new FaultLedger();
  let mariadb: OwnedMariaDb | undefined;
  let redis: OwnedRedis | undefined;
  let service: TestService | undefined;
  let client: ApiClient | undefined;
  let knex: Knex | undefined;
  let observer: Redis | undefined;
  let tokens: string[];
  let hallA: Hall;
  let hallB: Hall;
  let redisDown = false;
  const faultActive = () => redisDown;

  beforeAll(async () => {
    // One after the other, so a failed start leaves nothing unassigned for afterAll to miss.
    mariadb = await OwnedMariaDb.start();
    redis = await OwnedRedis.start();
    service = await startService(loadConfig(faultEnvironment(mariadb, redis)));
    client = faultClient(service.baseUrl);
    knex = await auditConnection(mariadb);
    observer = new Redis(redis.url(0), { maxRetriesPerRequest: 1, retryStrategy: () => 100, lazyConnect: true });
    observer.on('error', () => {});
    tokens = (await service.api.newMembers(100, 'redis-outage')).map((member) => member.token);
    hallA = await service.createHall({ rows: 1, seatsPerRow: 40, title: 'Hall A' });
    hallB = await service.createHall({ rows: 1, seatsPerRow: 40, title: 'Hall B' });
  }, 120_000);

  afterAll(async () => {
    ledger.report('Redis stops');
    await client?.close();
    await service?.close().catch(() => {});
    await knex?.destroy();
    observer?.disconnect();
    await Promise.all([redis?.dispose(), mariadb?.dispose()]);
  });

  const hold = (member: number, performanceId: string, seatIds: string[]) =>
    attempt(
      client!,
      'hold',
      { method: 'POST', path: `${API}/reservations`, token: tokens[member]!, body: { performanceId, seatIds } },
      faultActive,
    );

  /** Every hold answered 201, 409 SEAT_UNAVAILABLE, or 503 with Retry-After; never another 5xx. */
  function expectHoldAnswers(outcomes: Outcome[]) {
    for (const outcome of outcomes) {
      if (outcome.status === 201 || (outcome.status === 409 && outcome.code === 'SEAT_UNAVAILABLE')) continue;
      expect({ status: outcome.status, retryAfter: outcome.retryAfter !== undefined }).toEqual({
        status: 503,
        retryAfter: true,
      });
    }
  }

  it('sells through MySQL alone while Redis is down, never twice, loses no confirmation, and finds Redis again by itself', async () => {
    // Wave 1: 60 members race for hall A; Redis is killed once a quarter of them have their answer.
    let answered = 0;
    let quarterIn!: () => void;
    const quarter = new Promise<void>((resolve) => (quarterIn = resolve));
    const wave1 = Array.from({ length: 60 }, (_, member) =>
      hold(member, hallA.id, adjacentSeatWish(member, hallA.seatIds)).finally(() => {
        if (++answered === 15) quarterIn();
      }),
    );
    await quarter;
    await redis!.kill();
    redisDown = true;
    ledger.faultsInjected++;
    const wave1Outcomes = await Promise.all(wave1);
    ledger.record(...wave1Outcomes);
    expectHoldAnswers(wave1Outcomes);

    // While Redis is down: wave 2 races for hall B, wave-1 winners confirm, readers read.
    const wave2 = Array.from({ length: 30 }, (_, offset) =>
      hold(60 + offset, hallB.id, adjacentSeatWish(offset, hallB.seatIds)),
    );
    const winners1 = wave1Outcomes
      .map((outcome, member) => ({ outcome, member }))
      .filter(({ outcome }) => outcome.status === 201);
    const confirms = winners1.map(({ outcome, member }) =>
      attempt(
        client!,
        'confirm',
        { method: 'POST', path: `${API}/reservations/${outcome.body.id}/confirm`, token: tokens[member]! },
        faultActive,
      ),
    );
    const reads = [
      attempt(client!, 'seat map', { method: 'GET', path: `${API}/performances/${hallA.id}/seats` }, faultActive),
      attempt(client!, 'seat map', { method: 'GET', path: `${API}/performances/${hallB.id}/seats` }, faultActive),
      attempt(client!, 'performance', { method: 'GET', path: `${API}/performances/${hallA.id}` }, faultActive),
      attempt(client!, 'listing', { method: 'GET', path: `${API}/performances?page=1&size=10` }, faultActive),
      attempt(client!, 'readyz', { method: 'GET', path: '/readyz' }, faultActive),
    ];
    const [wave2Outcomes, confirmOutcomes, readOutcomes] = await Promise.all([
      Promise.all(wave2),
      Promise.all(confirms),
      Promise.all(reads),
    ]);
    ledger.record(...wave2Outcomes, ...confirmOutcomes, ...readOutcomes);
    expectHoldAnswers(wave2Outcomes);
    // MySQL alone still sells: some of wave 2, sent while Redis was down, won seats.
    expect(wave2Outcomes.filter((outcome) => outcome.status === 201).length).toBeGreaterThan(5);
    expect(confirmOutcomes.map((outcome) => outcome.status)).toEqual(confirmOutcomes.map(() => 200));
    // Reads never needed Redis; readiness follows MySQL and reports Redis down.
    expect(readOutcomes.map((outcome) => outcome.status)).toEqual([200, 200, 200, 200, 200]);
    expect(readOutcomes[4]!.body.checks).toMatchObject({ redis: 'down' });

    // Redis comes back on the same port, empty (nothing was persisted); nobody restarts the service.
    await redis!.start();
    redisDown = false;
    const reconnectMs = await waitUntil(
      'the service finding Redis again',
      async () =>
        (await attempt(client!, 'readyz', { method: 'GET', path: '/readyz' }, faultActive)).body?.checks?.redis ===
        'up',
      15_000,
    );
    expect(reconnectMs).toBeLessThan(15_000);

    // A hold afterwards goes through Redis again: its seat keys are there, with the hold's TTL.
    const heldSoFar = new Set(
      [...wave1Outcomes, ...wave2Outcomes]
        .filter((outcome) => outcome.status === 201)
        .flatMap((outcome) => outcome.body.seats.map((seat: { id: string }) => seat.id)),
    );
    const freeSeat = hallB.seatIds.find((seatId) => !heldSoFar.has(seatId))!;
    const after = await hold(95, hallB.id, [freeSeat]);
    ledger.record(after);
    expect(after.status).toBe(201);
    await observer!.connect().catch(() => {});
    expect(await observer!.get(seatHoldKey(hallB.id, freeSeat))).toBe(after.body.id);
    expect(await observer!.pttl(seatHoldKey(hallB.id, freeSeat))).toBeGreaterThan(0);

    // Wave 3 on the restarted, empty Redis: holds made during the outage are unknown to it,
    // so MySQL turns the losers away (and teaches Redis); still nothing sold twice.
    const wave3 = await Promise.all(
      Array.from({ length: 4 }, (_, offset) => hold(96 + offset, hallB.id, adjacentSeatWish(offset, hallB.seatIds))),
    );
    ledger.record(...wave3);
    expectHoldAnswers(wave3);
    for (const outcome of wave3.filter((answer) => answer.status === 201)) {
      for (const seat of outcome.body.seats) expect(heldSoFar.has(seat.id)).toBe(false);
    }

    // The audit, in MySQL, by statuses.
    const sold = [
      ...(await doubleSoldSeats(sqlOverKnex(knex!), hallA.id)),
      ...(await doubleSoldSeats(sqlOverKnex(knex!), hallB.id)),
    ];
    ledger.doubleSales = sold.length;
    expect(sold).toEqual([]);
    const created = [...wave1Outcomes, ...wave2Outcomes, after, ...wave3]
      .filter((outcome) => outcome.status === 201)
      .map((outcome) => outcome.body.id as string);
    const statuses = await reservationStatuses(sqlOverKnex(knex!), created);
    expect(created.filter((id) => !['PENDING', 'CONFIRMED'].includes(statuses.get(id) ?? 'missing'))).toEqual([]);
    const confirmed = winners1
      .filter((_, index) => confirmOutcomes[index]!.status === 200)
      .map(({ outcome }) => outcome.body.id as string);
    const confirmedStatuses = await reservationStatuses(sqlOverKnex(knex!), confirmed);
    ledger.lostConfirmations = confirmed.filter((id) => confirmedStatuses.get(id) !== 'CONFIRMED').length;
    expect(ledger.lostConfirmations).toBe(0);
    expect(ledger.unexpected5xx).toEqual([]);
    expect(ledger.requestsDuringFaults).toBeGreaterThan(50);
  });
});
