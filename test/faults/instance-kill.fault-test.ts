import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { ApiClient, type Hall } from '../../testkit/api-client';
import { doubleSoldSeats, reservationStatuses, sqlOverKnex } from '../../testkit/audit';
import {
  attempt,
  auditConnection,
  faultClient,
  FaultLedger,
  faultEnvironment,
  ServiceProcess,
  type Outcome,
} from '../support/fault-kit';
import { OwnedMariaDb, OwnedRedis, waitUntil } from '../support/owned-servers';
import { TEST_ADMIN } from '../support/service';

const API = '/api/v1';
const HOLD_TTL_SECONDS = 4;
const SWEEP_INTERVAL_MS = 500;

/**
 * The service process is SIGKILLed in the middle of a race (no shutdown hook, requests cut
 * off), then started again. A 201 or a 200 it gave is a promise: every hold it acknowledged
 * is in MySQL and every confirmation it acknowledged is CONFIRMED; holds it left behind still
 * hold until their expiry and are then expired by the restarted instance's sweeper, after
 * which their seats sell again.
 */
describe('when an instance is killed mid-race and restarted', () => {
  const ledger = new FaultLedger();
  let mariadb: OwnedMariaDb | undefined;
  let redis: OwnedRedis | undefined;
  let service: ServiceProcess | undefined;
  let client: ApiClient | undefined;
  let knex: Knex | undefined;
  let logs: string;
  let tokens: string[];
  let hall: Hall;
  let killed = false;
  const faultActive = () => killed;

  beforeAll(async () => {
    logs = mkdtempSync(join(tmpdir(), 'ticketing-fault-service-'));
    // One after the other, so a failed start leaves nothing unassigned for afterAll to miss.
    mariadb = await OwnedMariaDb.start();
    redis = await OwnedRedis.start();
    service = await ServiceProcess.start(
      faultEnvironment(mariadb, redis, {
        HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS),
        HOLD_SWEEP_INTERVAL_MS: String(SWEEP_INTERVAL_MS),
        MAX_SEATS_PER_MEMBER: '10',
        LOG_LEVEL: 'warn',
      }),
      logs,
    );
    knex = await auditConnection(mariadb);
    // Set up over keep-alive connections, then raced over fresh ones: the kill must not meet a pooled socket.
    const api = new ApiClient(service.baseUrl);
    try {
      tokens = (await api.newMembers(50, 'instance-kill')).map((member) => member.token);
      const admin = await api.logIn(TEST_ADMIN.email, TEST_ADMIN.password);
      hall = await api.createHall(admin, { rows: 1, seatsPerRow: 30, title: 'Kill Hall' });
    } finally {
      await api.close();
    }
    client = faultClient(service.baseUrl);
  }, 120_000);

  afterAll(async () => {
    ledger.report('instance killed');
    await client?.close();
    await service?.kill();
    await knex?.destroy();
    await Promise.all([redis?.dispose(), mariadb?.dispose()]);
    if (logs) rmSync(logs, { recursive: true, force: true });
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

  it('keeps every hold and confirmation it acknowledged, and lets the holds it left behind expire', async () => {
    // Before: members 0–4 hold a seat each and confirm.
    const early = await Promise.all(Array.from({ length: 5 }, (_, member) => hold(member, [hall.seatIds[member]!])));
    const earlyConfirms = await Promise.all(early.map((outcome, member) => confirm(member, outcome.body.id)));
    ledger.record(...early, ...earlyConfirms);
    expect([...early, ...earlyConfirms].map((outcome) => outcome.status)).toEqual([
      ...early.map(() => 201),
      ...earlyConfirms.map(() => 200),
    ]);

    // The race: members 5–44 each try up to three times for 1–2 of seats 5–29, look at the
    // seat map, and the even ones confirm what they win (the others leave their holds
    // PENDING). The process is SIGKILLed once 40 answers are in, with requests still in flight.
    const contested = hall.seatIds.slice(5);
    const raceOutcomes: Outcome[] = [];
    const confirmOutcomes: Outcome[] = [];
    let killAt!: () => void;
    const enoughAnswers = new Promise<void>((resolve) => (killAt = resolve));
    const answered = (outcome: Outcome) => {
      if (raceOutcomes.length + confirmOutcomes.length >= 40) killAt();
      return outcome;
    };
    const racer = async (offset: number) => {
      const member = 5 + offset;
      for (let round = 0; round < 3 && !killed; round++) {
        const count = 1 + ((offset + round) % 2);
        const start = (offset * 3 + round * 7) % (contested.length - count + 1);
        const outcome = await hold(member, contested.slice(start, start + count));
        raceOutcomes.push(answered(outcome));
        if (outcome.status === 201 && offset % 2 === 0)
          confirmOutcomes.push(answered(await confirm(member, outcome.body.id)));
        raceOutcomes.push(
          answered(
            await attempt(
              client!,
              'seat map',
              { method: 'GET', path: `${API}/performances/${hall.id}/seats` },
              faultActive,
            ),
          ),
        );
      }
    };
    const race = Promise.all(Array.from({ length: 40 }, (_, offset) => racer(offset)));
    await enoughAnswers;
    await service!.kill();
    killed = true;
    ledger.faultsInjected++;
    await race;
    ledger.record(...raceOutcomes, ...confirmOutcomes);
    for (const outcome of [...raceOutcomes, ...confirmOutcomes]) {
      expect(['no answer', 200, 201, 409]).toContain(outcome.status);
    }
    // The kill cut requests off mid-flight (what this test is about).
    expect(
      [...raceOutcomes, ...confirmOutcomes].filter((outcome) => outcome.status === 'no answer').length,
    ).toBeGreaterThan(0);

    // Every acknowledgement is in MySQL: each 201 a reservation, each 200 a CONFIRMED one.
    const acknowledgedHolds = [...early, ...raceOutcomes]
      .filter((outcome) => outcome.status === 201)
      .map((outcome) => outcome.body.id as string);
    const acknowledgedConfirms = [...earlyConfirms, ...confirmOutcomes]
      .filter((outcome) => outcome.status === 200)
      .map((outcome) => outcome.body.id as string);
    const holdStatuses = await reservationStatuses(sqlOverKnex(knex!), acknowledgedHolds);
    expect(acknowledgedHolds.filter((id) => !holdStatuses.has(id))).toEqual([]);
    const confirmStatuses = await reservationStatuses(sqlOverKnex(knex!), acknowledgedConfirms);
    ledger.lostConfirmations = acknowledgedConfirms.filter((id) => confirmStatuses.get(id) !== 'CONFIRMED').length;
    expect(ledger.lostConfirmations).toBe(0);
    ledger.doubleSales = (await doubleSoldSeats(sqlOverKnex(knex!), hall.id)).length;
    expect(ledger.doubleSales).toBe(0);

    // Restart. Holds left PENDING still hold until their expiry...
    await service!.start();
    killed = false;
    const pending = (await knex!('reservations')
      .where({ performance_id: hall.id, status: 'PENDING' })
      .select('id', 'expires_at')) as { id: string; expires_at: Date }[];
    const seatMap = await attempt(
      client!,
      'seat map',
      { method: 'GET', path: `${API}/performances/${hall.id}/seats` },
      faultActive,
    );
    ledger.record(seatMap);
    const pendingSeats = (await knex!('reservation_seats')
      .whereIn(
        'reservation_id',
        pending.map((row) => row.id),
      )
      .select('seat_id', 'reservation_id')) as {
      seat_id: string;
      reservation_id: string;
    }[];
    const stillOwed = new Set(
      pending.filter((row) => row.expires_at.getTime() > Date.now() + 250).map((row) => row.id),
    );
    for (const seat of pendingSeats.filter((row) => stillOwed.has(row.reservation_id))) {
      expect(seatMap.body.seats.find((shown: { id: string }) => shown.id === seat.seat_id)?.status).toBe('HELD');
    }

    // ...and are then expired by the restarted instance's sweeper (polled in MySQL, bounded).
    await waitUntil(
      'every hold left behind expired',
      async () =>
        Number(
          (await knex!('reservations').where({ performance_id: hall.id, status: 'PENDING' }).count({ n: '*' }))[0]!.n,
        ) === 0,
      (HOLD_TTL_SECONDS + 10) * 1000,
    );
    const expired = await reservationStatuses(
      sqlOverKnex(knex!),
      pending.map((row) => row.id),
    );
    expect([...expired.values()].filter((status) => status !== 'EXPIRED' && status !== 'CONFIRMED')).toEqual([]);

    // Their seats sell again, Redis included (its hold keys ran out with the holds).
    const soldOrConfirmed = new Set(
      (
        await knex!('reservation_seats')
          .where('performance_id', hall.id)
          .whereNotNull('active_seat_id')
          .select('seat_id')
      ).map((row: { seat_id: string }) => row.seat_id),
    );
    const free = hall.seatIds.filter((seatId) => !soldOrConfirmed.has(seatId));
    expect(free.length).toBeGreaterThan(0);
    const resold = await Promise.all(free.slice(0, 5).map((seatId, index) => hold(45 + index, [seatId])));
    ledger.record(...resold);
    expect(resold.map((outcome) => outcome.status)).toEqual(resold.map(() => 201));

    // After all that, still nothing sold twice and every confirmation kept.
    expect(await doubleSoldSeats(sqlOverKnex(knex!), hall.id)).toEqual([]);
    const finalStatuses = await reservationStatuses(sqlOverKnex(knex!), acknowledgedConfirms);
    expect(acknowledgedConfirms.filter((id) => finalStatuses.get(id) !== 'CONFIRMED')).toEqual([]);
    expect(ledger.unexpected5xx).toEqual([]);
  });
});
