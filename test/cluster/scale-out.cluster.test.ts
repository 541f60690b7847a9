import type { Knex } from 'knex';
import { createKnex } from '../../src/adapters/persistence/knex-client';
import type { ApiMember } from '../../testkit/api-client';
import { doubleSoldSeats, sqlOverKnex } from '../../testkit/audit';
import { mapConcurrently } from '../../testkit/concurrency';
import { adjacentSeatWishes } from '../../testkit/seat-wishes';
import {
  answeredBy,
  apiClient,
  ClusterResponse,
  CLUSTER_ADMIN,
  eventually,
  ExitInfo,
  flushClusterRedis,
  freePorts,
  NginxProcess,
  prepareDatabase,
  probe,
  request,
  ServiceProcess,
  stopEverything,
} from '../support/cluster';

const MEMBERS = 150;
const ROWS = 6;
const SEATS_PER_ROW = 10;
/** Requests the members keep in flight through nginx at any moment. */
const CONCURRENCY = 24;
/** Short holds, so what the killed instance held expires within the test. */
const HOLD_TTL_SECONDS = 3;
const SWEEP_INTERVAL_MS = 250;

interface Attempt {
  readonly member: number;
  readonly wanted: string[];
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly response: ClusterResponse;
}

interface Kill {
  readonly answeredBefore: number;
  readonly sentAt: number;
  readonly deadAt: number;
  readonly exit: ExitInfo;
}

/**
 * Scale-out as deployed: three `node dist/bootstrap/main.js` behind nginx (the configuration
 * scripts/local-cluster.sh uses), sharing MariaDB and Redis. Members race for seats through
 * nginx and one instance is SIGKILLed mid-race. The tests run in order and share the story.
 */
describe('three instances behind nginx, one SIGKILLed in the middle of an on-sale race', () => {
  let databaseUrl: string;
  let env: Record<string, string>;
  let instances: ServiceProcess[];
  let victim: ServiceProcess;
  let nginx: NginxProcess;
  let knex: Knex;
  let adminToken: string;
  let members: ApiMember[];

  // Filled by the race, read by the tests after it.
  let raceA: { performanceId: string; seatIds: string[]; attempts: Attempt[]; kill: Kill } | undefined;

  beforeAll(async () => {
    databaseUrl = await prepareDatabase('ticketing_cluster_scale');
    await flushClusterRedis();
    const ports = await freePorts(4);
    env = {
      DATABASE_URL: databaseUrl,
      HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS),
      HOLD_SWEEP_INTERVAL_MS: String(SWEEP_INTERVAL_MS),
    };
    // All three start at once, as replicas do; the unique email settles which one creates the admin.
    instances = ports.slice(0, 3).map((port) => ServiceProcess.start(port, env));
    await Promise.all(instances.map((instance) => instance.waitUntilReady()));
    victim = instances[1]!;
    nginx = await NginxProcess.start(ports[3]!, ports.slice(0, 3));
    knex = createKnex(databaseUrl, { poolMax: 4 });
    // Sign-ups at OWASP's hashing cost on the instances: 16 at a time keep both cores busy.
    adminToken = await apiClient(nginx.url).logIn(CLUSTER_ADMIN.email, CLUSTER_ADMIN.password);
    members = await apiClient(nginx.url).newMembers(MEMBERS, 'racer', 16);
  }, 90_000);

  afterAll(async () => {
    await nginx?.stop();
    await stopEverything();
    await knex?.destroy();
  });

  async function seatsOf(reservationIds: string[]): Promise<Map<string, string[]>> {
    const rows: { reservation_id: string; seat_id: string }[] = reservationIds.length
      ? await knex('reservation_seats').whereIn('reservation_id', reservationIds).select('reservation_id', 'seat_id')
      : [];
    const seats = new Map<string, string[]>();
    for (const row of rows) seats.set(row.reservation_id, [...(seats.get(row.reservation_id) ?? []), row.seat_id]);
    return seats;
  }

  it('answers 201 or 409 through nginx, 502 only for requests caught on the dying instance, and loses no hold', async () => {
    const performance = await apiClient(nginx.url).createHall(adminToken, {
      rows: ROWS,
      seatsPerRow: SEATS_PER_ROW,
      title: 'Failover Night',
    });
    expect(performance.seatIds).toHaveLength(ROWS * SEATS_PER_ROW);
    const wanted = adjacentSeatWishes(members.length, performance.seatIds, 3);

    let answered = 0;
    let victimWins = 0;
    let killing: Promise<Kill> | undefined;
    // Kill when a quarter of the answers are in and the victim has sold something (so that it
    // dies holding seats): events of the race, not a timer. Losers are answered faster than
    // winners, so the first answers of an instance may all be 409s; at three quarters it dies anyway.
    const killVictim = async (): Promise<Kill> => ({ answeredBefore: answered, ...(await victim.kill()) });
    const attempts = await mapConcurrently(members, CONCURRENCY, async (member, index): Promise<Attempt> => {
      const startedAt = Date.now();
      const response = await request(nginx.url, 'POST', '/api/v1/reservations', {
        token: member.token,
        body: { performanceId: performance.id, seatIds: wanted[index] },
      });
      const attempt = { member: index, wanted: wanted[index]!, startedAt, finishedAt: Date.now(), response };
      answered++;
      if (response.status === 201 && answeredBy(response) === victim.address) victimWins++;
      const due = answered >= Math.ceil(MEMBERS / 4) && (victimWins > 0 || answered >= Math.ceil((3 * MEMBERS) / 4));
      if (due && !killing) killing = killVictim();
      return attempt;
    });
    expect(killing).toBeDefined();
    const kill = await killing!;
    raceA = { performanceId: performance.id, seatIds: performance.seatIds, attempts, kill };

    const byStatus = (test: (status: number) => boolean) => attempts.filter((attempt) => test(attempt.response.status));
    const winners = byStatus((status) => status === 201);
    const losers = byStatus((status) => status === 409);
    const failures = byStatus((status) => status !== 201 && status !== 409);
    // In flight while the victim died: sent before it was gone, not answered before the kill.
    const caught = attempts.filter((attempt) => attempt.startedAt <= kill.deadAt && attempt.finishedAt >= kill.sentAt);
    const afterDeath = attempts.filter((attempt) => attempt.startedAt > kill.deadAt);
    const servedBeforeKill = new Set(
      attempts.filter((a) => a.finishedAt < kill.sentAt).map((a) => answeredBy(a.response)),
    );
    console.log(
      JSON.stringify({
        scaleOutRace: {
          requests: attempts.length,
          answeredBeforeKill: kill.answeredBefore,
          killToDeathMs: kill.deadAt - kill.sentAt,
          inFlightWhileDying: caught.length,
          inFlightOnVictim: caught.filter((a) => a.response.upstreams.includes(victim.address)).length,
          sentAfterDeath: afterDeath.length,
          status201: winners.length,
          status409: losers.length,
          failures: failures.length,
          failureStatuses: [...new Set(failures.map((a) => a.response.error ?? a.response.status))],
          // Tried on the dead instance first (connection refused), answered by a survivor.
          retriedElsewhere: attempts.filter((a) => a.response.upstreams.length > 1).length,
        },
      }),
    );

    expect(kill.exit.signal).toBe('SIGKILL');
    // Before the kill nginx spread the work over all three instances.
    expect(servedBeforeKill).toEqual(new Set(instances.map((instance) => instance.address)));

    // The only failures are nginx's 502/503 for requests the victim had when it died.
    for (const failure of failures) {
      expect([502, 503]).toContain(failure.response.status);
      expect(caught).toContain(failure);
      expect(failure.response.upstreams).toContain(victim.address);
    }
    expect(failures.length).toBeLessThanOrEqual(caught.length);
    // Once it was dead, nginx routed around it: every request sent afterwards had a real answer.
    // (The kernel takes 100–300 ms to release a killed instance's sockets here; the race goes on.)
    expect(afterDeath.length).toBeGreaterThanOrEqual(20);
    for (const attempt of afterDeath) expect([201, 409]).toContain(attempt.response.status);
    for (const loser of losers) {
      expect(loser.response.body).toMatchObject({ code: 'SEAT_UNAVAILABLE' });
      expect(loser.response.body.seatIds.length).toBeGreaterThan(0);
    }
    expect(winners.length).toBeGreaterThan(0);

    // MySQL: no seat in two active reservations.
    expect(await doubleSoldSeats(sqlOverKnex(knex), performance.id)).toEqual([]);

    // Every 201 is a row with exactly the seats it promised, for the member who asked.
    const rows: { id: string; member_id: string }[] = await knex('reservations')
      .where('performance_id', performance.id)
      .select('id', 'member_id');
    const rowById = new Map(rows.map((row) => [row.id, row]));
    const seats = await seatsOf(rows.map((row) => row.id));
    for (const winner of winners) {
      const body = winner.response.body;
      expect(rowById.get(body.id)?.member_id).toBe(members[winner.member]!.id);
      expect([...(seats.get(body.id) ?? [])].sort()).toEqual(body.seats.map((seat: { id: string }) => seat.id).sort());
      expect([...(seats.get(body.id) ?? [])].sort()).toEqual([...winner.wanted].sort());
    }

    // Rows without a 201 can only be holds the victim committed but could not answer: one at
    // most per failed request, for that member and the seats that member asked for.
    const answeredIds = new Set(winners.map((winner) => winner.response.body.id as string));
    const orphans = rows.filter((row) => !answeredIds.has(row.id));
    console.log(JSON.stringify({ scaleOutRace: { holdsCommittedButUnanswered: orphans.length } }));
    expect(orphans.length).toBeLessThanOrEqual(failures.length);
    for (const orphan of orphans) {
      const failure = failures.find((attempt) => members[attempt.member]!.id === orphan.member_id);
      expect(failure).toBeDefined();
      expect([...(seats.get(orphan.id) ?? [])].sort()).toEqual([...failure!.wanted].sort());
    }

    // Every 409 names a seat that somebody held: a reservation in MySQL, or a hold the victim
    // had taken in Redis for a request that died with it (a false 409 until the hold's TTL).
    const claimed = new Set([...seats.values()].flat());
    for (const failure of failures) failure.wanted.forEach((seatId) => claimed.add(seatId));
    for (const loser of losers) {
      expect(loser.response.body.seatIds.some((seatId: string) => claimed.has(seatId))).toBe(true);
    }
  }, 60_000);

  it('keeps serving on the two survivors: readiness, holds and confirmations through nginx', async () => {
    expect(raceA).toBeDefined();
    const survivors = new Set(instances.filter((instance) => instance !== victim).map((instance) => instance.address));

    const readiness = await Promise.all(Array.from({ length: 6 }, () => request(nginx.url, 'GET', '/readyz')));
    expect(readiness.map((answer) => answer.status)).toEqual(readiness.map(() => 200));
    for (const answer of readiness) expect(survivors.has(answeredBy(answer)!)).toBe(true);

    // A fresh on-sale: every member holds 1–2 seats and confirms at once.
    const performance = await apiClient(nginx.url).createHall(adminToken, {
      rows: 4,
      seatsPerRow: 10,
      title: 'Survivors Night',
    });
    const wanted = adjacentSeatWishes(members.length, performance.seatIds, 2);
    const rounds = await mapConcurrently(members, CONCURRENCY, async (member, index) => {
      const hold = await request(nginx.url, 'POST', '/api/v1/reservations', {
        token: member.token,
        body: { performanceId: performance.id, seatIds: wanted[index] },
      });
      const confirm =
        hold.status === 201
          ? await request(nginx.url, 'POST', `/api/v1/reservations/${hold.body.id}/confirm`, { token: member.token })
          : undefined;
      return { hold, confirm };
    });
    const held = rounds.filter((round) => round.hold.status === 201);
    const answers = rounds.flatMap((round) => (round.confirm ? [round.hold, round.confirm] : [round.hold]));
    console.log(
      JSON.stringify({
        survivorsRound: {
          holds201: held.length,
          holds409: rounds.filter((round) => round.hold.status === 409).length,
          confirms200: held.filter((round) => round.confirm!.status === 200).length,
          byInstance: Object.fromEntries(
            [...survivors].map((address) => [address, answers.filter((a) => answeredBy(a) === address).length]),
          ),
        },
      }),
    );

    for (const round of rounds) {
      expect([201, 409]).toContain(round.hold.status);
      if (round.hold.status === 409) expect(round.hold.body).toMatchObject({ code: 'SEAT_UNAVAILABLE' });
    }
    for (const round of held) expect(round.confirm).toMatchObject({ status: 200, body: { status: 'CONFIRMED' } });
    // Both survivors took their share; the dead one answered nothing.
    expect(new Set(answers.map(answeredBy))).toEqual(survivors);

    expect(await doubleSoldSeats(sqlOverKnex(knex), performance.id)).toEqual([]);
    const confirmed: { id: string }[] = await knex('reservations')
      .where({ performance_id: performance.id, status: 'CONFIRMED' })
      .select('id');
    expect(confirmed.map((row) => row.id).sort()).toEqual(held.map((round) => round.hold.body.id as string).sort());
    // Demand is far above the 40 seats: the survivors sold most of the hall.
    const sold = held.reduce((sum, round) => sum + (round.hold.body.seats as unknown[]).length, 0);
    expect(sold).toBeGreaterThan(20);
  }, 60_000);

  it('serves again once restarted, and the holds the victim made before dying expire normally', async () => {
    expect(raceA).toBeDefined();
    const { performanceId, attempts, kill } = raceA!;

    victim = ServiceProcess.start(victim.port, env);
    instances[1] = victim;
    await victim.waitUntilReady();

    // What the victim held: holds it answered with 201 before dying, and holds it committed
    // without answering (rows no 201 accounts for).
    const answered = attempts.filter((attempt) => attempt.response.status === 201);
    const byVictim = answered.filter(
      (attempt) => answeredBy(attempt.response) === victim.address && attempt.finishedAt < kill.deadAt,
    );
    const answeredIds = new Set(answered.map((attempt) => attempt.response.body.id as string));
    const orphanIds = (await knex('reservations').where('performance_id', performanceId).select('id'))
      .map((row: { id: string }) => row.id)
      .filter((id: string) => !answeredIds.has(id));
    const victimHolds = [...byVictim.map((attempt) => attempt.response.body.id as string), ...orphanIds];
    // Answered or caught in flight: which of the two it was depends on the moment of the kill
    // (losers are answered faster than winners, so the victim's early answers may all be 409s).
    expect(victimHolds.length).toBeGreaterThan(0);

    // Polled, not slept: each hold is still held (PENDING, seats claimed) or has expired (seats
    // released); none is lost, confirmed or cancelled behind anyone's back. The sweepers of
    // the instances end every one of them within the TTL plus a few sweeps.
    const statuses = await eventually(
      'the victim’s holds to expire',
      async () => {
        const rows: { id: string; status: string; expires_at: Date; claimed: number | string }[] = await knex(
          'reservations as r',
        )
          .leftJoin('reservation_seats as rs', 'rs.reservation_id', 'r.id')
          .whereIn('r.id', victimHolds)
          .groupBy('r.id', 'r.status', 'r.expires_at')
          .select('r.id', 'r.status', 'r.expires_at')
          .count({ claimed: 'rs.active_seat_id' });
        expect(rows).toHaveLength(victimHolds.length);
        for (const row of rows) {
          expect(['PENDING', 'EXPIRED']).toContain(row.status);
          if (row.status === 'EXPIRED') expect(Number(row.claimed)).toBe(0);
          else expect(Number(row.claimed)).toBeGreaterThan(0);
        }
        return rows.every((row) => row.status === 'EXPIRED') ? rows : undefined;
      },
      { timeoutMs: HOLD_TTL_SECONDS * 1000 + 10_000, intervalMs: 200 },
    );
    expect(statuses).toHaveLength(victimHolds.length);

    // With every hold of the race expired, the restarted instance shows the whole hall free
    // (its seat map cache is at most SEAT_MAP_CACHE_MS old) ...
    await eventually(
      'every seat of the race to be free again',
      async () => {
        const pending = await knex('reservations')
          .where({ performance_id: performanceId, status: 'PENDING' })
          .count({ n: '*' });
        if (Number(pending[0]!.n) > 0) return undefined;
        const map = await request(victim.url, 'GET', `/api/v1/performances/${performanceId}/seats`);
        return map.status === 200 && map.body.seats.every((seat: { status: string }) => seat.status === 'AVAILABLE')
          ? true
          : undefined;
      },
      { timeoutMs: HOLD_TTL_SECONDS * 1000 + 10_000, intervalMs: 200 },
    );

    // ... and sells again: the member whose hold died with it holds and confirms the same seats there.
    const again = byVictim[0]!;
    const token = members[again.member]!.token;
    const hold = await request(victim.url, 'POST', '/api/v1/reservations', {
      token,
      body: { performanceId, seatIds: again.wanted },
    });
    expect(hold.status).toBe(201);
    const confirm = await request(victim.url, 'POST', `/api/v1/reservations/${hold.body.id}/confirm`, { token });
    expect(confirm).toMatchObject({ status: 200, body: { status: 'CONFIRMED' } });
    expect(await doubleSoldSeats(sqlOverKnex(knex), performanceId)).toEqual([]);

    // nginx takes it back after fail_timeout (5 s) by itself: passive health, nothing reloaded.
    await eventually(
      'nginx to route to the restarted instance',
      async () => {
        const answer = await request(nginx.url, 'GET', '/readyz');
        expect(answer.status).toBe(200);
        return answeredBy(answer) === victim.address ? true : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect((await probe(victim.url, '/readyz')).status).toBe(200);
  }, 60_000);
});
