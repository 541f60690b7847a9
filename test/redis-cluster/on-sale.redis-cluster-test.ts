import { createHash } from 'node:crypto';
import type { Cluster } from 'ioredis';
import type { Knex } from 'knex';
import { createKnex } from '../../src/adapters/persistence/knex-client';
import { connectRedis, createRedisCluster } from '../../src/adapters/redis/redis-client';
import { loadConfig } from '../../src/bootstrap/config';
import type { ApiResponse, Hall } from '../../testkit/api-client';
import { doubleSoldSeats, reservationStatuses, sqlOverKnex } from '../../testkit/audit';
import { adjacentSeatWishes } from '../../testkit/seat-wishes';
import { TEST_MYSQL_SERVER_URL } from '../support/environment';
import { waitUntil } from '../support/owned-servers';
import { OwnedRedisCluster, REDIS_CLUSTER_TEST_PASSWORD } from '../support/owned-redis-cluster';
import { keySlot } from '../support/redis-key-slot';
import { seatHoldKey } from '../support/redis-seat-keys';
import { SseClient, statusesOf } from '../support/sse-client';
import { startService, testEnvironment, type TestService } from '../support/service';

const API = '/api/v1';
const MEMBERS = 200;
const SEATS = 50;
const namespace = (process.env['TEST_NAMESPACE'] ?? '').replace(/[^a-z]/gi, '').toLowerCase();
const DATABASE = `ticketing_redis_cluster${namespace ? `_${namespace}` : ''}`;
const DATABASE_URL = `${TEST_MYSQL_SERVER_URL}/${DATABASE}`;

/**
 * The service on a real Redis Cluster (three masters, three replicas, password-protected),
 * started by the test on loopback: the on-sale race and the live seat map as on one Redis
 * server, rate limits shared through the cluster, a master killed mid-race (its replica
 * takes over, the service follows without a restart), and the whole cluster stopped (MySQL
 * sells alone). MySQL, the truth, is audited after each.
 */
describe('the service on a Redis Cluster', () => {
  let cluster: OwnedRedisCluster | undefined;
  let service: TestService | undefined;
  let knex: Knex | undefined;
  let observer: Cluster | undefined;
  let tokens: string[] = [];
  const streams: SseClient[] = [];

  const environment = (extra: Record<string, string> = {}) =>
    testEnvironment({
      DATABASE_URL,
      REDIS_CLUSTER_NODES: cluster!.nodesSetting,
      REDIS_PASSWORD: REDIS_CLUSTER_TEST_PASSWORD,
      MIGRATE_ON_START: 'true',
      REQUEST_TIMEOUT_MS: '3000',
      ...extra,
    });

  beforeAll(async () => {
    const admin = createKnex(TEST_MYSQL_SERVER_URL, { poolMax: 1 });
    try {
      await admin.raw(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    } finally {
      await admin.destroy();
    }
    cluster = await OwnedRedisCluster.start();
    service = await startService(loadConfig(environment()));
    await redisUp(service);
    knex = createKnex(DATABASE_URL, { poolMax: 2 });
    observer = createRedisCluster(
      cluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
      { password: REDIS_CLUSTER_TEST_PASSWORD, commandTimeoutMs: 2_000 },
    );
    observer.on('error', () => {});
    await connectRedis(observer, 10_000);
    tokens = (await service.api.newMembers(MEMBERS, 'cluster-racer', 20)).map((member) => member.token);
  }, 120_000);

  afterAll(async () => {
    for (const stream of streams) stream.close();
    observer?.disconnect();
    await service?.close().catch(() => {});
    await knex?.destroy();
    await cluster?.dispose();
  });

  const hold = (member: number, performanceId: string, seatIds: readonly string[]) =>
    service!.request('POST', `${API}/reservations`, { token: tokens[member]!, body: { performanceId, seatIds } });

  /**
   * Every member at once, or one every `paceMs` so that the race spans a fault; `duringRace`
   * runs once a quarter of the answers are in.
   */
  async function race(hall: Hall, members: number, duringRace?: () => Promise<void>, paceMs = 0) {
    const wishes = adjacentSeatWishes(members, hall.seatIds);
    const sentAt: number[] = [];
    let answered = 0;
    let quarterIn: () => void = () => {};
    const quarter = new Promise<void>((resolve) => (quarterIn = resolve));
    const requests = wishes.map(async (wish, member) => {
      if (paceMs > 0) await new Promise((resolve) => setTimeout(resolve, member * paceMs));
      sentAt[member] = Date.now();
      return hold(member, hall.id, wish).finally(() => {
        if (++answered === Math.ceil(members / 4)) quarterIn();
      });
    });
    if (duringRace) {
      await quarter;
      await duringRace();
    }
    const responses = await Promise.all(requests);
    return Object.assign(responses, { sentAt });
  }

  /** Only 201, 409 (the seat is taken), or 503 with Retry-After: never another answer. */
  function expectOnlyAllowedAnswers(responses: readonly ApiResponse[]) {
    const unexpected = responses.filter(
      (response) =>
        !(
          response.status === 201 ||
          (response.status === 409 && ['SEAT_UNAVAILABLE', 'SEATS_ALREADY_CLAIMED'].includes(response.body?.code)) ||
          (response.status === 503 && response.headers.get('retry-after') !== null)
        ),
    );
    expect(unexpected.map((response) => ({ status: response.status, body: response.body }))).toEqual([]);
  }

  /** MySQL, the truth: no seat sold twice, and exactly the 201s of this hall are its reservations, active. */
  async function audit(hall: Hall, responses: readonly ApiResponse[]) {
    expect(await doubleSoldSeats(sqlOverKnex(knex!), hall.id)).toEqual([]);
    const created = responses.filter((response) => response.status === 201).map((response) => response.body.id);
    const statuses = await reservationStatuses(sqlOverKnex(knex!), created);
    expect(created.filter((id) => !['PENDING', 'CONFIRMED'].includes(statuses.get(id) ?? 'missing'))).toEqual([]);
    const rows = await knex!('reservations').where('performance_id', hall.id).count({ n: '*' });
    expect(Number(rows[0]!.n)).toBe(created.length);
    return created;
  }

  /** A stream opened before the race ends up with exactly the map GET seats answers, at its version. */
  async function expectStreamAgreesWithSeatMap(stream: SseClient, hall: Hall) {
    const seatMap = await waitFor(async () => {
      const response = await service!.request('GET', `${API}/performances/${hall.id}/seats`);
      return response.status === 200 && typeof response.body.version === 'number' ? response.body : undefined;
    }, 15_000);
    await stream.until(
      () => Number(stream.lastEventId) >= seatMap.version,
      15_000,
      `the stream at version ${seatMap.version}`,
    );
    expect(SseClient.apply(stream.events).statuses).toEqual(statusesOf(seatMap));
  }

  async function openStream(hall: Hall): Promise<SseClient> {
    const stream = await SseClient.open(`${service!.baseUrl}${API}/performances/${hall.id}/seats/stream`);
    streams.push(stream);
    expect(stream.status).toBe(200);
    await stream.untilEvents(1);
    expect(stream.events[0]!.event).toBe('snapshot');
    return stream;
  }

  it('sells every seat at most once in a race of 200 for 50 seats, its holds and seat map kept in the cluster', async () => {
    const hall = await service!.createHall({ rows: 5, seatsPerRow: 10, title: 'Cluster race' });
    expect(hall.seatIds).toHaveLength(SEATS);
    const stream = await openStream(hall);

    const responses = await race(hall, MEMBERS);

    // As on one node: every loser told 409 SEAT_UNAVAILABLE, naming a seat a winner holds.
    const winners = responses.filter((response) => response.status === 201);
    const losers = responses.filter((response) => response.status !== 201);
    expect(losers.map((response) => [response.status, response.body.code])).toEqual(
      losers.map(() => [409, 'SEAT_UNAVAILABLE']),
    );
    const held = new Set(winners.flatMap((winner) => winner.body.seats.map((seat: { id: string }) => seat.id)));
    for (const loser of losers) expect(loser.body.seatIds.some((seatId: string) => held.has(seatId))).toBe(true);
    expect(held.size).toBeGreaterThan(SEATS / 2);
    await audit(hall, responses);

    // The holds are in the cluster, each seat key naming its reservation, all in the performance's slot.
    const slot = cluster!.keySlot(`{${hall.id}}`);
    for (const winner of winners) {
      for (const seat of winner.body.seats) {
        const key = seatHoldKey(hall.id, seat.id);
        expect(await observer!.get(key)).toBe(winner.body.id);
        expect(keySlot(key)).toBe(slot);
      }
    }
    expect(cluster!.keySlot(seatHoldKey(hall.id, hall.seatIds[0]!))).toBe(slot);

    await expectStreamAgreesWithSeatMap(stream, hall);
  }, 90_000);

  it('counts rate limits and the login guard in the cluster, shared by every instance', async () => {
    const limited = environment({
      RATE_LIMIT_ENABLED: 'true',
      LOGIN_MAX_FAILURES_PER_EMAIL_AND_IP: '3',
      LOGIN_BLOCK_SECONDS: '120',
      RATE_LIMIT_HOLDS_PER_MEMBER_PER_MINUTE: '2',
      RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE: '100000',
      RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
    });
    const [first, second] = await Promise.all([
      startService(loadConfig(limited)),
      startService(loadConfig({ ...limited, MIGRATE_ON_START: 'false' })),
    ]);
    try {
      // Counting starts in the cluster once each instance's cluster client is ready (before, in memory).
      await Promise.all([first, second].map((instance) => redisUp(instance)));
      const email = `cluster-guarded-${Date.now()}@example.com`;
      const password = 'the-right-password-123';
      await first.api.newMember({ email, password });
      const logIn = (instance: TestService, secret: string) =>
        instance.request('POST', `${API}/auth/login`, { body: { email, password: secret } });
      // Three failures, spread over both instances, block the account on both: one count, in the cluster.
      expect((await logIn(first, 'wrong-1')).status).toBe(401);
      expect((await logIn(second, 'wrong-2')).status).toBe(401);
      expect((await logIn(first, 'wrong-3')).status).toBe(401);
      const blocked = await logIn(second, password);
      expect(blocked.status).toBe(429);
      expect(blocked.body.code).toBe('RATE_LIMITED');
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(60);
      const emailKey = createHash('sha256').update(email).digest('base64url').slice(0, 22);
      expect(Number(await observer!.get(`rl:loginFailuresPerEmail:${emailKey}`))).toBe(3);

      // Holds per member: two a minute across both instances.
      const member = await first.api.newMember();
      const hall = await first.createHall({ rows: 1, seatsPerRow: 10, title: 'Cluster limits' });
      const attempt = (instance: TestService, seat: number) =>
        instance.request('POST', `${API}/reservations`, {
          token: member.token,
          body: { performanceId: hall.id, seatIds: [hall.seatIds[seat]!] },
        });
      expect([(await attempt(first, 0)).status, (await attempt(second, 1)).status]).toEqual([201, 201]);
      const third = await attempt(first, 2);
      expect([third.status, third.body.code]).toEqual([429, 'RATE_LIMITED']);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  }, 60_000);

  it('keeps selling when the master of the sale kills over mid-race: its replica takes over, the service follows without a restart', async () => {
    const hall = await service!.createHall({ rows: 5, seatsPerRow: 10, title: 'Cluster failover' });
    const stream = await openStream(hall);
    const slot = cluster!.keySlot(`{${hall.id}}`);
    const master = cluster!.masterOf(slot);
    const failover = { started: Infinity, ended: Infinity };

    // One member every 25 ms: the race runs on while the master is dead and its replica is elected.
    const responses = await race(
      hall,
      MEMBERS,
      async () => {
        failover.started = Date.now();
        await master.kill();
        await cluster!.waitForFailover(slot, master.port, 30_000);
        failover.ended = Date.now();
      },
      25,
    );
    const duringFailover = responses.sentAt.filter((at) => at >= failover.started && at < failover.ended).length;
    console.log(
      `Redis Cluster failover: master :${master.port} of slot ${slot} killed, replica :${cluster!.masterOf(slot).port} ` +
        `took over in ${failover.ended - failover.started} ms; ${duringFailover} holds sent meanwhile; answers ` +
        JSON.stringify(countBy(responses.map((response) => `${response.status} ${response.body?.code ?? ''}`.trim()))),
    );
    expect(duringFailover).toBeGreaterThan(10);
    // The replica serves the slot now.
    const promoted = cluster!.masterOf(slot);
    expect(promoted.port).not.toBe(master.port);
    expect(promoted.isRunning).toBe(true);

    expectOnlyAllowedAnswers(responses);
    const created = await audit(hall, responses);
    expect(created.length).toBeGreaterThan(0);

    // Without a restart the service holds through the cluster again. The hall is sold out: a
    // winner cancels (its seats are freed on the promoted master too), and another member holds
    // them until the hold's seat keys are on the promoted master (the service has learnt the new
    // topology; until then a hold goes to MySQL alone and is cancelled again for the next try).
    const winner = responses.findIndex((response) => response.status === 201);
    const seatIds: string[] = responses[winner]!.body.seats.map((seat: { id: string }) => seat.id);
    const cancelled = await service!.request('POST', `${API}/reservations/${responses[winner]!.body.id}/cancel`, {
      token: tokens[winner]!,
    });
    expect(cancelled.status).toBe(200);
    const after: ApiResponse[] = [];
    const recoveredMs = await waitUntil(
      'a hold through the promoted master',
      async () => {
        const response = await hold(MEMBERS - 1, hall.id, seatIds);
        after.push(response);
        if (response.status !== 201) return false;
        if ((await observer!.get(seatHoldKey(hall.id, seatIds[0]!))) === response.body.id) return true;
        await service!.request('POST', `${API}/reservations/${response.body.id}/cancel`, {
          token: tokens[MEMBERS - 1]!,
        });
        return false;
      },
      20_000,
    );
    console.log(`the service held through the promoted master ${recoveredMs} ms after the race`);
    after.splice(0, after.length - 1);
    expectOnlyAllowedAnswers(after);
    const active = responses.filter((_, index) => index !== winner);
    expect(await doubleSoldSeats(sqlOverKnex(knex!), hall.id)).toEqual([]);
    const statuses = await reservationStatuses(
      sqlOverKnex(knex!),
      [...active, ...after].filter((response) => response.status === 201).map((response) => response.body.id),
    );
    expect([...statuses.values()].every((status) => status === 'PENDING')).toBe(true);
    await expectStreamAgreesWithSeatMap(stream, hall);
  }, 120_000);

  it('sells through MySQL alone while the whole cluster is stopped, and finds it again when it returns', async () => {
    const hall = await service!.createHall({ rows: 2, seatsPerRow: 10, title: 'Cluster stopped' });
    await cluster!.stop();

    const responses = await race(hall, 60);
    expectOnlyAllowedAnswers(responses);
    const created = await audit(hall, responses);
    expect(created.length).toBeGreaterThan(5);

    // Reads go on from MySQL; readiness follows MySQL and reports Redis down.
    const seatMap = await service!.request('GET', `${API}/performances/${hall.id}/seats`);
    expect(seatMap.status).toBe(200);
    const ready = await service!.request('GET', '/readyz');
    expect([ready.status, ready.body.checks.redis]).toEqual([200, 'down']);

    // The cluster comes back (empty, on the same nodes); nobody restarts the service, which finds it again.
    await cluster!.restart();
    await redisUp(service!);
    const next = await service!.createHall({ rows: 1, seatsPerRow: 20, title: 'Cluster back' });
    const attempts: ApiResponse[] = [];
    await waitUntil(
      'a hold through the restarted cluster',
      async () => {
        const seatId = next.seatIds[attempts.length];
        if (seatId === undefined) throw new Error('no free seat left');
        const response = await hold(100 + attempts.length, next.id, [seatId]);
        attempts.push(response);
        return response.status === 201 && (await observer!.get(seatHoldKey(next.id, seatId))) === response.body.id;
      },
      20_000,
    );
    expectOnlyAllowedAnswers(attempts);
    await audit(next, attempts);
  }, 90_000);
});

/** Until the instance's /readyz reports its Redis (cluster) client up. */
async function redisUp(instance: TestService): Promise<void> {
  await waitUntil(
    'the service connected to the cluster',
    async () => (await instance.request('GET', '/readyz')).body.checks.redis === 'up',
    20_000,
  );
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  let value: T | undefined;
  await waitUntil('the seat map from the seat state', async () => (value = await probe()) !== undefined, timeoutMs);
  return value!;
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
