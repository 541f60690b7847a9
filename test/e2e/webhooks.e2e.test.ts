import { API } from '../../testkit/api-client';
import { WebhookReceiver } from '../../testkit/webhook-receiver';
import { expectProblem } from '../support/problem-assertions';
import { startTestApp, type TestApp } from '../support/service';

const PUBLIC_URL = 'https://8.8.8.8/hooks/ticketing';

describe('webhook administration', () => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.adminToken();
  });
  afterAll(() => app.close());

  it('registers a webhook and shows its secret in that answer only', async () => {
    const created = await app.request('POST', `${API}/webhooks`, {
      token: admin,
      body: { url: PUBLIC_URL, events: ['reservation.confirmed', 'reservation.cancelled'] },
    });

    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${API}/webhooks/${created.body.id}`);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.body).toMatchObject({
      url: PUBLIC_URL,
      events: ['reservation.confirmed', 'reservation.cancelled'],
      status: 'ENABLED',
      secretRotatedAt: null,
    });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await app.request('GET', `${API}/webhooks`, { token: admin });
    const entry = listed.body.items.find((item: { id: string }) => item.id === created.body.id);
    expect(entry).toEqual({ ...created.body, secret: undefined });
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
  });

  it.each([
    'http://8.8.8.8/hooks',
    'https://127.0.0.1/hooks',
    'https://10.0.0.1/hooks',
    'https://169.254.169.254/latest/meta-data/',
    'https://[::1]/hooks',
    'https://[::ffff:127.0.0.1]/hooks',
    'https://localhost/hooks',
    'https://user:secret@8.8.8.8/hooks',
  ])('refuses %s with 422 WEBHOOK_URL_FORBIDDEN', async (url) => {
    const refused = await app.request('POST', `${API}/webhooks`, {
      token: admin,
      body: { url, events: ['reservation.held'] },
    });
    expectProblem(refused, 422, 'WEBHOOK_URL_FORBIDDEN');
    expect(JSON.stringify(refused.body)).not.toContain('secret@');
  });

  it('refuses unknown event types and empty subscriptions with 400', async () => {
    for (const events of [[], ['reservation.sold'], 'reservation.held']) {
      expectProblem(
        await app.request('POST', `${API}/webhooks`, { token: admin, body: { url: PUBLIC_URL, events } }),
        400,
        'VALIDATION_FAILED',
      );
    }
  });

  it('is for admins only', async () => {
    const member = await app.memberToken();
    expectProblem(await app.request('GET', `${API}/webhooks`, { token: member }), 403, 'FORBIDDEN');
    expectProblem(
      await app.request('POST', `${API}/webhooks`, {
        token: member,
        body: { url: PUBLIC_URL, events: ['reservation.held'] },
      }),
      403,
      'FORBIDDEN',
    );
    expectProblem(await app.request('GET', `${API}/webhooks`), 401, 'UNAUTHENTICATED');
  });

  it('rotates a secret, and deletes a webhook once', async () => {
    const hook = await app.api.registerWebhook(admin, PUBLIC_URL, ['reservation.held']);
    const rotated = await app.request('POST', `${API}/webhooks/${hook.id}/rotate-secret`, { token: admin });
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(hook.secret);
    expect(rotated.body.secretRotatedAt).toBe(app.clock.now().toISOString());

    expect((await app.request('DELETE', `${API}/webhooks/${hook.id}`, { token: admin })).status).toBe(204);
    for (const [method, path] of [
      ['DELETE', `${API}/webhooks/${hook.id}`],
      ['POST', `${API}/webhooks/${hook.id}/rotate-secret`],
      ['GET', `${API}/webhooks/${hook.id}/deliveries`],
    ] as const) {
      expectProblem(await app.request(method, path, { token: admin }), 404, 'WEBHOOK_NOT_FOUND');
    }
  });
});

describe('webhooks in the embedded mode', () => {
  let app: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    app = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RELAY_INTERVAL_MS: '20' } });
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await app.close();
    await receiver.close();
  });

  it('delivers through the in-memory outbox, and lists the delivery', async () => {
    const admin = await app.adminToken();
    const hook = await app.api.registerWebhook(admin, receiver.url, ['reservation.held', 'reservation.cancelled']);
    const member = await app.newMember();
    const hall = await app.createHall({ rows: 1, seatsPerRow: 2 });
    const hold = await app.api.expect(201, 'POST', `${API}/reservations`, {
      token: member.token,
      body: { performanceId: hall.id, seatIds: hall.seatIds },
    });
    await app.api.expect(200, 'POST', `${API}/reservations/${hold.id}/cancel`, { token: member.token });
    await receiver.waitForIds(2);

    expect(receiver.types()).toEqual(['reservation.held', 'reservation.cancelled']);
    const page = await app.api.expect(200, 'GET', `${API}/webhooks/${hook.id}/deliveries`, { token: admin });
    expect(page.total).toBe(2);
    expect(page.items.map((delivery: { webhookId: string }) => delivery.webhookId).sort()).toEqual(
      [...receiver.byId().keys()].sort(),
    );
  });
});
