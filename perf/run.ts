import { setQuietWait } from './lib/cpu';
import { Options } from './lib/options';
import { machine, provenance, writeResults } from './lib/results';
import type { ScenarioOutcome } from './lib/scenario';
import { bestAvailable } from './scenarios/best-available';
import { claimBatch } from './scenarios/claim-batch';
import { compare } from './scenarios/compare';
import { hotPath } from './scenarios/hot-path';
import { memory } from './scenarios/memory';
import { onSale } from './scenarios/on-sale';
import { poolWait } from './scenarios/pool-wait';
import { profile } from './scenarios/profile';
import { seatMap } from './scenarios/seat-map';
import { seatStream } from './scenarios/seat-stream';
import { smoke } from './scenarios/smoke';
import { seedScenario } from './scenarios/seed-scenario';
import { waitingRoom } from './scenarios/waiting-room';
import { webhookOutbox } from './scenarios/webhook-outbox';

const SCENARIOS: Record<string, (options: Options) => Promise<ScenarioOutcome[]>> = {
  'best-available': bestAvailable,
  'claim-batch': claimBatch,
  compare,
  'hot-path': hotPath,
  memory,
  'on-sale': onSale,
  'pool-wait': poolWait,
  profile,
  'seat-map': seatMap,
  'seat-stream': seatStream,
  smoke,
  'seed-scenario': seedScenario,
  'waiting-room': waitingRoom,
  'webhook-outbox': webhookOutbox,
};

/**
 * `tsx perf/run.ts <scenario> [--flag=value…]`: runs one scenario, writes its results to
 * perf/results, prints the summary, and exits non-zero when an audit failed.
 */
async function main(): Promise<void> {
  const name = process.argv[2] ?? '';
  const scenario = SCENARIOS[name];
  if (!scenario) throw new Error(`Unknown scenario "${name}"; one of: ${Object.keys(SCENARIOS).join(', ')}`);
  const options = new Options(process.argv.slice(3));
  setQuietWait(options.number('quiet-wait', name === 'smoke' ? 0 : 45));
  const outcomes = await scenario(options);
  // --results-suffix=evening writes <date>-<name>-evening.*: a second run on the same day keeps the first one's files.
  const suffix = options.string('results-suffix', '');
  if (!/^[a-z0-9-]*$/.test(suffix)) throw new Error('--results-suffix takes lower-case letters, digits and dashes');
  let passed = true;
  for (const outcome of outcomes) {
    const code = provenance();
    const markdown = `${outcome.markdown}\n\nCode measured: commit ${code.commit}${code.uncommittedSrc.length > 0 ? ` + ${code.uncommittedSrc.length} uncommitted files in src/` : ''}; ${code.serviceEntry}.`;
    const files = writeResults(suffix === '' ? outcome.name : `${outcome.name}-${suffix}`, {
      ...outcome,
      markdown,
      json: { ...outcome.json, machine: machine(), code },
    });
    console.log(`\n${markdown}\n\nwritten: ${files.join(', ')}`);
    passed &&= outcome.passed;
  }
  if (!passed) {
    console.error('\nAUDIT FAILED: the run is a failure whatever its speed.');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
