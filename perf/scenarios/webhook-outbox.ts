import { API, ApiClient } from '../../testkit/api-client';
import { WebhookReceiver } from '../../testkit/webhook-receiver';
import { audit } from '../lib/audit';
import { runCannon } from '../lib/cannon';
import { recreateDatabase } from '../lib/database';
import { ADMIN } from '../lib/environment';
import { Options } from '../lib/options';
import { commandLine, machineLine } from '../lib/results';
import type { ScenarioOutcome } from '../lib/scenario';
import { seed } from '../lib/seed-data';
import { buildService, startService } from '../lib/services';
import { distinctSeatRequests, membersFor } from './hot-path';

const ALL_EVENTS = ['reservation.held', 'reservation.confirmed', 'reservation.cancelled', 'reservation.expired'];

interface Variant {
  readonly name: string;
  /** Another build's entry (the release before the outbox); empty: this build. */
  readonly entry: string;
  readonly webhook: boolean;
}

interface VariantRun {
  readonly variant: string;
  readonly round: number;
  readonly reservationsPerSecond: number;
  readonly p99Ms: number;
  readonly created: number;
  readonly auditPassed: boolean;
  /** Commit (occurredAt in the body) → received, per distinct webhook, ms. */
  readonly lag?: { count: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number };
  /** Webhooks received more than once (allowed by the spec only across crashes). */
  readonly duplicates?: number;
  /** After the load stopped, until every hold's webhook arrived. */
  readonly drainMs?: number;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/**
 * The cost of the transactional outbox on the hot path, and the lag of its webhooks: the hot
 * path (one distinct seat per POST /reservations) against, in turn and repeated in rounds on
 * one machine, (a) the release before the outbox (`--before-entry`, a build of it), (b) this
 * release with no webhook (every hold still writes its outbox row in the claim batch), and
 * (c) this release with one loopback receiver subscribed to every event type. Its own port,
 * database and Redis db (PERF_REDIS_URL), so it runs beside other load tests.
 */
export async function webhookOutbox(options: Options): Promise<ScenarioOutcome[]> {
  const port = options.number('port', 3951);
  const database = options.string('database', 'ticketing_perf_outbox');
  const durationSeconds = options.number('duration', 15);
  const warmupSeconds = options.number('warmup', 3);
  const rounds = options.number('rounds', 2);
  const connections = options.number('connections', 50);
  const seatsPerPerformance = 1000;
  const performances = options.number('performances', Math.ceil((2500 * (durationSeconds + warmupSeconds)) / 1000));
  const before = options.string('before-entry', '');
  buildService();
  const variants: Variant[] = [
    ...(before ? [{ name: 'before: no outbox', entry: before, webhook: false }] : []),
    { name: 'outbox, no webhook', entry: '', webhook: false },
    { name: 'outbox + 1 webhook (every event)', entry: '', webhook: true },
  ];
  const runs: VariantRun[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const variant of variants) {
      runs.push(
        await runVariant(variant, round, {
          port,
          database,
          durationSeconds,
          warmupSeconds,
          connections,
          performances,
          seatsPerPerformance,
        }),
      );
      console.log(JSON.stringify(runs[runs.length - 1]));
    }
  }
  const mean = (name: string) => {
    const of = runs.filter((run) => run.variant === name);
    return of.reduce((sum, run) => sum + run.reservationsPerSecond, 0) / Math.max(1, of.length);
  };
  const base = variants.find((variant) => !variant.webhook && !variant.entry)!.name;
  const hooked = variants.find((variant) => variant.webhook)!.name;
  const ratioWebhook = mean(hooked) / mean(base);
  const ratioOutbox = before ? mean(base) / mean(variants[0]!.name) : null;
  const lags = runs.filter((run) => run.lag);
  const title = `webhook-outbox: ${mean(hooked).toFixed(0)} vs ${mean(base).toFixed(0)} reservations/s with and without a webhook (${ratioWebhook.toFixed(2)}×)`;
  const markdown = [
    `# ${title}`,
    '',
    `Hot path: pre-authenticated members each hold one distinct seat (POST ${API}/reservations) on ${connections} keep-alive connections, ${durationSeconds} s after a ${warmupSeconds} s warm-up, ${performances} × ${seatsPerPerformance} seats; variants interleaved, ${rounds} round(s).`,
    '',
    `Command: \`${commandLine('perf:outbox')}\`  `,
    `Machine: ${machineLine()}`,
    '',
    '| round | variant | reservations/s | p99 ms | webhook lag p50 / p95 / p99 / max ms | duplicates | drain ms | audit |',
    '| ---: | --- | ---: | ---: | --- | ---: | ---: | --- |',
    ...runs.map(
      (run) =>
        `| ${run.round} | ${run.variant} | ${run.reservationsPerSecond} | ${run.p99Ms} | ${run.lag ? `${run.lag.p50Ms} / ${run.lag.p95Ms} / ${run.lag.p99Ms} / ${run.lag.maxMs} (${run.lag.count})` : '—'} | ${run.duplicates ?? '—'} | ${run.drainMs ?? '—'} | ${run.auditPassed ? 'passed' : 'FAILED'} |`,
    ),
    '',
    `With one webhook subscribed to every event: **${ratioWebhook.toFixed(2)}×** the throughput without it (target ≥ 0.85×: ${ratioWebhook >= 0.85 ? 'met' : 'missed'}).`,
    ...(ratioOutbox !== null
      ? [
          `Outbox row in the claim batch (still one round trip), no webhook, vs the release before it: **${ratioOutbox.toFixed(2)}×**.`,
        ]
      : []),
    ...(lags.length > 0
      ? [
          `Outbox lag (occurredAt of the event → received by the webhook), p99 under load: ${lags.map((run) => run.lag!.p99Ms).join(', ')} ms.`,
        ]
      : []),
  ].join('\n');
  return [
    {
      name: 'webhook-outbox',
      json: { runs, ratioWebhook, ratioOutbox, connections, durationSeconds, performances },
      markdown,
      passed: runs.every((run) => run.auditPassed),
    },
  ];
}

async function runVariant(
  variant: Variant,
  round: number,
  settings: {
    port: number;
    database: string;
    durationSeconds: number;
    warmupSeconds: number;
    connections: number;
    performances: number;
    seatsPerPerformance: number;
  },
): Promise<VariantRun> {
  await recreateDatabase(settings.database, { migrate: false });
  if (variant.entry) process.env['PERF_SERVICE_ENTRY'] = variant.entry;
  const target = await startService({
    port: settings.port,
    database: settings.database,
    env: { WEBHOOK_ALLOW_PRIVATE: 'true' },
  }).finally(() => delete process.env['PERF_SERVICE_ENTRY']);
  const receiver = variant.webhook ? await WebhookReceiver.start() : undefined;
  const url = `http://127.0.0.1:${settings.port}`;
  try {
    const seeded = await seed(settings.database, {
      performances: settings.performances,
      seatsPerPerformance: settings.seatsPerPerformance,
      members: membersFor(settings.seatsPerPerformance, settings.performances),
    });
    if (receiver) {
      const api = new ApiClient(url);
      await api.registerWebhook(await api.logIn(ADMIN.email, ADMIN.password), receiver.url, ALL_EVENTS);
      await api.close();
    }
    const next = distinctSeatRequests(seeded);
    const load = { url, connections: settings.connections, next, label: (status: number) => String(status) };
    const warmup = await runCannon({ ...load, durationSeconds: settings.warmupSeconds });
    const result = await runCannon({ ...load, durationSeconds: settings.durationSeconds });
    const created = (warmup.statuses['201'] ?? 0) + (result.statuses['201'] ?? 0);
    const audited = await audit(settings.database, { created, seatsCreated: created });
    const run = {
      variant: variant.name,
      round,
      reservationsPerSecond: Math.round(((result.statuses['201'] ?? 0) / result.durationSeconds) * 10) / 10,
      p99Ms: result.recorder.overall().p99Ms,
      created,
      auditPassed: audited.passed,
    };
    if (!receiver) return run;
    const stopped = Date.now();
    await receiver.waitForIds(created, 120_000);
    const drainMs = Date.now() - stopped;
    const lags = [...receiver.byId().values()]
      .map((copies) => copies[0]!.receivedAt - Date.parse(JSON.parse(copies[0]!.body).timestamp))
      .sort((a, b) => a - b);
    return {
      ...run,
      drainMs,
      duplicates: receiver.received.length - receiver.byId().size,
      lag: {
        count: lags.length,
        p50Ms: percentile(lags, 50),
        p95Ms: percentile(lags, 95),
        p99Ms: percentile(lags, 99),
        maxMs: lags[lags.length - 1] ?? 0,
      },
    };
  } finally {
    await target.stop();
    await receiver?.close();
  }
}
