import Redis from 'ioredis';
import { testRedisUrl } from '../support/environment';
import { startFullStack, type TestService } from '../support/service';
import { SseClient, statusesOf } from '../support/sse-client';

const API = '/api/v1';

/** Two instances of the service on this worker's MariaDB database and Redis db, in this process. */
describe('the live seat map across instances (MariaDB + Redis)', () => {
  let a: TestService;
  let b: TestService;
  let redis: Redis;
  let member: string;
  const streams: SseClient[] = [];
  const follow = async (on: TestService, performanceId: string, headers: Record<string, string> = {}) => {
    const client = await SseClient.open(`${on.baseUrl}${API}/performances/${performanceId}/seats/stream`, headers);
    streams.push(client);
    return client;
  };
  const hold = async (on: TestService, performanceId: string, seatIds: string[]) => {
    const held = await on.request('POST', `${API}/reservations`, {
      token: member,
      body: { performanceId, seatIds },
    });
    expect(held.status).toBe(201);
    return held.body.id as string;
  };
  const seatMap = (on: TestService, performanceId: string) =>
    on.request('GET', `${API}/performances/${performanceId}/seats`);

  beforeAll(async () => {
    a = await startFullStack();
    b = await startFullStack();
    redis = new Redis(testRedisUrl);
    member = await a.memberToken();
  });
  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    redis?.disconnect();
  });

  it('carries a change made through one instance to the streams of the other', async () => {
    const hall = await a.createHall({ rows: 2, seatsPerRow: 5 });
    const onB = await follow(b, hall.id);
    await onB.untilEvents(1);
    const reservation = await hold(a, hall.id, [hall.seatIds[0]!, hall.seatIds[1]!]);
    const confirmed = await a.request('POST', `${API}/reservations/${reservation}/confirm`, { token: member });
    expect(confirmed.status).toBe(200);

    const onA = await seatMap(a, hall.id);
    await onB.untilVersion(onA.body.version);
    const applied = SseClient.apply(onB.events);
    expect(applied.statuses.get(hall.seatIds[0]!)).toBe('RESERVED');
    expect(applied.version).toBe(onA.body.version);
    expect(applied.statuses).toEqual(statusesOf(onA.body));
    // Both instances answer the same version with the same map.
    const onBNow = await seatMap(b, hall.id);
    expect(onBNow.body.version).toBe(onA.body.version);
    expect(onBNow.headers.get('etag')).toBe(onA.headers.get('etag'));
    expect(statusesOf(onBNow.body)).toEqual(statusesOf(onA.body));
  });

  it('resumes on one instance from the latest id seen on the other', async () => {
    const hall = await a.createHall({ rows: 1, seatsPerRow: 6 });
    const onA = await follow(a, hall.id);
    await onA.untilEvents(1);
    await hold(a, hall.id, [hall.seatIds[0]!]);
    await onA.untilEvents(2);
    const seen = SseClient.apply(onA.events);
    onA.close();
    await hold(b, hall.id, [hall.seatIds[1]!]);
    const missed = await seatMap(b, hall.id);

    const onB = await follow(b, hall.id, { 'Last-Event-ID': onA.lastEventId! });
    await onB.untilVersion(missed.body.version);
    expect(onB.events.map((event) => event.event)).not.toContain('snapshot');
    expect(SseClient.apply(onB.events, seen).statuses).toEqual(statusesOf(missed.body));
  });

  it('sends a fresh snapshot, rebuilt from MySQL, when Redis loses the state mid-stream', async () => {
    const hall = await a.createHall({ rows: 2, seatsPerRow: 5 });
    const onB = await follow(b, hall.id);
    await onB.untilEvents(1);
    const sold = await hold(a, hall.id, [hall.seatIds[0]!]);
    expect((await a.request('POST', `${API}/reservations/${sold}/confirm`, { token: member })).status).toBe(200);
    const before = await seatMap(a, hall.id);
    await onB.untilVersion(before.body.version);
    const seenBefore = onB.events.length;

    // This worker's own Redis db (test/support/environment.ts): nobody else's data.
    await redis.flushdb();
    await hold(a, hall.id, [hall.seatIds[1]!]);

    await onB.until(
      () => onB.events.slice(seenBefore).some((event) => event.event === 'snapshot'),
      5_000,
      'a fresh snapshot',
    );
    const snapshot = onB.events.slice(seenBefore).find((event) => event.event === 'snapshot')!;
    expect(Number(snapshot.id)).toBeGreaterThan(before.body.version);
    const after = await seatMap(b, hall.id);
    await onB.untilVersion(after.body.version);
    const applied = SseClient.apply(onB.events);
    expect(applied.statuses.get(hall.seatIds[0]!)).toBe('RESERVED');
    expect(applied.statuses.get(hall.seatIds[1]!)).toBe('HELD');
    expect(applied.statuses).toEqual(statusesOf(after.body));
    expect((await seatMap(a, hall.id)).body.version).toBe(after.body.version);
  });
});
