import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { startTestApp, type TestApp } from '../support/service';
import type { ApiMember, Json } from '../../testkit/api-client';
import { MINUTE, SECOND } from '../../testkit/time';
import { expectProblem } from '../support/problem-assertions';
import { SseClient } from '../support/sse-client';

const API = '/api/v1';

describe('waiting room', () => {
  let app: TestApp;
  let admin: string;

  const join = (member: ApiMember, performanceId: string) =>
    app.request('POST', `${API}/performances/${performanceId}/queue`, { token: member.token });
  const me = (member: ApiMember, performanceId: string) =>
    app.request('GET', `${API}/performances/${performanceId}/queue/me`, { token: member.token });
  const hold = (member: ApiMember, performanceId: string, seatIds: string[], admissionToken?: string) =>
    app.request('POST', `${API}/reservations`, {
      token: member.token,
      body: { performanceId, seatIds },
      ...(admissionToken !== undefined && { headers: { 'Admission-Token': admissionToken } }),
    });
  /** A performance with a waiting room, opening `opensInMs` from the service's now. */
  const roomPerformance = (waitingRoom: Json, opensInMs = MINUTE) =>
    app.createPerformance({
      salesOpenAt: new Date(app.clock.now().getTime() + opensInMs).toISOString(),
      sections: [{ name: 'A', grade: 'VIP', rows: 10, seatsPerRow: 10 }],
      grades: [{ name: 'VIP', price: 150_000 }],
      waitingRoom,
    });
  /** Moves the clock in steps of `stepMs`, polling every member at each step (so nobody is dropped). */
  const passTime = async (totalMs: number, stepMs: number, pollers: ApiMember[], performanceId: string) => {
    for (let elapsed = 0; elapsed < totalMs; elapsed += stepMs) {
      app.clock.advance(stepMs);
      for (const member of pollers) await me(member, performanceId);
    }
  };

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.adminToken();
  });
  afterAll(() => app.close());

  describe('the performance setting', () => {
    it('is shown by create and GET, admissionSeconds defaulting to 600; null without one', async () => {
      const created = await roomPerformance({ admitPerMinute: 120 });
      expect(created.waitingRoom).toEqual({ admitPerMinute: 120, admissionSeconds: 600 });
      const read = await app.api.expect(200, 'GET', `${API}/performances/${created.id}`);
      expect(read.waitingRoom).toEqual({ admitPerMinute: 120, admissionSeconds: 600 });
      expect((await app.createPerformance()).waitingRoom).toBeNull();
    });

    it.each([
      [{ admitPerMinute: 0 }],
      [{ admitPerMinute: 1.5 }],
      [{ admitPerMinute: 10, admissionSeconds: 9 }],
      [{ admitPerMinute: 10, admissionSeconds: 86_401 }],
      [{ admitPerMinute: 100_001 }],
      [{ admitPerMinute: 10, extra: true }],
    ])('refuses %j with 400 VALIDATION_FAILED', async (waitingRoom) => {
      const response = await app.request('POST', `${API}/performances`, {
        token: admin,
        body: { ...app.performanceInput(), waitingRoom },
      });
      expectProblem(response, 400, 'VALIDATION_FAILED');
    });
  });

  describe('joining and polling', () => {
    it('201 first, 200 with the same entry again; 404 before joining; 409 without a waiting room', async () => {
      const performance = await roomPerformance({ admitPerMinute: 60 });
      const [alice, bob] = [await app.newMember(), await app.newMember()];
      expectProblem(await me(alice, performance.id), 404, 'QUEUE_ENTRY_NOT_FOUND');
      const first = await join(alice, performance.id);
      expect(first.status).toBe(201);
      expect(first.headers.get('cache-control')).toBe('no-store');
      expect(first.body).toEqual({ state: 'WAITING', position: 1, etaSeconds: 61, pollAfterMs: 15_250 });
      expect((await join(bob, performance.id)).body.position).toBe(2);
      const again = await join(alice, performance.id);
      expect(again.status).toBe(200);
      // Before the opening, everyone is told the pre-queue's size: its order is drawn at salesOpenAt.
      expect(again.body).toMatchObject({ state: 'WAITING', position: 2 });
      expect((await me(alice, performance.id)).body).toMatchObject({ state: 'WAITING', position: 2 });

      const plain = await app.createPerformance();
      expectProblem(await join(alice, plain.id), 409, 'NO_WAITING_ROOM');
      expectProblem(await me(alice, plain.id), 409, 'NO_WAITING_ROOM');
      expectProblem(await join(alice, '01890000-0000-7000-8000-000000000000'), 404, 'PERFORMANCE_NOT_FOUND');
    });

    it('fairness audit: the pre-queue is shuffled at the opening, admitted in queue order at the rate, later joiners after it', async () => {
      const performance = await roomPerformance({ admitPerMinute: 60 }, 10 * SECOND);
      const early = await app.api.newMembers(12, 'early');
      for (const member of early) expect((await join(member, performance.id)).status).toBe(201);
      app.clock.advance(10 * SECOND);
      const late = await app.api.newMembers(3, 'late');
      for (const member of late) await join(member, performance.id);
      const everyone = [...early, ...late];
      const positions: number[] = [];
      for (const member of everyone) positions.push((await me(member, performance.id)).body.position);
      expect([...positions.slice(0, 12)].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(positions.slice(0, 12)).not.toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(positions.slice(12)).toEqual([13, 14, 15]);
      const queueOrder = [...everyone].sort(
        (a, b) => positions[everyone.indexOf(a)]! - positions[everyone.indexOf(b)]!,
      );

      // One admission a second (the bucket starts empty at the opening): record who is admitted when.
      const admittedOrder: string[] = [];
      for (let second = 1; second <= 15; second++) {
        app.clock.advance(SECOND);
        for (const member of everyone) {
          const status = (await me(member, performance.id)).body;
          if (status.state === 'ADMITTED' && !admittedOrder.includes(member.id)) admittedOrder.push(member.id);
        }
        expect(admittedOrder).toHaveLength(second);
      }
      expect(admittedOrder).toEqual(queueOrder.map((member) => member.id));
    });

    it('abandonment: a member silent for QUEUE_ABANDON_SECONDS no longer counts, its poll is 404, joining again goes to the back', async () => {
      const performance = await roomPerformance({ admitPerMinute: 60 }, 10 * MINUTE);
      const [silent, patient, other] = [await app.newMember(), await app.newMember(), await app.newMember()];
      for (const member of [silent, patient, other]) await join(member, performance.id);
      expect((await me(patient, performance.id)).body.position).toBe(3);
      await passTime(60 * SECOND, 20 * SECOND, [patient, other], performance.id);
      const after = (await me(patient, performance.id)).body;
      expect(after.position).toBe(2);
      expectProblem(await me(silent, performance.id), 404, 'QUEUE_ENTRY_NOT_FOUND');
      expect((await join(silent, performance.id)).status).toBe(201);
    });
  });

  it('pushes the entry over server-sent events until the admission, then ends; 404 as problem details before joining', async () => {
    const performance = await roomPerformance({ admitPerMinute: 60 }, 0);
    const member = await app.newMember();
    const url = `${app.baseUrl}${API}/performances/${performance.id}/queue/me/stream`;
    const refused = await SseClient.open(url, { Authorization: `Bearer ${member.token}` });
    expect(refused.status).toBe(404);
    expect(JSON.parse(await refused.body()).code).toBe('QUEUE_ENTRY_NOT_FOUND');

    await join(member, performance.id);
    const stream = await SseClient.open(url, { Authorization: `Bearer ${member.token}` });
    try {
      expect(stream.response.headers['content-type']).toBe('text/event-stream');
      await stream.untilEvents(1);
      expect(stream.events[0]).toMatchObject({ event: 'status', data: { state: 'WAITING', position: 1 } });
      // Admitted a second later: the stream's next check (pollAfterMs, here 1 s) tells it, and ends.
      app.clock.advance(SECOND);
      await stream.untilEvents(2);
      expect(stream.events[1]).toMatchObject({ event: 'status', data: { state: 'ADMITTED' } });
      expect(stream.events[1]!.data).toEqual((await me(member, performance.id)).body);
      await stream.until(() => stream.ended, 5_000, 'the end of the stream');
    } finally {
      stream.close();
    }
  });

  describe('admission tokens on holds', () => {
    let performance: Json;
    let seatIds: string[];
    let admitted: ApiMember;
    let stranger: ApiMember;
    let admission: Json;

    beforeAll(async () => {
      performance = await roomPerformance({ admitPerMinute: 60, admissionSeconds: 30 }, 0);
      seatIds = await app.seatIds(performance.id);
      [admitted, stranger] = [await app.newMember(), await app.newMember()];
      await join(admitted, performance.id);
      app.clock.advance(SECOND);
      admission = (await me(admitted, performance.id)).body;
    });

    it('ADMITTED answers an EdDSA JWT bound to the member and the performance, verifiable with the JWKS', async () => {
      expect(admission).toEqual({
        state: 'ADMITTED',
        admissionToken: expect.any(String),
        admissionExpiresAt: expect.any(String),
      });
      const jwks = await app.api.expect(200, 'GET', '/.well-known/jwks.json');
      // The admission key, and the ticket codes' key beside it.
      expect(jwks.keys).toHaveLength(2);
      for (const key of jwks.keys) {
        expect(key).toEqual({
          kty: 'OKP',
          crv: 'Ed25519',
          x: expect.any(String),
          kid: expect.any(String),
          alg: 'EdDSA',
          use: 'sig',
        });
      }
      const header = decodeProtectedHeader(admission.admissionToken);
      expect(header).toMatchObject({ alg: 'EdDSA' });
      expect(jwks.keys.map((key: { kid: string }) => key.kid)).toContain(header.kid);
      const { payload } = await jwtVerify(admission.admissionToken, createLocalJWKSet(jwks), {
        currentDate: app.clock.now(),
      });
      expect(payload).toMatchObject({ sub: admitted.id, aud: `performance:${performance.id}` });
      expect(payload.exp).toBe(Date.parse(admission.admissionExpiresAt) / 1000);
      expect(payload.exp! - payload.iat!).toBe(30);
      expect(typeof payload.jti).toBe('string');
      // Every poll answers the same token.
      expect((await me(admitted, performance.id)).body.admissionToken).toBe(admission.admissionToken);
    });

    it('403 ADMISSION_REQUIRED without the header, ADMISSION_INVALID for a forged, foreign or other-performance token', async () => {
      expectProblem(await hold(admitted, performance.id, [seatIds[0]!]), 403, 'ADMISSION_REQUIRED');
      expectProblem(await hold(admitted, performance.id, [seatIds[0]!], ''), 403, 'ADMISSION_REQUIRED');
      expectProblem(
        await hold(stranger, performance.id, [seatIds[0]!], admission.admissionToken),
        403,
        'ADMISSION_INVALID',
      );
      expectProblem(await hold(admitted, performance.id, [seatIds[0]!], 'not-a-token'), 403, 'ADMISSION_INVALID');
      const [head, body, signature] = (admission.admissionToken as string).split('.');
      const forged = `${head}.${body}.${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`;
      expectProblem(await hold(admitted, performance.id, [seatIds[0]!], forged), 403, 'ADMISSION_INVALID');

      const other = await roomPerformance({ admitPerMinute: 60 }, 0);
      const otherSeats = await app.seatIds(other.id);
      expectProblem(
        await hold(admitted, other.id, [otherSeats[0]!], admission.admissionToken),
        403,
        'ADMISSION_INVALID',
      );
      // A performance without a waiting room needs no token.
      const plain = await app.createHall({ rows: 1, seatsPerRow: 2 });
      expect((await hold(admitted, plain.id, [plain.seatIds[0]!])).status).toBe(201);
    });

    it('the admitted member holds with its token (201); past exp it is 403 ADMISSION_EXPIRED and queue/me says EXPIRED', async () => {
      expect((await hold(admitted, performance.id, [seatIds[1]!], admission.admissionToken)).status).toBe(201);
      app.clock.advance(30 * SECOND);
      expectProblem(
        await hold(admitted, performance.id, [seatIds[2]!], admission.admissionToken),
        403,
        'ADMISSION_EXPIRED',
      );
      expect((await me(admitted, performance.id)).body).toMatchObject({ state: 'EXPIRED' });
      // Seat maps need no admission.
      expect((await app.request('GET', `${API}/performances/${performance.id}/seats`)).status).toBe(200);
    });
  });
});
