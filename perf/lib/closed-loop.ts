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
  const deadline = started + options.durationMs;
  steps.restart();
  scenarios.restart();

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
          if (performance.now() <= deadline) requestsInTime++;
          const ok = reply.status === expect;
          steps.record(step, reply.ms, reply.status, ok);
          if (!ok) {
            stepErrors[step] = (stepErrors[step] ?? 0) + 1;
            if (errorSamples.length < 5)
              errorSamples.push(`${step}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
            throw new StepFailed(step);
          }
          return reply as ApiResponse<never>;
        },
      };
      try {
        await options.scenario(user);
        scenarios.record('scenario', performance.now() - iterationStarted, 'ok', true);
        if (performance.now() <= deadline) scenariosInTime++;
      } catch (error) {
        errors++;
        if (!(error instanceof StepFailed) && errorSamples.length < 5) errorSamples.push(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: options.users }, (_, id) => runUser(id)));
  const durationSeconds = (performance.now() - started) / 1000;
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
