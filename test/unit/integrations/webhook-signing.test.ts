import { Webhook } from 'standardwebhooks';
import { StandardWebhooksSigner } from '../../../src/adapters/security/standard-webhooks.signer';
import { parseRetryAfter } from '../../../src/adapters/webhooks/node-http-webhook.sender';
import { nextAttemptAt, STANDARD_RETRY_SCHEDULE_SECONDS } from '../../../src/domain/integrations/retry-schedule';
import { WebhookEndpoint, WEBHOOK_SECRET_PATTERN } from '../../../src/domain/integrations/webhook-endpoint';
import { at, DAY, HOUR, T0 } from '../../support/builders';

const signer = new StandardWebhooksSigner();
const body = JSON.stringify({ type: 'reservation.held', timestamp: T0.toISOString(), data: { reservationId: 'r' } });

describe('Standard Webhooks signing', () => {
  it('makes secrets of whsec_ and 32 random bytes in base64, each new', () => {
    const secrets = new Set(Array.from({ length: 20 }, () => signer.newSecret()));
    expect(secrets.size).toBe(20);
    for (const secret of secrets) {
      expect(secret).toMatch(WEBHOOK_SECRET_PATTERN);
      expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    }
  });

  it('signs as the maintained standardwebhooks library verifies, and as it signs', () => {
    const secret = signer.newSecret();
    const now = Math.floor(Date.now() / 1000);
    const signature = signer.sign([secret], 'msg_1', now, body);
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now), 'webhook-signature': signature };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(signature).toBe(new Webhook(secret).sign('msg_1', new Date(now * 1000), body));
  });

  it('is refused by the library for another secret, another body, or a timestamp over 5 minutes old', () => {
    const secret = signer.newSecret();
    const now = Math.floor(Date.now() / 1000);
    const headers = (timestamp: number, payload = body) => ({
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signer.sign([secret], 'msg_1', timestamp, payload),
    });
    expect(() => new Webhook(signer.newSecret()).verify(body, headers(now))).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, headers(now))).toThrow();
    expect(() => new Webhook(secret).verify(body, headers(now - 6 * 60))).toThrow();
  });

  it('carries one signature per secret while a rotation overlaps, for a day only', () => {
    const endpoint = WebhookEndpoint.register({
      id: 'e',
      url: 'https://x.example',
      events: ['reservation.held'],
      secret: signer.newSecret(),
      now: T0,
    });
    const old = endpoint.signingSecrets(T0)[0]!;
    endpoint.rotateSecret(signer.newSecret(), at(HOUR));
    const during = endpoint.signingSecrets(at(2 * HOUR));
    expect(during).toHaveLength(2);
    expect(during[1]).toBe(old);
    expect(endpoint.signingSecrets(at(HOUR + DAY))).toEqual([during[0]]);
    const now = Math.floor(Date.now() / 1000);
    const signature = signer.sign(during, 'msg_2', now, body);
    expect(signature.split(' ')).toHaveLength(2);
    for (const secret of during) {
      expect(() =>
        new Webhook(secret).verify(body, {
          'webhook-id': 'msg_2',
          'webhook-timestamp': String(now),
          'webhook-signature': signature,
        }),
      ).not.toThrow();
    }
  });
});

describe('the retry schedule', () => {
  it('is the Standard Webhooks one, then gives up', () => {
    const delays = STANDARD_RETRY_SCHEDULE_SECONDS.map((_, index) => {
      const next = nextAttemptAt(index + 1, T0, STANDARD_RETRY_SCHEDULE_SECONDS)!;
      return (next.getTime() - T0.getTime()) / 1000;
    });
    expect(delays).toEqual([5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]);
    expect(nextAttemptAt(10, T0, STANDARD_RETRY_SCHEDULE_SECONDS)).toBeNull();
  });

  it('waits at least as long as Retry-After asks, at most a day', () => {
    expect(nextAttemptAt(1, T0, [5], 60)).toEqual(at(60_000));
    expect(nextAttemptAt(1, T0, [5], 1)).toEqual(at(5_000));
    expect(nextAttemptAt(1, T0, [5], 10 * DAY)).toEqual(at(DAY));
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120);
    expect(parseRetryAfter(new Date(T0.getTime() + 30_000).toUTCString(), T0.getTime())).toBe(30);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
