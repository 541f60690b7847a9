import { generateKeyPairSync } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { waitingRoomKeys } from '../../src/adapters/redis/redis-waiting-room.store';
import type { ApiMember, Json } from '../../testkit/api-client';
import { mapConcurrently } from '../../testkit/concurrency';
import { SECOND } from '../../testkit/time';
import { testRedisUrl } from '../support/environment';
import { expectProblem } from '../support/problem-assertions';
import { startFullStack, type TestService } from '../support/service';

const API = '/api/v1';

/** The instances share one Ed25519 key, as ADMISSION_SIGNING_KEY says they must. */
const SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/**
 * Three instances of the service, in this process, on this worker's MariaDB database and
 * Redis db: one waiting room, one token bucket, whichever instance a member polls.
 */
describe('the waiting room across instances (MariaDB + Redis)', () => {
  let instances: TestService[];
  let redis: Redis;
  const keysOf = (performanceId: string) => waitingRoomKeys(performanceId);

  const poll = (on: TestService, member: ApiMember, performanceId: string) =>
    on.request('GET', `${API}/performances/${performanceId}/queue/me`, { token: member.token });
  const join = (on: TestService, member: ApiMember, performanceId: string) =>
    on.request('POST', `${API}/performances/${performanceId}/queue`, { token: member.token });
  /** Admission times (ms) as the shared store recorded them. */
  const admissionTimes = async (performanceId: string) =>
    Object.values(await redis.hgetall(keysOf(performanceId)[2]!))
      .map(Number)
      .sort((a, b) => a - b);
  const createRoom = async (admitPerMinute: number, opensAt: number): Promise<Json> =>
    instances[0]!.createPerformance({
      salesOpenAt: new Date(opensAt).toISOString(),
      waitingRoom: { admitPerMinute, admissionSeconds: 600 },
    });

  beforeAll(async () => {
    instances = [];
    for (let i = 0; i < 3; i++) instances.push(await startFullStack({ ADMISSION_SIGNING_KEY: SIGNING_KEY }));
    redis = new Redis(testRedisUrl);
  });
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    redis?.disconnect();
  });

  it('admits at the configured rate across three instances: every 10 s window within ±10 %, tokens good on any instance', async () => {
    // 600 a minute is 100 per 10 s; 12.5 s of admissions give six overlapping windows.
    const members = await instances[0]!.api.newMembers(140, 'waiting', 10);
    const opensAt = Date.now() + 3 * SECOND;
    const performance = await createRoom(600, opensAt);
    await mapConcurrently(members, 20, async (member, index) => {
      expect((await join(instances[index % 3]!, member, performance.id)).status).toBe(201);
    });
    // Every key of the room carries the performance's hash tag: one cluster slot per script.
    for (const key of keysOf(performance.id)) expect(key).toContain(`{${performance.id}}`);
    expect(Date.now()).toBeLessThan(opensAt);

    const tokens = new Map<string, string>();
    const end = opensAt + 12.5 * SECOND;
    let round = 0;
    while (Date.now() < end) {
      round++;
      await Promise.all(
        members
          .filter((member) => !tokens.has(member.id))
          .map(async (member, index) => {
            const status = (await poll(instances[(index + round) % 3]!, member, performance.id)).body;
            if (status.state === 'ADMITTED') tokens.set(member.id, status.admissionToken);
          }),
      );
      await sleep(SECOND);
    }
    const times = (await admissionTimes(performance.id)).filter((at) => at <= end);
    expect(times[0]).toBeGreaterThan(opensAt);
    for (let start = opensAt; start + 10 * SECOND <= end; start += 500) {
      const inWindow = times.filter((at) => at > start && at <= start + 10 * SECOND).length;
      expect(inWindow).toBeGreaterThanOrEqual(90);
      expect(inWindow).toBeLessThanOrEqual(110);
    }

    // The token one instance handed out is good on another (the key is shared).
    const [memberId, token] = [...tokens][0]!;
    const member = members.find((candidate) => candidate.id === memberId)!;
    const seatIds = await instances[2]!.seatIds(performance.id);
    const held = await instances[2]!.request('POST', `${API}/reservations`, {
      token: member.token,
      headers: { 'Admission-Token': token },
      body: { performanceId: performance.id, seatIds: [seatIds[0]] },
    });
    expect(held.status).toBe(201);
  }, 90_000);

  it('Redis losing the queue (FLUSHDB) resets it clearly: 404 with queueReset, join again, never above the rate', async () => {
    const [on] = instances;
    const members = await on!.api.newMembers(12, 'reset', 6);
    const opensAt = Date.now() + SECOND;
    const performance = await createRoom(60, opensAt);
    for (const member of members) await join(on!, member, performance.id);
    await sleep(opensAt - Date.now() + 1.5 * SECOND);
    expect((await admissionTimes(performance.id)).length).toBeGreaterThanOrEqual(1);

    // This worker's own Redis db: as if Redis restarted empty.
    await redis.flushdb();
    const flushedAt = Date.now();
    const answer = expectProblem(await poll(on!, members[11]!, performance.id), 404, 'QUEUE_ENTRY_NOT_FOUND');
    expect(answer['queueReset']).toBe(true);
    expect(answer['detail']).toMatch(/reset/);
    for (const member of members) expect((await join(on!, member, performance.id)).status).toBe(201);

    // The bucket starts empty again: in 3 s at most 3 admissions at 60 a minute (plus the instant's rounding).
    while (Date.now() < flushedAt + 3 * SECOND) {
      await Promise.all(members.map((member, index) => poll(instances[index % 3]!, member, performance.id)));
      await sleep(250);
    }
    const after = await admissionTimes(performance.id);
    expect(after.every((at) => at > flushedAt)).toBe(true);
    expect(after.length).toBeGreaterThanOrEqual(1);
    expect(after.filter((at) => at <= flushedAt + 3 * SECOND).length).toBeLessThanOrEqual(3);
  }, 60_000);
});
