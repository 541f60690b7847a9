import { Webhook } from 'standardwebhooks';
import { API } from '../../../testkit/api-client';
import { WebhookReceiver, type ReceivedWebhook } from '../../../testkit/webhook-receiver';
import { waitUntil } from '../../support/owned-servers';
import { startFullStack, type TestService } from '../../support/service';

const ALL_EVENTS = ['reservation.held', 'reservation.confirmed', 'reservation.cancelled', 'reservation.expired'];

/** Verified with the maintained Standard Webhooks library, as a receiver would; returns the payload. */
function verify(secret: string, webhook: ReceivedWebhook): { type: string; timestamp: string; data: any } {
  return new Webhook(secret).verify(webhook.body, {
    'webhook-id': webhook.id,
    'webhook-timestamp': webhook.timestamp,
    'webhook-signature': webhook.signature,
  }) as { type: string; timestamp: string; data: any };
}

/**
 * The service on MariaDB and Redis delivering to a receiver on loopback
 * (WEBHOOK_ALLOW_PRIVATE), with retries a second apart.
 */
describe('webhook delivery from the service on MySQL', () => {
  let service: TestService;
  let admin: string;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    service = await startFullStack({
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_RETRY_SCHEDULE: '1,1',
      WEBHOOK_RELAY_INTERVAL_MS: '50',
    });
    admin = await service.adminToken();
  });
  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    // Each test's webhooks go with it, so later events are not owed to a closed receiver.
    const listed = await service.api.expect(200, 'GET', `${API}/webhooks`, { token: admin });
    for (const hook of listed.items) {
      await service.api.expect(204, 'DELETE', `${API}/webhooks/${hook.id}`, { token: admin });
    }
    await receiver.close();
  });
  afterAll(() => service.close());

  async function holdConfirmCancel() {
    const member = await service.newMember();
    const hall = await service.createHall({ rows: 1, seatsPerRow: 4 });
    const hold = await service.api.expect(201, 'POST', `${API}/reservations`, {
      token: member.token,
      body: { performanceId: hall.id, seatIds: hall.seatIds.slice(0, 2) },
    });
    await service.api.expect(200, 'POST', `${API}/reservations/${hold.id}/confirm`, { token: member.token });
    await service.api.expect(200, 'POST', `${API}/reservations/${hold.id}/cancel`, { token: member.token });
    return { reservationId: hold.id as string, performanceId: hall.id, seatIds: hall.seatIds.slice(0, 2) };
  }

  const deliveries = async (hookId: string) =>
    (await service.api.expect(200, 'GET', `${API}/webhooks/${hookId}/deliveries`, { token: admin })).items;

  it('delivers held, confirmed and cancelled in order, each signed and with its own webhook-id', async () => {
    const hook = await service.api.registerWebhook(admin, receiver.url, ALL_EVENTS);
    const reservation = await holdConfirmCancel();
    await receiver.waitForIds(3);

    const events = receiver.received.map((webhook) => verify(hook.secret, webhook));
    expect(events.map((event) => event.type)).toEqual([
      'reservation.held',
      'reservation.confirmed',
      'reservation.cancelled',
    ]);
    expect(events[0]!.data).toEqual(reservation);
    expect(new Set(receiver.received.map((webhook) => webhook.id)).size).toBe(3);
    for (const webhook of receiver.received) {
      expect(webhook.id).toMatch(/^msg_/);
      expect(Math.abs(Number(webhook.timestamp) - Date.now() / 1000)).toBeLessThan(60);
      expect(webhook.headers['content-type']).toBe('application/json');
    }
  });

  it('sends only the subscribed types', async () => {
    await service.api.registerWebhook(admin, receiver.url, ['reservation.cancelled']);
    await holdConfirmCancel();
    await receiver.waitForIds(1);
    expect(receiver.types()).toEqual(['reservation.cancelled']);
  });

  it('retries a receiver that fails twice with the same webhook-id, and lists the three attempts', async () => {
    receiver.responder = (_webhook, nth) => ({ status: nth < 3 ? 500 : 200 });
    const hook = await service.api.registerWebhook(admin, receiver.url, ['reservation.held']);
    await holdConfirmCancel();
    await receiver.waitFor('a third attempt', () => receiver.received.length >= 3);

    expect(receiver.received.map((webhook) => webhook.id)).toEqual(Array(3).fill(receiver.received[0]!.id));
    for (const webhook of receiver.received) expect(verify(hook.secret, webhook).type).toBe('reservation.held');
    await waitUntil(
      'the delivery recorded DELIVERED',
      async () => (await deliveries(hook.id))[0]?.status === 'DELIVERED',
      10_000,
    );
    const [delivery] = await deliveries(hook.id);
    expect(delivery.webhookId).toBe(receiver.received[0]!.id);
    expect(delivery.attempts.map((attempt: { statusCode: number }) => attempt.statusCode)).toEqual([500, 500, 200]);
    expect(delivery.nextAttemptAt).toBeNull();
    expect(receiver.received.length).toBe(3);
  });

  it('marks a delivery FAILED after the last retry, and lists it so', async () => {
    receiver.responder = () => ({ status: 500 });
    const hook = await service.api.registerWebhook(admin, receiver.url, ['reservation.held']);
    await holdConfirmCancel();
    await waitUntil('the delivery FAILED', async () => (await deliveries(hook.id))[0]?.status === 'FAILED', 15_000);

    const [delivery] = await deliveries(hook.id);
    expect(delivery.attempts).toHaveLength(3);
    expect(delivery.nextAttemptAt).toBeNull();
    expect(receiver.received).toHaveLength(3);
  });

  it('waits as long as Retry-After asks on a 429', async () => {
    receiver.responder = (_webhook, nth) =>
      nth === 1 ? { status: 429, headers: { 'Retry-After': '3' } } : { status: 204 };
    await service.api.registerWebhook(admin, receiver.url, ['reservation.held']);
    await holdConfirmCancel();
    await receiver.waitFor('the retry', () => receiver.received.length >= 2);

    const [first, second] = receiver.received;
    expect(second!.id).toBe(first!.id);
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(2900);
  });

  it('disables the webhook on 410 Gone and sends it nothing more', async () => {
    receiver.responder = () => ({ status: 410 });
    const hook = await service.api.registerWebhook(admin, receiver.url, ALL_EVENTS);
    await holdConfirmCancel();
    await waitUntil(
      'the webhook DISABLED',
      async () =>
        (await service.api.expect(200, 'GET', `${API}/webhooks`, { token: admin })).items[0]?.status === 'DISABLED',
      10_000,
    );
    const listed = await deliveries(hook.id);
    expect(listed.every((delivery: { status: string }) => delivery.status === 'FAILED')).toBe(true);
    expect(new Set(receiver.received.map((webhook) => webhook.id)).size).toBe(1);
  });

  it('signs with the old and the new secret for a day after a rotation', async () => {
    const hook = await service.api.registerWebhook(admin, receiver.url, ['reservation.held']);
    const rotated = await service.api.expect(200, 'POST', `${API}/webhooks/${hook.id}/rotate-secret`, { token: admin });
    expect(rotated.secret).not.toBe(hook.secret);
    await holdConfirmCancel();
    await receiver.waitForIds(1);

    const [webhook] = receiver.received;
    expect(webhook!.signature.split(' ')).toHaveLength(2);
    expect(verify(hook.secret, webhook!).type).toBe('reservation.held');
    expect(verify(rotated.secret, webhook!).type).toBe('reservation.held');
    expect(() => verify(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, webhook!)).toThrow();
  });
});
