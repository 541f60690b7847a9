import autocannon from 'autocannon';
import { LatencyRecorder } from './latency';

/** One request of the load, and what the scenario wants back with its answer. */
export interface Work<Tag> {
  readonly request: autocannon.Request;
  readonly tag: Tag;
}

export interface CannonOptions<Tag> {
  readonly url: string;
  readonly connections: number;
  readonly durationSeconds: number;
  /** The next request to send; null once there is nothing left to do (the run then drains and ends). */
  readonly next: () => Work<Tag> | null;
  /** Every answer to a work request, with its tag; the body is the response text. */
  readonly onAnswer?: (status: number, body: string, tag: Tag) => void;
  /** Latency label of an answer (default: "2xx", "4xx"…). */
  readonly label?: (status: number, tag: Tag) => string;
  /** Hands over a function that ends the run early (a sold-out sale). */
  readonly onStart?: (end: () => void) => void;
  /** Length of the recorder's time buckets (default a second). */
  readonly bucketMs?: number;
}

export interface CannonResult {
  /** From the first request to the last answer. */
  readonly durationSeconds: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  /** Requests sent that never got an answer (timeouts, closed connections). */
  readonly unanswered: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly statuses: Record<string, number>;
  readonly recorder: LatencyRecorder;
}

interface Context extends Record<string, unknown> {
  work?: boolean;
  tag?: unknown;
}

/** Sent while draining: keeps a connection busy without writing anything. */
const IDLE: autocannon.Request = { method: 'GET', path: '/healthz', headers: {}, body: '' };
const DRAIN_LIMIT_SECONDS = 30;

/**
 * autocannon, closed loop over `connections` keep-alive connections. Every answer is also
 * recorded in our own HdrHistograms (latency by label, per second, statuses).
 *
 * A run never cuts requests off: when its time is up (or `next` has no more work) it stops
 * handing out work, waits until every work request in flight has been answered, then stops.
 * So every reservation the service wrote was answered, and the audit can demand that
 * reservation rows = 201s exactly.
 */
export function runCannon<Tag>(options: CannonOptions<Tag>): Promise<CannonResult> {
  const recorder = new LatencyRecorder(options.bucketMs);
  const label = options.label ?? ((status: number) => `${Math.floor(status / 100)}xx`);
  // Connecting: every connection answers one idle request first, so no measured request
  // waits for its TCP handshake (autocannon writes the first request before connecting).
  let phase: 'connecting' | 'running' | 'draining' = 'connecting';
  const connected = new Set<unknown>();
  let sent = 0;
  let answered = 0;
  let lastTag: { work: boolean; tag: unknown } = { work: false, tag: undefined };
  let started = 0;
  let finished = 0;
  let deadline: NodeJS.Timeout | undefined;

  return new Promise((resolve, reject) => {
    const request: autocannon.RequestSpec = {
      setupRequest: (_base, context: Context) => {
        const work = phase === 'running' ? options.next() : null;
        if (work === null) {
          if (phase === 'running') phase = 'draining';
          context.work = false;
          return { ...IDLE };
        }
        sent++;
        context.work = true;
        context.tag = work.tag;
        return { headers: {}, ...work.request };
      },
      onResponse: (status, body, context: Context) => {
        lastTag = { work: context.work === true, tag: context.tag };
        if (context.work) options.onAnswer?.(status, body, context.tag as Tag);
      },
    };
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSeconds + DRAIN_LIMIT_SECONDS,
        requests: [request],
        timeout: 20,
      },
      (error, result) => {
        clearTimeout(deadline);
        clearInterval(watcher);
        if (error) return reject(error);
        const seconds = ((finished || performance.now()) - started) / 1000;
        resolve({
          durationSeconds: Math.round(seconds * 1000) / 1000,
          requests: answered,
          requestsPerSecond: Math.round((answered / seconds) * 10) / 10,
          unanswered: sent - answered,
          errors: result.errors,
          timeouts: result.timeouts,
          statuses: recorder.statuses,
          recorder,
        });
      },
    );
    const run = () => {
      phase = 'running';
      started = performance.now();
      recorder.restart();
      deadline = setTimeout(() => {
        phase = 'draining';
      }, options.durationSeconds * 1000);
      options.onStart?.(() => {
        phase = 'draining';
      });
    };
    const stopWhenDrained = () => {
      if (phase === 'draining' && answered >= sent && finished === 0) {
        finished = performance.now();
        instance.stop();
      }
    };
    instance.on('response', (client, status, _bytes, ms) => {
      if (!lastTag.work) {
        if (phase === 'connecting' && connected.add(client).size >= options.connections) run();
        return stopWhenDrained();
      }
      answered++;
      recorder.record(label(status, lastTag.tag as Tag), ms, status, status < 400);
      stopWhenDrained();
    });
    // A connection that is idle when the drain starts never answers again: check on a timer too.
    const watcher = setInterval(stopWhenDrained, 50);
  });
}
