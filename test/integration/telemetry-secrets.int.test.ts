import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanRecord } from '../../src/adapters/telemetry/file-span.exporter';
import { fullStackEnvironment } from '../support/service';
import { spawnServiceChild, type ServiceChild } from '../support/service-child';
import { ApiClient } from '../../testkit/api-client';
import { WebhookReceiver } from '../../testkit/webhook-receiver';

/**
 * Everything the service exports about itself (spans, log lines, metrics) is read by more
 * people than its database is. This runs a real traced process through the flows that
 * handle credentials and searches all of its output for the exact secrets it was given.
 */
describe('secrets in telemetry', () => {
  const unique = randomBytes(8).toString('hex');
  const admin = { email: `root-${unique}@admins.example`, password: `admin-pw-${unique}-Xq7` };
  const member = { email: `fan-${unique}@members.example`, password: `member-pw-${unique}-Zr4` };
  const wrongPassword = `wrong-pw-${unique}-Kd2`;
  const jwtSecret = `jwt-secret-${unique}-that-is-long-enough-for-hs256`;

  const dir = mkdtempSync(join(tmpdir(), 'ticketing-secrets-'));
  const spansFile = join(dir, 'spans.jsonl');
  const output = { stdout: '', stderr: '' };
  let service: ServiceChild;
  let child: ChildProcess;
  let baseUrl: string;
  let api: ApiClient;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    service = await spawnServiceChild(
      {
        ...process.env,
        ...fullStackEnvironment({
          // The most verbose level: whatever any line could carry, it carries here.
          LOG_LEVEL: 'trace',
          RATE_LIMIT_ENABLED: 'true',
          ADMIN_EMAIL: admin.email,
          ADMIN_PASSWORD: admin.password,
          JWT_SECRET: jwtSecret,
          OTEL_TRACES_EXPORTER: 'file',
          OTEL_TRACES_FILE: spansFile,
          OTEL_SERVICE_NAME: 'ticketing-secrets-test',
          WEBHOOK_ALLOW_PRIVATE: 'true',
          WEBHOOK_RELAY_INTERVAL_MS: '50',
        }),
      },
      {
        onLine: (line) => (output.stdout += `${line}\n`),
        onStderr: (text) => (output.stderr += text),
      },
    );
    ({ child, baseUrl } = service);
    api = new ApiClient(baseUrl);
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await receiver?.close();
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports no password, token, email address or Authorization value in spans, logs or metrics', async () => {
    const signUp = await api.request('POST', '/api/v1/members', {
      body: { email: member.email, password: member.password, name: 'Fan' },
    });
    expect(signUp.status).toBe(201);
    // Taken: the unique index refuses it, and the driver's error names the duplicate value.
    const again = await api.request('POST', '/api/v1/members', {
      body: { email: member.email, password: member.password, name: 'Fan' },
    });
    expect(again.status).toBe(409);
    const refused = await api.request('POST', '/api/v1/auth/login', {
      body: { email: member.email, password: wrongPassword },
    });
    expect(refused.status).toBe(401);
    const memberToken = await api.logIn(member.email, member.password);
    const adminToken = await api.logIn(admin.email, admin.password);
    const me = await api.request('GET', '/api/v1/members/me', { token: memberToken });
    expect(me.body.email).toBe(member.email);

    // A webhook, its secret rotated: both secrets sign the deliveries below, traced.
    const webhook = await api.registerWebhook(adminToken, receiver.url, ['reservation.held', 'reservation.confirmed']);
    const rotated = await api.request('POST', `/api/v1/webhooks/${webhook.id}/rotate-secret`, { token: adminToken });
    expect(rotated.status).toBe(200);
    const performance = await api.createHall(adminToken, { rows: 1, seatsPerRow: 4 });
    const held = await api.request('POST', '/api/v1/reservations', {
      token: memberToken,
      body: { performanceId: performance.id, seatIds: [performance.seatIds[0], performance.seatIds[1]] },
    });
    expect(held.status).toBe(201);
    const confirmed = await api.request('POST', `/api/v1/reservations/${held.body.id}/confirm`, {
      token: memberToken,
    });
    expect(confirmed.status).toBe(200);
    await receiver.waitForIds(2);
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();

    // A graceful stop flushes the batched spans to the file.
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const spansText = readFileSync(spansFile, 'utf8');
    const spans = spansText
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as SpanRecord);

    // The search only means something if the flows were really traced and logged.
    const names = spans.map((span) => span.name);
    for (const useCase of ['EnsureAdmin', 'RegisterMember', 'LogIn', 'GetMember', 'HoldSeats', 'ConfirmReservation'])
      expect(names).toContain(`usecase ${useCase}`);
    expect(spans.some((span) => /members/.test(String(span.attributes['db.statement'] ?? '')))).toBe(true);
    expect(spans.some((span) => span.events?.some((event) => event.name === 'exception'))).toBe(true);
    expect(output.stdout).toContain('"msg":"request"');
    expect(metrics).toContain('use_case_duration_seconds_count{use_case="LogIn",outcome="ok"}');

    const secrets: Record<string, string> = {
      'admin password': admin.password,
      'admin email': admin.email,
      'member password': member.password,
      'member email': member.email,
      'refused password': wrongPassword,
      'member access token': memberToken,
      'admin access token': adminToken,
      'JWT secret': jwtSecret,
      'webhook secret': webhook.secret,
      'rotated webhook secret': rotated.body.secret,
      'webhook secret key': webhook.secret.slice('whsec_'.length),
    };
    const sources: Record<string, string> = {
      spans: spansText,
      stdout: output.stdout,
      stderr: output.stderr,
      metrics,
    };
    const leaks = Object.entries(secrets).flatMap(([secret, value]) =>
      Object.entries(sources)
        .filter(([, text]) => text.includes(value))
        .map(([source, text]) => `${secret} in ${source}: …${excerpt(text, value)}…`),
    );
    expect(leaks).toEqual([]);
    // Not a secret, but a stored password hash has no business in a trace either.
    expect(spansText).not.toContain('$argon2');
  }, 60_000);
});

function excerpt(text: string, value: string): string {
  const at = text.indexOf(value);
  return text.slice(Math.max(0, at - 120), at + value.length + 40);
}
