import { cpus } from 'node:os';
import { audit } from '../lib/audit';
import { ClosedLoopResult, runClosedLoop, VirtualUser } from '../lib/closed-loop';
import { timeSeriesChart } from '../lib/chart';
import { CpuMeter, waitForQuiet } from '../lib/cpu';
import { API } from '../../testkit/api-client';
import { databaseUrl, MEMBER_PASSWORD, REDIS_URL } from '../lib/environment';
import { HashingCeiling, measureBestHashingCeiling, measureHashingCeiling } from '../lib/hashing';
import { Options } from '../lib/options';
import { auditSection, commandLine, cpuTable, latencyTable, machineLine } from '../lib/results';
import type { CpuReport } from '../lib/cpu';
import type { AuditResult } from '../../testkit/audit';
import type { ScenarioOutcome } from '../lib/scenario';
import type { Seeded } from '../lib/seed-data';
import { startStack, Stack } from '../lib/stack';

/** The original's best: 115 users / 1.487 s ≈ 232 req/s on 16 vCPUs (perf/RESULTS.md, "The baseline"). */
const ORIGINAL_REQUESTS_PER_VCPU = 14.5;
const GOAL_SCENARIO_SECONDS = 1.5;

/**
 * nGrinder's scenario from the original: sign up → log in → reserve, back to back. Every
 * iteration is a new member (a new email), who holds one seat nobody else asked for.
 */
function signUpLogInReserve(seeded: Seeded, runId: string) {
  let members = 0;
  let reservations = 0;
  let created = 0;
  const scenario = async (user: VirtualUser) => {
    const email = `vu-${runId}-${members++}@perf.test`;
    await user.step('sign up', 201, 'POST', `${API}/members`, {
      body: { email, password: MEMBER_PASSWORD, name: `VU ${user.id}` },
    });
    const login = await user.step<{ accessToken: string }>('log in', 200, 'POST', `${API}/auth/login`, {
      body: { email, password: MEMBER_PASSWORD },
    });
    const i = reservations++;
    const performance = seeded.performances[i % seeded.performances.length]!;
    const seat = performance.seats[Math.floor(i / seeded.performances.length) % performance.seats.length]!;
    await user.step('reserve', 201, 'POST', `${API}/reservations`, {
      token: login.body.accessToken,
      body: { performanceId: performance.id, seatIds: [seat.id] },
    });
    created++;
  };
  return { scenario, created: () => created };
}

/**
 * Service settings the seed scenario can be run under, side by side (`--variants=a,b,…`).
 * argon2id's parameters are the same in all of them; only where and how many hashes run at once changes.
 */
const VARIANTS: Record<
  string,
  {
    readonly label: string;
    readonly env: Record<string, string>;
    /**
     * MySQL and Redis reached as `localhost`, as a deployment reaches them by name: every new
     * connection then asks dns.lookup, which runs on libuv's pool behind whatever hashes are queued there.
     */
    readonly byName?: boolean;
  }
> = {
  default: { label: 'service defaults', env: {} },
  uv2: { label: 'UV_THREADPOOL_SIZE=2', env: { UV_THREADPOOL_SIZE: '2' } },
  uv4: { label: 'UV_THREADPOOL_SIZE=4', env: { UV_THREADPOOL_SIZE: '4' } },
  uv8: { label: 'UV_THREADPOOL_SIZE=8', env: { UV_THREADPOOL_SIZE: '8' } },
  'hash-cores': { label: 'PASSWORD_HASH_CONCURRENCY=2 (cores), pool 4', env: { PASSWORD_HASH_CONCURRENCY: '2' } },
  unlimited: {
    label: 'PASSWORD_HASH_CONCURRENCY=0 (every hash queued in libuv, as before)',
    env: { PASSWORD_HASH_CONCURRENCY: '0' },
  },
  'hash-pool': { label: 'PASSWORD_HASH_CONCURRENCY=4 (the whole pool)', env: { PASSWORD_HASH_CONCURRENCY: '4' } },
  localhost: { label: 'MySQL and Redis as localhost', env: {}, byName: true },
  'localhost-hash-pool': {
    label: 'localhost, PASSWORD_HASH_CONCURRENCY=4',
    env: { PASSWORD_HASH_CONCURRENCY: '4' },
    byName: true,
  },
  'localhost-hash-cores': {
    label: 'localhost, PASSWORD_HASH_CONCURRENCY=2',
    env: { PASSWORD_HASH_CONCURRENCY: '2' },
    byName: true,
  },
  'hash-cores-uv3': {
    label: 'PASSWORD_HASH_CONCURRENCY=2, UV_THREADPOOL_SIZE=3',
    env: { PASSWORD_HASH_CONCURRENCY: '2', UV_THREADPOOL_SIZE: '3' },
  },
};

interface Measured {
  readonly variant: string;
  readonly label: string;
  readonly env: Record<string, string>;
  readonly ceilingBefore: HashingCeiling & { cpu: CpuReport };
  readonly ceilingAfter: HashingCeiling & { cpu: CpuReport };
  /** Mean of the ceiling measured just before and just after the load: what the fraction is of. */
  readonly ceilingHashesPerSecond: number;
  readonly main: ClosedLoopResult;
  readonly fraction: number;
  /**
   * The same fraction per CPU second: hashes per second of CPU the whole stack (service,
   * generator, MariaDB, Redis) used under the scenario, over the ceiling's hashes per CPU
   * second. Equal to `fraction` on a machine of our own; on a shared one it still says how
   * much of our CPU went to hashing, whatever share of the cores others took.
   */
  readonly cpuFraction: number;
  readonly cpu: CpuReport;
  /** The scenario and its count of reservations made, for more runs on the same data (the search). */
  readonly run: ReturnType<typeof signUpLogInReserve>;
  readonly stack: Stack;
}

interface Settings {
  readonly users: number;
  readonly durationSeconds: number;
  /** Full load before the measured window, so it measures the steady state (see runClosedLoop). */
  readonly rampSeconds: number;
  readonly port: number;
  readonly database: string;
}

/**
 * The hashing ceiling is measured in this (the load generator's) process, with the service
 * idle, just before and just after the load, each time at `cores` and `2 × cores` hashes at
 * once (the better counts): the machine's own argon2id rate at that moment, so other
 * people's load on a shared box weighs on both sides of the ratio alike.
 */
async function measureVariant(name: string, settings: Settings): Promise<Measured> {
  const variant = VARIANTS[name];
  if (!variant) throw new Error(`Unknown variant "${name}"; one of: ${Object.keys(VARIANTS).join(', ')}`);
  const stack = await startStack({
    database: settings.database,
    port: settings.port,
    seed: { performances: 20, seatsPerPerformance: 1000, members: 0 },
    env: variant.byName
      ? {
          ...variant.env,
          DATABASE_URL: databaseUrl(settings.database).replace('127.0.0.1', 'localhost'),
          REDIS_URL: REDIS_URL.replace('127.0.0.1', 'localhost'),
        }
      : variant.env,
  });
  try {
    const ceiling = async () => {
      stack.meter.start();
      const measured = await measureBestHashingCeiling();
      const cpu = stack.meter.stop();
      console.log(
        `hashing ceiling: ${measured.hashesPerSecond} argon2id hashes/s on ${cpus().length} cores (${measured.meanMs} ms each at concurrency ${measured.concurrency}; ${measured.hashesPerCpuSecond} per CPU second; other ${cpu.cores['other']} cores)`,
      );
      return { ...measured, cpu };
    };
    const run = signUpLogInReserve(stack.seeded, Date.now().toString(36));
    const { scenario } = run;
    // A few iterations first, so JIT and pools are warm when the measured run starts.
    await runClosedLoop({ origin: stack.url, users: Math.min(settings.users, 10), durationMs: 3_000, scenario });
    await waitForQuiet();
    const ceilingBefore = await ceiling();
    const main = await runClosedLoop({
      origin: stack.url,
      users: settings.users,
      rampMs: settings.rampSeconds * 1000,
      durationMs: settings.durationSeconds * 1000,
      onMeasure: () => stack.meter.start(),
      scenario,
    });
    const cpu = stack.meter.stop();
    const ceilingAfter = await ceiling();
    const ceilingHashesPerSecond =
      Math.round(((ceilingBefore.hashesPerSecond + ceilingAfter.hashesPerSecond) / 2) * 10) / 10;
    const fraction = Math.round((main.scenariosPerSecond / (ceilingHashesPerSecond / 2)) * 1000) / 1000;
    const stackCores = ['generator', 'service', 'mariadbd', 'redis-server'].reduce(
      (sum, group) => sum + (cpu.cores[group] ?? 0),
      0,
    );
    const ceilingPerCpuSecond = (ceilingBefore.hashesPerCpuSecond + ceilingAfter.hashesPerCpuSecond) / 2;
    const cpuFraction = Math.round(((2 * main.scenariosPerSecond) / stackCores / ceilingPerCpuSecond) * 1000) / 1000;
    console.log(
      `${variant.label}: ${settings.users} users, ${main.scenariosPerSecond} scenarios/s = ${fraction} of the ceiling (${cpuFraction} per CPU second), mean ${main.scenario.meanMs} ms; other ${cpu.cores['other']} cores`,
    );
    return {
      variant: name,
      label: variant.label,
      env: variant.env,
      ceilingBefore,
      ceilingAfter,
      ceilingHashesPerSecond,
      main,
      fraction,
      cpuFraction,
      cpu,
      run,
      stack,
    };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function settingsFrom(options: Options): Settings {
  return {
    users: options.number('users', 115),
    durationSeconds: options.number('duration', 60),
    rampSeconds: options.number('ramp', 15),
    // Its own port and database, so it runs beside the hot-path scenarios (3901, ticketing_perf_*).
    port: options.number('port', 3961),
    database: options.string('database', 'ticketing_perf_seed_scenario'),
  };
}

export async function seedScenario(options: Options): Promise<ScenarioOutcome[]> {
  const ceilingRounds = options.number('ceiling-rounds', 0);
  if (ceilingRounds > 0) return compareCeilings(ceilingRounds, options.number('ceiling-seconds', 4));
  const variants = options.string('variants', '');
  if (variants !== '') return compareVariants(options, variants.split(','));
  const settings = settingsFrom(options);
  const { users, durationSeconds } = settings;
  const searchSeconds = options.number('search-duration', 12);
  const search = options.bool('search', true);
  const measured = await measureVariant('default', settings);
  const { stack, main, cpu } = measured;
  try {
    const { scenario, created } = measured.run;
    const loop = (count: number, seconds: number) =>
      runClosedLoop({ origin: stack.url, users: count, durationMs: seconds * 1000, scenario });
    const ceiling = { ...measured.ceilingBefore, hashesPerSecond: measured.ceilingHashesPerSecond };
    const steps: { users: number; scenariosPerSecond: number; meanMs: number; errors: number }[] = [];
    let largest = 0;
    if (search) {
      // Mean time ≈ users / throughput and throughput is flat once the CPU is full, so start
      // from the estimate, then bisect on short runs.
      let low = 1;
      let high = users;
      let guess = Math.max(1, Math.min(users, Math.floor(main.scenariosPerSecond * GOAL_SCENARIO_SECONDS)));
      while (low <= high && steps.length < 8) {
        const probe: ClosedLoopResult = await loop(guess, searchSeconds);
        steps.push({
          users: guess,
          scenariosPerSecond: probe.scenariosPerSecond,
          meanMs: probe.scenario.meanMs,
          errors: probe.errors,
        });
        console.log(`  search: ${guess} users → mean ${probe.scenario.meanMs} ms`);
        if (probe.scenario.meanMs <= GOAL_SCENARIO_SECONDS * 1000 && probe.errors === 0) {
          largest = Math.max(largest, guess);
          low = guess + 1;
        } else {
          high = guess - 1;
        }
        guess = Math.floor((low + high) / 2);
      }
    }

    const audited = await audit(stack.database, { created: created(), seatsCreated: created() });
    const fraction = measured.fraction;
    const perVcpu = main.requestsPerSecond / cpus().length;
    const title = `seed-scenario: ${users} users, ${main.scenariosPerSecond} scenarios/s (${main.requestsPerSecond} req/s), mean ${main.scenario.meanMs} ms`;
    const json = {
      settings: { users, durationSeconds, searchSeconds, port: settings.port, database: settings.database },
      ceiling,
      ceilingBefore: measured.ceilingBefore,
      ceilingAfter: measured.ceilingAfter,
      scenariosPerSecond: main.scenariosPerSecond,
      requestsPerSecond: main.requestsPerSecond,
      fractionOfHashingCeiling: Math.round(fraction * 1000) / 1000,
      requestsPerSecondPerVcpu: Math.round(perVcpu * 10) / 10,
      versusOriginalPerVcpu: Math.round((perVcpu / ORIGINAL_REQUESTS_PER_VCPU) * 100) / 100,
      scenario: main.scenario,
      steps: main.steps,
      errors: main.errors,
      errorSamples: main.errorSamples,
      statuses: main.statuses,
      largestUsersWithinGoal: largest,
      search: steps,
      cpu,
      audit: audited,
      perSecond: main.recorder.seconds(),
    };
    const markdown = [
      `# ${title}`,
      '',
      `Closed loop like nGrinder: ${users} virtual users, each running sign up → log in → reserve (a new member every iteration, one free seat each), measured for ${durationSeconds} s after ${settings.rampSeconds} s at full load.`,
      '',
      `Command: \`${commandLine('perf:seed-scenario')}\`  `,
      `Machine: ${machineLine()}`,
      '',
      `- Hashing ceiling: **${ceiling.hashesPerSecond} argon2id hashes/s** (m = 19 MiB, t = 2, p = 1; the mean of ${measured.ceilingBefore.hashesPerSecond}/s just before the load and ${measured.ceilingAfter.hashesPerSecond}/s just after, each the better of ${cpus().length} and ${cpus().length * 2} hashes at once; other processes ${measured.ceilingBefore.cpu.cores['other']} and ${measured.ceilingAfter.cpu.cores['other']} cores) → at most ${ceiling.hashesPerSecond / 2} scenarios/s (two hashes each).`,
      `- Throughput: **${main.scenariosPerSecond} scenarios/s = ${Math.round(fraction * 1000) / 10} % of that ceiling** (target ≥ 90 %).`,
      `- Requests: ${main.requestsPerSecond} req/s = **${Math.round(perVcpu * 10) / 10} req/s per vCPU**, ${json.versusOriginalPerVcpu}× the original's 14.5 (target ≥ 2×).`,
      `- Mean scenario time at ${users} users: **${main.scenario.meanMs} ms** (the original's goal: ≤ 1,500 ms at 115 users).`,
      `- Largest user count with mean ≤ 1.5 s: **${search ? largest : 'not searched'}** (${steps.map((step) => `${step.users} → ${step.meanMs} ms`).join(', ')}).`,
      '',
      latencyTable([
        ['scenario', main.scenario],
        ...Object.entries(main.steps).map(([step, summary]): [string, typeof summary] => [step, summary]),
      ]),
      '',
      `Statuses: ${JSON.stringify(main.statuses)}; failed iterations ${main.errors}${main.errorSamples.length > 0 ? `: ${main.errorSamples.join('; ')}` : ''}.`,
      '',
      cpuTable(cpu),
      '',
      auditSection(audited),
    ].join('\n');
    return [
      {
        name: 'seed-scenario',
        json,
        markdown,
        svg: timeSeriesChart(
          title,
          'every request of the scenario (sign up, log in, reserve), per second',
          main.recorder.seconds(),
        ),
        passed: audited.passed,
      },
    ];
  } finally {
    await stack.stop();
  }
}

interface VariantRun {
  readonly variant: string;
  readonly label: string;
  readonly round: number;
  readonly ceilingBefore: number;
  readonly ceilingAfter: number;
  readonly ceilingOtherCores: readonly [number, number];
  readonly scenariosPerSecond: number;
  readonly fraction: number;
  readonly cpuFraction: number;
  readonly ceilingPerCpuSecond: readonly [number, number];
  readonly meanMs: number;
  readonly stepMeansMs: Record<string, number>;
  readonly errors: number;
  readonly errorSamples: readonly string[];
  readonly cores: Record<string, number>;
  readonly audit: AuditResult;
}

/**
 * `--variants=default,uv2,…`: the same scenario under each service setting, each against a
 * fresh database and with its own ceiling measured around it; with `--rounds=N` the variants
 * alternate N times and medians are reported. No user-count search.
 */
async function compareVariants(options: Options, names: readonly string[]): Promise<ScenarioOutcome[]> {
  const settings = settingsFrom(options);
  const rounds = options.number('rounds', 1);
  for (const name of names)
    if (!VARIANTS[name]) throw new Error(`Unknown variant "${name}"; one of: ${Object.keys(VARIANTS).join(', ')}`);
  const runs: VariantRun[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const name of names) {
      console.log(`\n== ${VARIANTS[name]!.label} (round ${round}/${rounds})`);
      const measured = await measureVariant(name, settings);
      try {
        const created = measured.run.created();
        const audited = await audit(measured.stack.database, { created, seatsCreated: created });
        runs.push({
          variant: name,
          label: measured.label,
          round,
          ceilingBefore: measured.ceilingBefore.hashesPerSecond,
          ceilingAfter: measured.ceilingAfter.hashesPerSecond,
          ceilingOtherCores: [measured.ceilingBefore.cpu.cores['other']!, measured.ceilingAfter.cpu.cores['other']!],
          scenariosPerSecond: measured.main.scenariosPerSecond,
          fraction: measured.fraction,
          cpuFraction: measured.cpuFraction,
          ceilingPerCpuSecond: [measured.ceilingBefore.hashesPerCpuSecond, measured.ceilingAfter.hashesPerCpuSecond],
          meanMs: measured.main.scenario.meanMs,
          stepMeansMs: Object.fromEntries(
            Object.entries(measured.main.steps).map(([step, summary]) => [step, summary.meanMs]),
          ),
          errors: measured.main.errors,
          errorSamples: measured.main.errorSamples,
          cores: measured.cpu.cores,
          audit: audited,
        });
      } finally {
        await measured.stack.stop();
      }
    }
  }
  const summary = names.map((name) => {
    const mine = runs.filter((run) => run.variant === name);
    return {
      variant: name,
      label: VARIANTS[name]!.label,
      fractions: mine.map((run) => run.fraction),
      medianFraction: median(mine.map((run) => run.fraction)),
      cpuFractions: mine.map((run) => run.cpuFraction),
      medianCpuFraction: median(mine.map((run) => run.cpuFraction)),
      medianScenariosPerSecond: median(mine.map((run) => run.scenariosPerSecond)),
    };
  });
  // Failed iterations (a 503 after REQUEST_TIMEOUT_MS on a starved machine) are reported, not a failure: the audit is.
  const passed = runs.every((run) => run.audit.passed);
  const cores = (run: VariantRun) =>
    ['generator', 'service', 'mariadbd', 'redis-server', 'other'].map((group) => run.cores[group] ?? '-').join(' / ');
  const markdown = [
    `# seed-scenario variants: ${summary.map((row) => `${row.variant} ${row.medianFraction}`).join(', ')} of the hashing ceiling`,
    '',
    `Sign up → log in → reserve, ${settings.users} virtual users, ${settings.durationSeconds} s measured per run after ${settings.rampSeconds} s at full load, ${rounds} round(s), variants alternating; each run on a fresh database with the argon2id ceiling (m = 19 MiB, t = 2, p = 1) measured in the load generator's process just before and just after its load (the better of ${cpus().length} and ${cpus().length * 2} hashes at once; the fraction is of their mean, two hashes per scenario).`,
    '',
    `Command: \`${commandLine('perf:seed-scenario')}\`  `,
    `Machine: ${machineLine()}`,
    '',
    "The fraction per CPU second divides hashes per CPU second of the whole stack (service, generator, MariaDB, Redis) under the scenario by the ceiling's hashes per CPU second: on a machine of our own it equals the fraction; on a shared one it is what our CPU did, whatever share of the cores others took.",
    '',
    '| variant | median fraction of the ceiling | per round | median fraction per CPU second | per round | median scenarios/s |',
    '| --- | ---: | --- | ---: | --- | ---: |',
    ...summary.map(
      (row) =>
        `| ${row.label} | **${row.medianFraction}** | ${row.fractions.join(', ')} | **${row.medianCpuFraction}** | ${row.cpuFractions.join(', ')} | ${row.medianScenariosPerSecond} |`,
    ),
    '',
    '| round | variant | ceiling before / after, hashes/s (per CPU s; other cores) | scenarios/s | fraction | per CPU s | mean scenario ms | sign up / log in / reserve mean ms | failed | cores: generator / service / mariadbd / redis / other | audit |',
    '| ---: | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |',
    ...runs.map(
      (run) =>
        `| ${run.round} | ${run.label} | ${run.ceilingBefore} (${run.ceilingPerCpuSecond[0]}; ${run.ceilingOtherCores[0]}) / ${run.ceilingAfter} (${run.ceilingPerCpuSecond[1]}; ${run.ceilingOtherCores[1]}) | ${run.scenariosPerSecond} | ${run.fraction} | ${run.cpuFraction} | ${run.meanMs} | ` +
        `${['sign up', 'log in', 'reserve'].map((step) => run.stepMeansMs[step] ?? '-').join(' / ')} | ${run.errors} | ${cores(run)} | ${run.audit.passed ? 'pass' : 'FAIL'} |`,
    ),
    '',
    ...runs
      .filter((run) => run.errorSamples.length > 0)
      .map((run) => `Failed iterations, round ${run.round}, ${run.label}: ${run.errorSamples.join('; ')}  `),
  ].join('\n');
  return [
    {
      name: 'seed-scenario-variants',
      json: { settings: { ...settings, rounds, variants: names }, summary, runs },
      markdown,
      passed,
    },
  ];
}

/**
 * `--ceiling-rounds=N`: the argon2id ceiling alone (no service), `cores` and `2 × cores` hashes
 * at once alternating N times: whether hashing more at once than there are cores gains or loses.
 */
async function compareCeilings(rounds: number, seconds: number): Promise<ScenarioOutcome[]> {
  const concurrencies = [cpus().length, cpus().length * 2];
  const runs: (HashingCeiling & { round: number; otherCores: number })[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const concurrency of concurrencies) {
      await waitForQuiet();
      const meter = new CpuMeter({ generator: () => [process.pid] });
      meter.start();
      const measured = await measureHashingCeiling(seconds, concurrency);
      const other = meter.stop().cores['other']!;
      console.log(
        `round ${round}, ${concurrency} at once: ${measured.hashesPerSecond} hashes/s, ${measured.hashesPerCpuSecond} per CPU second; other ${other} cores`,
      );
      runs.push({ ...measured, round, otherCores: other });
    }
  }
  const summary = concurrencies.map((concurrency) => {
    const mine = runs.filter((run) => run.concurrency === concurrency);
    return {
      concurrency,
      medianHashesPerSecond: median(mine.map((run) => run.hashesPerSecond)),
      medianHashesPerCpuSecond: median(mine.map((run) => run.hashesPerCpuSecond)),
    };
  });
  const markdown = [
    `# argon2id ceiling: ${summary.map((row) => `${row.concurrency} at once ${row.medianHashesPerSecond}/s`).join(', ')} (medians)`,
    '',
    `m = 19 MiB, t = 2, p = 1 (the service's parameters), ${seconds} s per measurement, ${rounds} rounds alternating, in the harness process (libuv pool of 4), no service running.`,
    '',
    `Command: \`${commandLine('perf:seed-scenario')}\`  `,
    `Machine: ${machineLine()}`,
    '',
    '| hashes at once | median hashes/s | median per CPU second |',
    '| ---: | ---: | ---: |',
    ...summary.map((row) => `| ${row.concurrency} | ${row.medianHashesPerSecond} | ${row.medianHashesPerCpuSecond} |`),
    '',
    '| round | hashes at once | hashes/s | per CPU second | ms per hash | other cores |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...runs.map(
      (run) =>
        `| ${run.round} | ${run.concurrency} | ${run.hashesPerSecond} | ${run.hashesPerCpuSecond} | ${run.meanMs} | ${run.otherCores} |`,
    ),
  ].join('\n');
  return [{ name: 'seed-scenario-ceiling', json: { seconds, rounds, summary, runs }, markdown, passed: true }];
}
