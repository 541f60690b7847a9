import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { API, ApiClient } from '../../../testkit/api-client';
import { WebhookReceiver } from '../../../testkit/webhook-receiver';
import { ServiceProcess } from '../../support/fault-kit';
import { openTestDatabase } from '../../support/mysql';
import { waitUntil } from '../../support/owned-servers';
import { fullStackEnvironment, startFullStack, TEST_ADMIN, type TestService } from '../../support/service';

const RELAY = { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_SCHEDULE: '1,1,1', WEBHOOK_RELAY_INTERVAL_MS: '50' };

/** Per reservation, the event types in the order the receiver first got them. */
function typesByReservation(receiver: WebhookReceiver): Map<string, string[]> {
  const byReservation = new Map<string, string[]>();
  for (const copies of receiver.byId().values()) {
    const event = JSON.parse(copies[0]!.body);
    const id = event.data.reservationId as string;
    byReservation.set(id, [...(byReservation.get(id) ?? []), event.type]);
  }
  return byReservation;
}

describe('three instances relaying one outbox', () => {
  let services: TestService[];
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    services = [];
    for (let index = 0; index < 3; index++) services.push(await startFullStack(RELAY));
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await Promise.all(services.map((service) => service.close()));
    await receiver.close();
  });

  it('delivers each event once, in order per reservation, whichever instance made it', async () => {
    const [first] = services;
    const admin = await first!.adminToken();
    const hook = await first!.api.registerWebhook(admin, receiver.url, ['reservation.held', 'reservation.confirmed']);
    const hall = await first!.createHall({ rows: 2, seatsPerRow: 15 });
    const members = await first!.api.newMembers(30, 'relay');
    await Promise.all(
      members.map(async (member, index) => {
        const api = services[index % 3]!.api;
        const hold = await api.expect(201, 'POST', `${API}/reservations`, {
          token: member.token,
          body: { performanceId: hall.id, seatIds: [hall.seatIds[index]!] },
        });
        await api.expect(200, 'POST', `${API}/reservations/${hold.id}/confirm`, { token: member.token });
      }),
    );
    await receiver.waitForIds(60);
    await waitUntil(
      'every delivery recorded',
      async () => {
        const page = await first!.api.expect(200, 'GET', `${API}/webhooks/${hook.id}/deliveries?size=100`, {
          token: admin,
        });
        return page.total === 60 && page.items.every((delivery: { status: string }) => delivery.status === 'DELIVERED');
      },
      15_000,
    );

    // The specification allows duplicates only across crashes; nothing crashed here.
    const duplicates = receiver.received.length - receiver.byId().size;
    expect({ distinct: receiver.byId().size, duplicates }).toEqual({ distinct: 60, duplicates: 0 });
    for (const types of typesByReservation(receiver).values()) {
      expect(types).toEqual(['reservation.held', 'reservation.confirmed']);
    }
    await first!.api.expect(204, 'DELETE', `${API}/webhooks/${hook.id}`, { token: admin });
  });
});

describe('a service SIGKILLed between commit and delivery', () => {
  let knex: Knex;
  let receiver: WebhookReceiver;
  let logs: string;
  const processes: ServiceProcess[] = [];

  beforeAll(async () => {
    knex = await openTestDatabase();
    receiver = await WebhookReceiver.start();
    logs = mkdtempSync(join(tmpdir(), 'webhook-kill-'));
  });
  afterAll(async () => {
    for (const service of processes) await service.kill();
    await receiver.close();
    await knex.destroy();
    rmSync(logs, { recursive: true, force: true });
  });

  it('delivers what it committed once it is started again', async () => {
    // Its relay would first run in an hour: the events are committed, never sent, when it dies.
    const dying = await ServiceProcess.start(
      fullStackEnvironment({ ...RELAY, WEBHOOK_RELAY_INTERVAL_MS: '3600000' }),
      logs,
    );
    processes.push(dying);
    const api = new ApiClient(dying.baseUrl, { freshConnections: true });
    const admin = await api.logIn(TEST_ADMIN.email, TEST_ADMIN.password);
    const hook = await api.registerWebhook(admin, receiver.url, ['reservation.held', 'reservation.confirmed']);
    const hall = await api.createHall(admin, { rows: 1, seatsPerRow: 4 });
    const member = await api.newMember();
    const hold = await api.expect(201, 'POST', `${API}/reservations`, {
      token: member.token,
      body: { performanceId: hall.id, seatIds: hall.seatIds.slice(0, 1) },
    });
    await api.expect(200, 'POST', `${API}/reservations/${hold.id}/confirm`, { token: member.token });
    await api.close();
    await dying.kill();

    const waiting = await knex('outbox').select('type').where('ordering_key', hold.id).orderBy('seq');
    expect(waiting.map((row) => row.type)).toEqual(['reservation.held', 'reservation.confirmed']);
    expect(receiver.received).toHaveLength(0);

    const restarted = await ServiceProcess.start(fullStackEnvironment(RELAY), logs);
    processes.push(restarted);
    await receiver.waitForIds(2, 30_000);

    expect(receiver.types()).toEqual(['reservation.held', 'reservation.confirmed']);
    expect(receiver.received).toHaveLength(2);
    expect(await knex('outbox').where('ordering_key', hold.id)).toEqual([]);
    // Its relay still marks deliveries of this endpoint: deleting under it may deadlock.
    await restarted.kill();
    await knex('webhook_endpoints').where({ id: hook.id }).del();
  }, 120_000);
});
