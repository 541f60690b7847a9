/**
 * `npx tsx perf/admission-simulation.ts [--fans=1000000] [--seats=50000] [--arrival-minutes=10]
 * [--rates=250,1000] [--buy-share=0.8] [--seats-per-buyer=2] [--out=perf/results/…]`
 *
 * Replays an on-sale's arrival curve through a waiting room that admits fans in arrival order
 * at a fixed rate, second by second, and charts the queue length and each second's
 * time-to-admission, one line per admission rate. Admitted fans buy (`buy-share` of them,
 * `seats-per-buyer` seats each) until the seats are gone; the fans still waiting then are told
 * it is sold out. A model, not a load test: it shows what an admission rate means for the
 * queue, the input deploy/SCALING.md chooses the rate from (what MySQL claims per second).
 *
 * The arrival curve: 70 % of the fans arrive in a rush that decays with a 90 s time constant
 * from the opening second, 30 % evenly over the arrival window.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { lineChart, type Series } from './lib/chart';
import { RESULTS_DIR } from './lib/environment';

const argument = (name: string, fallback: string) =>
  process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;

export interface Scenario {
  readonly fans: number;
  readonly seats: number;
  readonly arrivalSeconds: number;
  readonly buyShare: number;
  readonly seatsPerBuyer: number;
}

export interface SimulationResult {
  readonly admitPerSecond: number;
  /** Per second: fans waiting at its end, and the wait of the last fan admitted in it (s). */
  readonly queue: readonly (readonly [number, number])[];
  readonly wait: readonly (readonly [number, number])[];
  readonly peakQueue: number;
  readonly maxWaitSeconds: number;
  /** When the last seat went, or null if seats were left when the queue emptied. */
  readonly soldOutAt: number | null;
  readonly admitted: number;
  /** Fans still waiting when it sold out: told so, never admitted. */
  readonly turnedAway: number;
}

/** Arrivals per second: a decaying rush plus an even share, summing to `fans` over the window. */
export function arrivals(scenario: Scenario): number[] {
  const weights = Array.from(
    { length: scenario.arrivalSeconds },
    (_, second) => (0.7 * Math.exp(-second / 90)) / 90 + 0.3 / scenario.arrivalSeconds,
  );
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let assigned = 0;
  return weights.map((weight, second) => {
    const upTo = Math.round((scenario.fans * weights.slice(0, second + 1).reduce((a, b) => a + b, 0)) / total);
    const count = upTo - assigned;
    assigned = upTo;
    return count;
  });
}

export function simulate(scenario: Scenario, admitPerSecond: number): SimulationResult {
  const perSecond = arrivals(scenario);
  // FIFO cohorts: [arrival second, fans still waiting from it].
  const cohorts: [number, number][] = [];
  const queue: [number, number][] = [];
  const wait: [number, number][] = [];
  let seatsLeft = scenario.seats;
  let admitted = 0;
  let buyerCredit = 0;
  let soldOutAt: number | null = null;
  let turnedAway = 0;
  for (let second = 0; second < 24 * 3600; second++) {
    const arriving = perSecond[second] ?? 0;
    if (soldOutAt !== null) {
      turnedAway += arriving;
    } else if (arriving > 0) {
      cohorts.push([second, arriving]);
    }
    let capacity = admitPerSecond;
    let lastWait: number | undefined;
    while (soldOutAt === null && capacity > 0 && cohorts.length > 0) {
      const cohort = cohorts[0]!;
      const taken = Math.min(capacity, cohort[1]);
      cohort[1] -= taken;
      capacity -= taken;
      admitted += taken;
      lastWait = second - cohort[0];
      buyerCredit += taken * scenario.buyShare;
      const buyers = Math.floor(buyerCredit);
      buyerCredit -= buyers;
      seatsLeft -= buyers * scenario.seatsPerBuyer;
      if (cohort[1] === 0) cohorts.shift();
      if (seatsLeft <= 0) {
        soldOutAt = second;
        turnedAway += cohorts.reduce((sum, [, waiting]) => sum + waiting, 0);
        cohorts.length = 0;
      }
    }
    const waiting = cohorts.reduce((sum, [, count]) => sum + count, 0);
    queue.push([second, waiting]);
    if (lastWait !== undefined) wait.push([second, lastWait]);
    if (second >= perSecond.length && waiting === 0) break;
  }
  return {
    admitPerSecond,
    queue,
    wait,
    peakQueue: Math.max(...queue.map(([, waiting]) => waiting)),
    maxWaitSeconds: Math.max(0, ...wait.map(([, seconds]) => seconds)),
    soldOutAt,
    admitted,
    turnedAway,
  };
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];

function main(): void {
  const scenario: Scenario = {
    fans: Number(argument('fans', '1000000')),
    seats: Number(argument('seats', '50000')),
    arrivalSeconds: Number(argument('arrival-minutes', '10')) * 60,
    buyShare: Number(argument('buy-share', '0.8')),
    seatsPerBuyer: Number(argument('seats-per-buyer', '2')),
  };
  const rates = argument('rates', '250,1000').split(',').map(Number);
  const results = rates.map((rate) => simulate(scenario, rate));
  const name = (result: SimulationResult) => `${result.admitPerSecond} admitted/s`;
  const series = (pick: (result: SimulationResult) => readonly (readonly [number, number])[], scale = 1) =>
    results.map((result, index): Series => ({
      name: name(result),
      color: COLORS[index % COLORS.length]!,
      points: pick(result).map(([x, y]) => [x, y / scale] as const),
    }));
  const subtitle =
    `${scenario.fans.toLocaleString('en')} fans over ${scenario.arrivalSeconds / 60} min for ` +
    `${scenario.seats.toLocaleString('en')} seats; ${scenario.buyShare * 100} % of admitted fans buy ${scenario.seatsPerBuyer} seats`;
  const svg = lineChart('Waiting room: queue and time to admission', subtitle, [
    { title: 'Fans waiting (queue length)', unit: '', series: series((result) => result.queue) },
    {
      title: 'Time to admission of the last fan admitted each second (minutes)',
      unit: ' min',
      series: series((result) => result.wait, 60),
    },
  ]);
  const out = argument('out', join(RESULTS_DIR, 'admission-simulation.svg'));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, svg);
  console.log(subtitle);
  for (const result of results) {
    console.log(
      `${name(result)}: peak queue ${result.peakQueue.toLocaleString('en')}, longest wait ${(result.maxWaitSeconds / 60).toFixed(1)} min, ` +
        `${result.soldOutAt === null ? 'seats left when the queue emptied' : `sold out at ${(result.soldOutAt / 60).toFixed(1)} min`}, ` +
        `${result.admitted.toLocaleString('en')} admitted, ${result.turnedAway.toLocaleString('en')} told sold out while waiting`,
    );
  }
  console.log(`chart: ${out}`);
}

if (require.main === module) main();
