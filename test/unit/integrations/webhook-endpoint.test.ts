import { randomBytes } from 'node:crypto';
import { WebhookEndpoint } from '../../../src/domain/integrations/webhook-endpoint';

const REGISTERED_AT = new Date('2031-09-01T10:00:00.000Z');

function anEndpoint(events = ['reservation.held', 'reservation.confirmed']) {
  return WebhookEndpoint.register({
    id: 'endpoint-1',
    url: 'https://receiver.example/hooks',
    events: events as never,
    secret: `whsec_${randomBytes(32).toString('base64')}`,
    now: REGISTERED_AT,
  });
}

describe('which events a webhook endpoint is owed', () => {
  it('the types it subscribed to, from the moment it was registered on', () => {
    const endpoint = anEndpoint();
    expect(endpoint.subscribesTo('reservation.held', REGISTERED_AT)).toBe(true);
    expect(endpoint.subscribesTo('reservation.confirmed', new Date(REGISTERED_AT.getTime() + 1))).toBe(true);
    expect(endpoint.subscribesTo('reservation.cancelled', REGISTERED_AT)).toBe(false);
  });

  it('not the events committed before it existed, though the outbox may still hold them', () => {
    expect(anEndpoint().subscribesTo('reservation.held', new Date(REGISTERED_AT.getTime() - 1))).toBe(false);
  });
});
