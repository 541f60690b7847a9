import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT, RESULTS_DIR, TMP_DIR } from '../lib/environment';
import { CpuProfile, flameGraphSvg, originsTable, summarizeProfile, topFramesTable } from '../lib/cpu-profile';
import { Options } from '../lib/options';
import { auditSection, commandLine, cpuTable, latencyTable, machineLine, today } from '../lib/results';
import type { ScenarioOutcome } from '../lib/scenario';
import { describeHotPath, hotPathSettings, runHotPath } from './hot-path';

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
  let run;
  try {
    run = await runHotPath(
      hotPathSettings(options, {
        durationSeconds: options.number('duration', 10),
        database: 'ticketing_perf_profile',
        // --tracing=0.1 profiles the service traced at that ratio (spans to a file).
        env: tracingEnv(options.string('tracing', '')),
      }),
    );
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
  const profilePath = join(RESULTS_DIR, `${today()}-profile.cpuprofile`);
  writeFileSync(profilePath, raw);

  const holds = run.result.statuses['201'] ?? 0;
  const serviceCpuMs = (run.cpu.seconds['service'] ?? 0) * 1000;
  const perHold = holds > 0 ? Math.round((serviceCpuMs / holds) * 1000) / 1000 : 0;
  const title = `profile: hot path ${run.reservationsPerSecond} reservations/s, service ${perHold} ms CPU per hold (under --cpu-prof)`;
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
    latencyTable([['all answers', run.latency]]),
    '',
    cpuTable(run.cpu),
    '',
    auditSection(run.audit),
  ].join('\n');
  console.log(`\nTop ten self-time frames:\n${topFramesTable(summary)}`);
  return [
    {
      name: 'profile',
      json: { hotPath: describeHotPath(run), serviceCpuMsPerHold: perHold, profile: summary },
      markdown,
      svg: flameGraphSvg(cpuProfile, title),
      passed: run.audit.passed,
    },
  ];
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
