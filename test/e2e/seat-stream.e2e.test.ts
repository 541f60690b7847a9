import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../src/adapters/memory/manual-clock';
import type { ExpireOverdueHolds } from '../../src/application/sales/expire-overdue-holds/expire-overdue-holds.use-case';
import { TOKENS } from '../../src/bootstrap/tokens';
import { startTestApp, type TestService } from '../support/service';
import { SseClient, statusesOf } from '../support/sse-client';

const API = '/api/v1';
const HOLD_SECONDS = 300;

describe('the live seat map (embedded service)', () => {
  const clock = new ManualClock(new Date());
  let service: TestService;
  let member: string;
  const streams: SseClient[] = [];
  const follow = async (performanceId: string, headers: Record<string, string> = {}, on = service) => {
    const client = await SseClient.open(`${on.baseUrl}${API}/performances/${performanceId}/seats/stream`, headers);
    streams.push(client);
    return client;
  };
  const seatMap = (performanceId: string, headers: Record<string, string> = {}) =>
    service.request('GET', `${API}/performances/${performanceId}/seats`, { headers });
  const hold = async (performanceId: string, seatIds: string[]) => {
    const held = await service.request('POST', `${API}/reservations`, {
      token: member,
      body: { performanceId, seatIds },
    });
    expect(held.status).toBe(201);
    return held.body.id as string;
  };
  const act = async (reservationId: string, action: 'confirm' | 'cancel') =>
    expect(
      (await service.request('POST', `${API}/reservations/${reservationId}/${action}`, { token: member })).status,
    ).toBe(200);

  beforeAll(async () => {
    service = await startTestApp({ clock, policy: { holdSeconds: HOLD_SECONDS } });
    member = await service.memberToken();
  });
  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });
  afterAll(() => service.close());

  it('follows hold, confirm, cancel and sweep; the applied events equal GET seats at every version', async () => {
    const hall = await service.createHall({ rows: 2, seatsPerRow: 5 });
    const [a, b, c, d] = hall.seatIds as [string, string, string, string];
    const stream = await follow(hall.id);
    expect(stream.status).toBe(200);
    expect(stream.response.headers['content-type']).toBe('text/event-stream');
    expect(stream.response.headers['x-accel-buffering']).toBe('no');
    await stream.untilEvents(1);
    expect(stream.retry).toBe(2000);
    const [snapshot] = stream.events;
    const initial = await seatMap(hall.id);
    expect(snapshot).toEqual({ event: 'snapshot', id: String(initial.body.version), data: initial.body });

    const checkpoint = async (expected: Record<string, string>) => {
      const map = await seatMap(hall.id);
      await stream.untilVersion(map.body.version);
      const applied = SseClient.apply(stream.events);
      expect(applied.version).toBe(map.body.version);
      expect(applied.statuses).toEqual(statusesOf(map.body));
      expect(Object.fromEntries([...applied.statuses].filter(([id]) => id in expected))).toEqual(expected);
    };
    const sold = await hold(hall.id, [a, b]);
    await checkpoint({ [a]: 'HELD', [b]: 'HELD', [c]: 'AVAILABLE' });
    await act(sold, 'confirm');
    await checkpoint({ [a]: 'RESERVED', [b]: 'RESERVED' });
    const cancelled = await hold(hall.id, [c]);
    await act(cancelled, 'cancel');
    await checkpoint({ [c]: 'AVAILABLE' });
    await hold(hall.id, [d]);
    await checkpoint({ [d]: 'HELD' });
    clock.advance((HOLD_SECONDS + 1) * 1000);
    expect(await service.application.container.get<ExpireOverdueHolds>(TOKENS.ExpireOverdueHolds).execute()).toBe(1);
    await checkpoint({ [a]: 'RESERVED', [b]: 'RESERVED', [c]: 'AVAILABLE', [d]: 'AVAILABLE' });

    expect(stream.events.slice(1).every((event) => event.event === 'changes')).toBe(true);
    const versions = stream.events.map((event) => Number(event.id));
    expect(versions.every((version, index) => index === 0 || version > versions[index - 1]!)).toBe(true);
    for (const event of stream.events.slice(1)) expect(event.data.version).toBe(Number(event.id));
  });

  it('answers the seat map with its version as ETag, and 304 with no body to If-None-Match', async () => {
    const hall = await service.createHall({ rows: 1, seatsPerRow: 4 });
    const first = await seatMap(hall.id);
    expect(first.body.version).toEqual(expect.any(Number));
    const etag = first.headers.get('etag');
    expect(etag).toBe(`"${first.body.version}"`);

    const unchanged = await fetch(`${service.baseUrl}${API}/performances/${hall.id}/seats`, {
      headers: { 'If-None-Match': etag! },
    });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe('');
    expect(unchanged.headers.get('etag')).toBe(etag);
    expect((await seatMap(hall.id, { 'If-None-Match': `W/${etag}, "0"` })).status).toBe(304);

    await hold(hall.id, [hall.seatIds[0]!]);
    const changed = await seatMap(hall.id, { 'If-None-Match': etag! });
    expect(changed.status).toBe(200);
    expect(changed.body.version).toBeGreaterThan(first.body.version);
    expect(changed.headers.get('etag')).toBe(`"${changed.body.version}"`);
  });

  it('resumes from the latest id a client saw: only the changes after it, no snapshot', async () => {
    const hall = await service.createHall({ rows: 1, seatsPerRow: 6 });
    const [a, b, c] = hall.seatIds as [string, string, string];
    const first = await follow(hall.id);
    await first.untilEvents(1);
    const held = await hold(hall.id, [a]);
    await first.untilEvents(2);
    await act(held, 'confirm');
    await first.untilEvents(3);
    const seen = SseClient.apply(first.events);
    first.close();

    // Missed while disconnected.
    await hold(hall.id, [b]);
    await hold(hall.id, [c]);
    const missed = await seatMap(hall.id);

    const resumed = await follow(hall.id, { 'Last-Event-ID': first.lastEventId! });
    await resumed.untilVersion(missed.body.version);
    expect(resumed.events.map((event) => event.event)).not.toContain('snapshot');
    expect(Number(resumed.events[0]!.id)).toBeGreaterThan(Number(first.lastEventId));
    const applied = SseClient.apply(resumed.events, seen);
    expect(applied.version).toBe(missed.body.version);
    expect(applied.statuses).toEqual(statusesOf(missed.body));
  });

  it('resumes with nothing to send when the client is up to date, and sends what comes next', async () => {
    const hall = await service.createHall({ rows: 1, seatsPerRow: 3 });
    const current = await seatMap(hall.id);
    const resumed = await follow(hall.id, { 'Last-Event-ID': String(current.body.version) });
    await hold(hall.id, [hall.seatIds[1]!]);
    await resumed.untilEvents(1);
    expect(resumed.events[0]).toEqual({
      event: 'changes',
      id: String(current.body.version + 1),
      data: { version: current.body.version + 1, seats: [{ id: hall.seatIds[1], status: 'HELD' }] },
    });
  });

  it('starts with a fresh snapshot when the Last-Event-ID is unknown or no longer retained', async () => {
    const hall = await service.createHall({ rows: 1, seatsPerRow: 3 });
    for (const lastEventId of ['not-a-version', '0']) {
      const stream = await follow(hall.id, { 'Last-Event-ID': lastEventId });
      await stream.untilEvents(1);
      expect(stream.events[0]!.event).toBe('snapshot');
    }
  });

  it('answers 404 problem details for an unknown performance, before any stream starts', async () => {
    const stream = await follow(randomUUID());
    expect(stream.status).toBe(404);
    expect(stream.response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(await stream.body())).toMatchObject({ status: 404, code: 'PERFORMANCE_NOT_FOUND' });
  });

  it('sends a ping comment every SEAT_STREAM_HEARTBEAT_MS', async () => {
    const quick = await startTestApp({ env: { SEAT_STREAM_HEARTBEAT_MS: '30' } });
    try {
      const hall = await quick.createHall({ rows: 1, seatsPerRow: 2 });
      const stream = await follow(hall.id, {}, quick);
      await stream.until(() => stream.comments.length >= 2, 5_000, 'two pings');
      expect(stream.comments.slice(0, 2)).toEqual(['ping', 'ping']);
    } finally {
      await quick.close();
    }
  });
});

describe('seat stream limits and shutdown (embedded service)', () => {
  it('answers 503 TOO_MANY_STREAMS with Retry-After beyond SEAT_STREAM_MAX_CONNECTIONS, and admits again when one closes', async () => {
    const service = await startTestApp({ env: { SEAT_STREAM_MAX_CONNECTIONS: '2' } });
    const streams: SseClient[] = [];
    try {
      const hall = await service.createHall({ rows: 1, seatsPerRow: 2 });
      const url = `${service.baseUrl}${API}/performances/${hall.id}/seats/stream`;
      for (let index = 0; index < 2; index++) {
        const stream = await SseClient.open(url);
        streams.push(stream);
        await stream.untilEvents(1);
      }
      const refused = await SseClient.open(url);
      expect(refused.status).toBe(503);
      expect(refused.response.headers['retry-after']).toBe('2');
      expect(JSON.parse(await refused.body())).toMatchObject({ code: 'TOO_MANY_STREAMS', limit: 2 });

      streams[0]!.close();
      // The server notices the disconnect on its own time; a new stream is admitted once it has.
      let admitted: SseClient | undefined;
      const deadline = Date.now() + 5_000;
      while (!admitted && Date.now() < deadline) {
        const attempt = await SseClient.open(url);
        if (attempt.status === 200) admitted = attempt;
        else await attempt.body();
      }
      expect(admitted).toBeDefined();
      streams.push(admitted!);
    } finally {
      for (const stream of streams) stream.close();
      await service.close();
    }
  });

  it('closes every stream on shutdown, so clients reconnect elsewhere', async () => {
    const service = await startTestApp({ env: { SHUTDOWN_TIMEOUT_MS: '10000' } });
    const hall = await service.createHall({ rows: 1, seatsPerRow: 2 });
    const url = `${service.baseUrl}${API}/performances/${hall.id}/seats/stream`;
    const streams = [await SseClient.open(url), await SseClient.open(url)];
    await Promise.all(streams.map((stream) => stream.untilEvents(1)));

    const started = Date.now();
    await service.close();
    await Promise.all(streams.map((stream) => stream.until(() => stream.ended, 5_000, 'the end of the stream')));
    // Well before the shutdown deadline: the streams were closed, not cut when time ran out.
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
