import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT, RESULTS_DIR, TMP_DIR } from '../lib/environment';
import { CpuProfile, flameGraphSvg, originsTable, summarizeProfile, topFramesTable } from '../lib/cpu-profile';
import { Options } from '../lib/options';
import { auditSection, commandLine, cpuTable, latencyTable, machineLine, today } from '../lib/results';
import type { ScenarioOutcome } from '../lib/scenario';
import { describeHotPath, hotPathSettings, runHotPath } from './hot-path';
import { describeOnSale, onSaleMarkdown, onSaleSettings, runOnSale } from './on-sale';

/**
 * The hot path with the service under `node --cpu-prof`: writes the profile
 * (`perf/results/<date>-profile.cpuprofile`, opens in Chrome DevTools or speedscope), a flame
 * graph of it (`<date>-profile.svg`, self-contained) and the ten frames with the most self
 * time, printed and in `<date>-profile.md`. The profile covers the service's whole life
 * (start-up and seeding are idle or small next to the load); the figures are of busy time.
 */
export async function profile(options: Options): Promise<ScenarioOutcome[]> {
  const profileDir = join(TMP_DIR, 'cpu-profile');
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true });
  const interval = options.number('sample-us', 500);
  const previous = process.env['PERF_SERVICE_NODE_ARGS'];
  process.env['PERF_SERVICE_NODE_ARGS'] =
    `${previous ?? ''} --cpu-prof --cpu-prof-dir=${profileDir} --cpu-prof-interval=${interval}`.trim();
  // --tracing=0.1 profiles the service traced at that ratio (spans to a file).
  const env = tracingEnv(options.string('tracing', ''));
  let load: ProfiledLoad;
  try {
    load =
      options.string('load', 'hot-path') === 'on-sale'
        ? await onSaleLoad(options, env)
        : await hotPathLoad(options, env);
  } finally {
    if (previous === undefined) delete process.env['PERF_SERVICE_NODE_ARGS'];
    else process.env['PERF_SERVICE_NODE_ARGS'] = previous;
  }
  // The service writes its profile when it exits (the stack stops it gracefully).
  const written = readdirSync(profileDir).filter((file) => file.endsWith('.cpuprofile'));
  if (written.length !== 1) throw new Error(`expected one .cpuprofile in ${profileDir}, found ${written.length}`);
  const raw = readFileSync(join(profileDir, written[0]!), 'utf8');
  const cpuProfile = JSON.parse(raw) as CpuProfile;
  const summary = summarizeProfile(cpuProfile, 10);
  mkdirSync(RESULTS_DIR, { recursive: true });
  // One name per kind of load, so a sale's profile does not overwrite the hot path's.
  const name = options.string('load', 'hot-path') === 'on-sale' ? 'profile-on-sale' : 'profile';
  const profilePath = join(RESULTS_DIR, `${today()}-${name}.cpuprofile`);
  writeFileSync(profilePath, raw);

  const title = `profile: ${load.headline} (under --cpu-prof)`;
  const markdown = [
    `# ${title}`,
    '',
    `Command: \`${commandLine('perf:profile')}\`  `,
    `Machine: ${machineLine()}`,
    '',
    `The service ran under \`node --cpu-prof --cpu-prof-interval=${interval}\` (the sampler itself costs a few per cent). ` +
      `Profile: \`${relative(REPO_ROOT, profilePath)}\` (Chrome DevTools → Performance, or speedscope); flame graph: the .svg beside it.`,
    '',
    `## Top ten self-time frames (of ${summary.busyMs} ms busy in ${summary.totalMs} ms profiled)`,
    '',
    topFramesTable(summary),
    '',
    '## Busy time by origin',
    '',
    originsTable(summary),
    '',
    '## The load',
    '',
    load.markdown,
  ].join('\n');
  console.log(`\nTop ten self-time frames:\n${topFramesTable(summary)}`);
  return [
    {
      name,
      json: { load: load.json, profile: summary },
      markdown,
      svg: flameGraphSvg(cpuProfile, title),
      passed: load.passed,
    },
  ];
}

interface ProfiledLoad {
  readonly headline: string;
  readonly markdown: string;
  readonly json: Record<string, unknown>;
  readonly passed: boolean;
}

async function hotPathLoad(options: Options, env: Record<string, string>): Promise<ProfiledLoad> {
  const run = await runHotPath(
    hotPathSettings(options, {
      durationSeconds: options.number('duration', 10),
      database: 'ticketing_perf_profile',
      env,
    }),
  );
  const holds = run.result.statuses['201'] ?? 0;
  const perHold = Math.round((((run.cpu.seconds['service'] ?? 0) * 1000) / Math.max(1, holds)) * 1000) / 1000;
  return {
    headline: `hot path ${run.reservationsPerSecond} reservations/s, service ${perHold} ms CPU per hold`,
    markdown: [latencyTable([['all answers', run.latency]]), '', cpuTable(run.cpu), '', auditSection(run.audit)].join(
      '\n',
    ),
    json: { hotPath: describeHotPath(run), serviceCpuMsPerHold: perHold },
    passed: run.audit.passed,
  };
}

/** `--load=on-sale`: a sale, then --loser-seconds (default 10) of losers only: mostly a loser's work. */
async function onSaleLoad(options: Options, env: Record<string, string>): Promise<ProfiledLoad> {
  const run = await runOnSale(
    onSaleSettings(options, {
      loserSeconds: options.number('loser-seconds', 10),
      database: 'ticketing_perf_profile',
      env,
    }),
  );
  const losers = run.afterSellOut;
  return {
    headline: `on-sale at ${run.settings.connections} clients, then losers only: ${losers?.perSecond ?? 0}/s, service ${losers?.serviceCpuMsPerAnswer ?? '?'} ms CPU per loser`,
    markdown: onSaleMarkdown(run, commandLine('perf:profile')).markdown,
    json: describeOnSale(run),
    passed: run.audit.passed,
  };
}

function tracingEnv(ratio: string): Record<string, string> {
  if (!ratio) return {};
  return {
    OTEL_TRACES_EXPORTER: 'file',
    OTEL_TRACES_FILE: join(TMP_DIR, 'spans-profile.jsonl'),
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: ratio,
  };
}
