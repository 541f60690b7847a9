import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { ed25519KeyFromPem, generateEd25519Key } from '../../src/adapters/security/ed25519-signing-key';
import { Ed25519TicketCodes } from '../../src/adapters/security/ed25519-ticket-codes';
import { ticketIdOf } from '../../src/domain/sales/reservation';
import type { ApiMember, Json } from '../../testkit/api-client';
import { WebhookReceiver } from '../../testkit/webhook-receiver';
import { expectProblem } from '../support/problem-assertions';
import { startTestApp, type TestApp } from '../support/service';

const API = '/api/v1';
/** The service's ticket key, so a test can sign a well-formed code for a ticket that does not exist. */
const TICKET_KEY_PEM = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('tickets and check-in', () => {
  let app: TestApp;
  let receiver: WebhookReceiver;
  let admin: string;
  let alice: ApiMember;
  let bob: ApiMember;
  let staff: ApiMember;
  let performance: { id: string; seatIds: string[] };
  let nextSeat = 0;
  const freshSeats = (count: number) => performance.seatIds.slice(nextSeat, (nextSeat += count));
  const buy = (member: ApiMember, count = 2) => app.api.buyTickets(member.token, performance.id, freshSeats(count));
  const checkIn = (token: string, code: unknown) => app.request('POST', `${API}/check-ins`, { token, body: { code } });
  const qr = (token: string, ticketId: string) => app.request('GET', `${API}/tickets/${ticketId}/qr.svg`, { token });

  beforeAll(async () => {
    app = await startTestApp({
      env: { TICKET_SIGNING_KEY: TICKET_KEY_PEM, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RELAY_INTERVAL_MS: '20' },
    });
    receiver = await WebhookReceiver.start();
    admin = await app.adminToken();
    [alice, bob] = [await app.newMember(), await app.newMember()];
    staff = await app.api.newStaff(admin);
    performance = await app.createHall({ rows: 4, seatsPerRow: 20 });
  });
  afterAll(async () => {
    await app.close();
    await receiver.close();
  });

  describe('GET /api/v1/reservations/{id}', () => {
    it('has no tickets while PENDING, and one per seat with a signed code once CONFIRMED, in the confirmation too', async () => {
      const seats = freshSeats(2);
      const held = await app.api.expect(201, 'POST', `${API}/reservations`, {
        token: alice.token,
        body: { performanceId: performance.id, seatIds: seats },
      });
      expect(held.tickets).toBeUndefined();
      const pending = await app.api.expect(200, 'GET', `${API}/reservations/${held.id}`, { token: alice.token });
      expect(pending.tickets).toBeUndefined();

      const answer = await app.api.expect(200, 'POST', `${API}/reservations/${held.id}/confirm`, {
        token: alice.token,
      });
      const confirmed = await app.api.expect(200, 'GET', `${API}/reservations/${held.id}`, { token: alice.token });
      // The confirmation's own answer carries them already, and confirming again the same.
      expect(answer.tickets).toEqual(confirmed.tickets);
      const repeated = await app.api.expect(200, 'POST', `${API}/reservations/${held.id}/confirm`, {
        token: alice.token,
      });
      expect(repeated.tickets).toEqual(confirmed.tickets);
      expect(confirmed.tickets).toEqual(
        seats.map((seatId, index) => ({
          id: ticketIdOf(held.id, seatId),
          seatId,
          label: confirmed.seats[index].label,
          code: expect.stringMatching(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/),
        })),
      );
      // The same codes on every read; the admin reads them too.
      const again = await app.api.expect(200, 'GET', `${API}/reservations/${held.id}`, { token: admin });
      expect(again.tickets).toEqual(confirmed.tickets);
    });

    it('gives codes a gate verifies with the JWK Set alone', async () => {
      const reservation = await buy(alice, 1);
      const [ticket] = reservation.tickets;
      const jwks = createLocalJWKSet(await app.api.expect(200, 'GET', '/.well-known/jwks.json'));
      const { payload } = await jwtVerify(ticket.code, jwks, { algorithms: ['EdDSA'], typ: 'ticket+jwt' });
      expect(payload).toEqual({ t: ticket.id, p: performance.id, s: ticket.seatId });
      expect(ticket.code.length).toBeLessThan(400);
    });

    it('shows no tickets once the reservation is cancelled (they are void)', async () => {
      const reservation = await buy(alice, 1);
      await app.api.expect(200, 'POST', `${API}/reservations/${reservation.id}/cancel`, { token: alice.token });
      const cancelled = await app.api.expect(200, 'GET', `${API}/reservations/${reservation.id}`, {
        token: alice.token,
      });
      expect(cancelled.status).toBe('CANCELLED');
      expect(cancelled.tickets).toBeUndefined();
    });
  });

  describe('GET /api/v1/tickets/{id}/qr.svg', () => {
    it('draws the code as an SVG QR code for the owner and an admin, privately cacheable', async () => {
      const [ticket] = (await buy(alice, 1)).tickets;
      for (const token of [alice.token, admin]) {
        const response = await qr(token, ticket.id);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('image/svg+xml');
        expect(response.headers.get('cache-control')).toBe('private, max-age=300');
        expect(response.text).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*viewBox="0 0 \d+ \d+"/);
        expect(response.text).toMatch(/<path[^>]* d="M/);
      }
    });

    it("answers 404 TICKET_NOT_FOUND for someone else's ticket and an unknown one, 400 INVALID_ID for a malformed id", async () => {
      const [ticket] = (await buy(alice, 1)).tickets;
      expectProblem(await qr(bob.token, ticket.id), 404, 'TICKET_NOT_FOUND');
      expectProblem(await qr(staff.token, ticket.id), 404, 'TICKET_NOT_FOUND');
      expectProblem(await qr(alice.token, randomUUID()), 404, 'TICKET_NOT_FOUND');
      expectProblem(await qr(alice.token, 'not-a-ticket'), 400, 'INVALID_ID');
      expectProblem(await app.request('GET', `${API}/tickets/${ticket.id}/qr.svg`), 401, 'UNAUTHENTICATED');
    });

    it('does not draw a void ticket: 409 TICKET_VOID', async () => {
      const reservation = await buy(alice, 1);
      await app.api.expect(200, 'POST', `${API}/reservations/${reservation.id}/cancel`, { token: alice.token });
      expectProblem(await qr(alice.token, reservation.tickets[0].id), 409, 'TICKET_VOID');
    });
  });

  describe('POST /api/v1/staff', () => {
    it('lets an admin create a STAFF member, who logs in like a member', async () => {
      const email = `door-${randomUUID()}@example.com`;
      const response = await app.request('POST', `${API}/staff`, {
        token: admin,
        body: { email, password: 'a-door-password-1', name: 'Door One' },
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(String),
        email,
        name: 'Door One',
        role: 'STAFF',
        createdAt: expect.any(String),
      });
      const token = await app.api.logIn(email, 'a-door-password-1');
      expect(await app.api.expect(200, 'GET', `${API}/members/me`, { token })).toMatchObject({ role: 'STAFF' });
    });

    it('answers 403 to a member, 409 EMAIL_TAKEN, 422 WEAK_PASSWORD and INVALID_EMAIL, 400 VALIDATION_FAILED', async () => {
      const body = { email: `door-${randomUUID()}@example.com`, password: 'a-door-password-1', name: 'Door' };
      expectProblem(await app.request('POST', `${API}/staff`, { token: alice.token, body }), 403, 'FORBIDDEN');
      expectProblem(await app.request('POST', `${API}/staff`, { token: staff.token, body }), 403, 'FORBIDDEN');
      expectProblem(await app.request('POST', `${API}/staff`, { body }), 401, 'UNAUTHENTICATED');
      await app.api.expect(201, 'POST', `${API}/staff`, { token: admin, body });
      expectProblem(await app.request('POST', `${API}/staff`, { token: admin, body }), 409, 'EMAIL_TAKEN');
      expectProblem(
        await app.request('POST', `${API}/staff`, { token: admin, body: { ...body, email: alice.email } }),
        409,
        'EMAIL_TAKEN',
      );
      const weak = { ...body, email: `weak-${randomUUID()}@example.com`, password: 'password' };
      expectProblem(await app.request('POST', `${API}/staff`, { token: admin, body: weak }), 422, 'WEAK_PASSWORD');
      const badEmail = { ...body, email: 'nobody' };
      expectProblem(await app.request('POST', `${API}/staff`, { token: admin, body: badEmail }), 422, 'INVALID_EMAIL');
      expectProblem(
        await app.request('POST', `${API}/staff`, { token: admin, body: { ...body, role: 'ADMIN' } }),
        400,
        'VALIDATION_FAILED',
      );
    });
  });

  describe('POST /api/v1/check-ins', () => {
    it('checks a ticket in once: 200 with the seat, then 409 ALREADY_CHECKED_IN with the first time', async () => {
      const reservation = await buy(alice, 2);
      const [ticket] = reservation.tickets;
      const first = await checkIn(staff.token, ticket.code);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        ticketId: ticket.id,
        performanceId: performance.id,
        seat: { id: ticket.seatId, label: ticket.label },
        checkedInAt: app.clock.now().toISOString(),
      });
      const checkedInAt = first.body.checkedInAt;
      app.clock.advance(60_000);
      const again = expectProblem(await checkIn(admin, ticket.code), 409, 'ALREADY_CHECKED_IN');
      expect(again).toMatchObject({ ticketId: ticket.id, checkedInAt });
      // The reservation's other ticket is its own: an admin checks it in.
      expect((await checkIn(admin, reservation.tickets[1].code)).status).toBe(200);
    });

    it('lets exactly one of ten gates scanning one code at once in', async () => {
      const [ticket] = (await buy(alice, 1)).tickets;
      const gates = await Promise.all([staff, ...(await Promise.all([1, 2].map(() => app.api.newStaff(admin))))]);
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, gate) => checkIn(gates[gate % gates.length]!.token, ticket.code)),
      );
      const admitted = answers.filter((answer) => answer.status === 200);
      expect(admitted).toHaveLength(1);
      for (const answer of answers.filter((candidate) => candidate.status !== 200)) {
        expect(expectProblem(answer, 409, 'ALREADY_CHECKED_IN').checkedInAt).toBe(admitted[0]!.body.checkedInAt);
      }
    });

    it('answers 409 TICKET_VOID for a ticket of a cancelled reservation', async () => {
      const reservation = await buy(alice, 1);
      await app.api.expect(200, 'POST', `${API}/reservations/${reservation.id}/cancel`, { token: admin });
      expectProblem(await checkIn(staff.token, reservation.tickets[0].code), 409, 'TICKET_VOID');
    });

    it('answers 422 TICKET_INVALID for a forged, malformed or foreign code, or a valid one for no ticket', async () => {
      const [ticket] = (await buy(alice, 1)).tickets as Json[];
      const [header, payload, signature] = ticket.code.split('.');
      const forged = `${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
      const otherSeat = Buffer.from(JSON.stringify({ t: ticket.id, p: performance.id, s: randomUUID() })).toString(
        'base64url',
      );
      const claims = { ticketId: ticket.id, performanceId: performance.id, seatId: ticket.seatId };
      const foreign = new Ed25519TicketCodes(generateEd25519Key()).sign(claims);
      const ours = new Ed25519TicketCodes(ed25519KeyFromPem(TICKET_KEY_PEM));
      const noSuchTicket = ours.sign({ ...claims, ticketId: ticketIdOf(randomUUID(), ticket.seatId) });
      const otherPerformance = ours.sign({ ...claims, performanceId: randomUUID() });
      for (const code of [
        forged,
        `${header}.${otherSeat}.${signature}`,
        foreign,
        noSuchTicket,
        otherPerformance,
        'x',
        'a.b.c',
      ]) {
        expectProblem(await checkIn(staff.token, code), 422, 'TICKET_INVALID');
      }
      // None of them checked the real ticket in.
      expect((await checkIn(staff.token, ticket.code)).status).toBe(200);
    });

    it('is for STAFF and ADMIN only: 403 FORBIDDEN to a member, 401 without a token, 400 on a bad body', async () => {
      const [ticket] = (await buy(alice, 1)).tickets;
      expectProblem(await checkIn(alice.token, ticket.code), 403, 'FORBIDDEN');
      expectProblem(
        await app.request('POST', `${API}/check-ins`, { body: { code: ticket.code } }),
        401,
        'UNAUTHENTICATED',
      );
      for (const body of [{}, { code: 7 }, { code: '' }, { code: 'x'.repeat(2000) }, { code: ticket.code, gate: 1 }]) {
        expectProblem(
          await app.request('POST', `${API}/check-ins`, { token: staff.token, body }),
          400,
          'VALIDATION_FAILED',
        );
      }
      // Nothing of the above checked it in.
      expect((await checkIn(staff.token, ticket.code)).status).toBe(200);
    });

    it('sends ticket.checked_in to webhooks, after the reservation.confirmed of its reservation', async () => {
      // A receiver hears of what happens from its registration on: the earlier tests' events are older.
      app.clock.advance(60_000);
      const hook = await app.api.registerWebhook(admin, receiver.url, ['reservation.confirmed', 'ticket.checked_in']);
      app.clock.advance(1);
      const reservation = await buy(bob, 1);
      const [ticket] = reservation.tickets;
      const scanned = await app.api.expect(200, 'POST', `${API}/check-ins`, {
        token: staff.token,
        body: { code: ticket.code },
      });
      await receiver.waitForIds(2);
      const bodies = [...receiver.byId().values()].map((deliveries) => JSON.parse(deliveries[0]!.body));
      expect(bodies.map((body) => body.type)).toEqual(['reservation.confirmed', 'ticket.checked_in']);
      expect(bodies[1]).toEqual({
        type: 'ticket.checked_in',
        timestamp: scanned.checkedInAt,
        data: {
          ticketId: ticket.id,
          reservationId: reservation.id,
          performanceId: performance.id,
          seatId: ticket.seatId,
          checkedInAt: scanned.checkedInAt,
        },
      });
      await app.api.expect(204, 'DELETE', `${API}/webhooks/${hook.id}`, { token: admin });
    });
  });
});
