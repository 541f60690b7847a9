import { ApiClient, type ApiResponse } from '../../testkit/api-client';
import { LatencyRecorder, LatencySummary } from './latency';

/** One virtual user's view of the run: timed steps over the shared client. */
export interface VirtualUser {
  readonly id: number;
  readonly iteration: number;
  /** Sends one request, records its latency under `step`, and fails the iteration on an unexpected status. */
  step<T>(
    step: string,
    expect: number,
    method: 'GET' | 'POST',
    path: string,
    options?: { token?: string; body?: unknown },
  ): Promise<Pick<ApiResponse<T>, 'status' | 'body' | 'ms'>>;
}

export interface ClosedLoopOptions {
  readonly origin: string;
  readonly users: number;
  readonly durationMs: number;
  /**
   * Run this long at full load before the measured `durationMs` starts (then `onMeasure` is
   * called): every user starts at step one, so completions trail the work done until each has
   * been round once; counted from a cold start, a 10 s scenario would hide a third of a 30 s run.
   */
  readonly rampMs?: number;
  readonly onMeasure?: () => void;
  readonly scenario: (user: VirtualUser) => Promise<void>;
}

export interface ClosedLoopResult {
  readonly users: number;
  readonly durationSeconds: number;
  /** Iterations that ran every step successfully (including those finishing after the deadline). */
  readonly scenarios: number;
  /** Completed within the run's time, per second of it. */
  readonly scenariosPerSecond: number;
  readonly requestsPerSecond: number;
  readonly requests: number;
  readonly scenario: LatencySummary;
  readonly steps: Record<string, LatencySummary & { errors: number }>;
  readonly errors: number;
  readonly statuses: Record<string, number>;
  /** The first few failures, to say what went wrong. */
  readonly errorSamples: string[];
  readonly recorder: LatencyRecorder;
}

class StepFailed extends Error {}

/**
 * nGrinder's model: `users` virtual users, each running the scenario again as soon as the
 * last one ended, until the run's time is up (no new iteration starts after that; those in
 * flight finish and count). Each user has its own keep-alive connection.
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const http = new ApiClient(options.origin, { connections: options.users });
  const steps = new LatencyRecorder();
  const scenarios = new LatencyRecorder();
  const stepErrors: Record<string, number> = {};
  const errorSamples: string[] = [];
  let requests = 0;
  let errors = 0;
  // Throughput counts what finished within the run's time: the tail of iterations still in
  // flight at the deadline (up to a full scenario long) would dilute it.
  let requestsInTime = 0;
  let scenariosInTime = 0;
  const started = performance.now();
  const rampMs = options.rampMs ?? 0;
  const measureFrom = started + rampMs;
  const deadline = measureFrom + options.durationMs;
  steps.restart();
  scenarios.restart();
  let measuring = rampMs === 0;
  if (measuring) options.onMeasure?.();
  const ramp =
    rampMs > 0
      ? setTimeout(() => {
          measuring = true;
          steps.restart();
          scenarios.restart();
          options.onMeasure?.();
        }, rampMs)
      : undefined;

  const runUser = async (id: number) => {
    for (let iteration = 0; performance.now() < deadline; iteration++) {
      const iterationStarted = performance.now();
      const user: VirtualUser = {
        id,
        iteration,
        async step(step, expect, method, path, requestOptions) {
          let reply;
          try {
            reply = await http.request(method, path, requestOptions);
          } catch (error) {
            reply = { status: 0, body: String(error), ms: 0 };
          }
          requests++;
          if (measuring && performance.now() <= deadline) requestsInTime++;
          const ok = reply.status === expect;
          if (measuring) steps.record(step, reply.ms, reply.status, ok);
          if (!ok) {
            if (measuring) stepErrors[step] = (stepErrors[step] ?? 0) + 1;
            if (errorSamples.length < 5)
              errorSamples.push(`${step}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
            throw new StepFailed(step);
          }
          return reply as ApiResponse<never>;
        },
      };
      try {
        await options.scenario(user);
        if (measuring) scenarios.record('scenario', performance.now() - iterationStarted, 'ok', true);
        if (measuring && performance.now() <= deadline) scenariosInTime++;
      } catch (error) {
        if (measuring) errors++;
        if (!(error instanceof StepFailed) && errorSamples.length < 5) errorSamples.push(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: options.users }, (_, id) => runUser(id)));
  clearTimeout(ramp);
  const durationSeconds = (performance.now() - measureFrom) / 1000;
  await http.close();

  const stepSummaries: ClosedLoopResult['steps'] = {};
  for (const label of steps.labels())
    stepSummaries[label] = { ...steps.summary(label), errors: stepErrors[label] ?? 0 };
  const completed = scenarios.summary('scenario');
  return {
    users: options.users,
    durationSeconds: round(durationSeconds),
    scenarios: completed.count,
    scenariosPerSecond: round(scenariosInTime / (options.durationMs / 1000)),
    requestsPerSecond: round(requestsInTime / (options.durationMs / 1000)),
    requests,
    scenario: completed,
    steps: stepSummaries,
    errors,
    statuses: steps.statuses,
    errorSamples,
    recorder: steps,
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
