import * as hdr from 'hdr-histogram-js';

/** Latencies are recorded in microseconds, up to 2 minutes, at 3 significant digits. */
function newHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

export interface LatencySummary {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export function summarize(histogram: hdr.Histogram): LatencySummary {
  const ms = (us: number) => Math.round(us) / 1000;
  if (histogram.totalCount === 0) return { count: 0, meanMs: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0 };
  return {
    count: histogram.totalCount,
    meanMs: ms(histogram.mean),
    p50Ms: ms(histogram.getValueAtPercentile(50)),
    p95Ms: ms(histogram.getValueAtPercentile(95)),
    p99Ms: ms(histogram.getValueAtPercentile(99)),
    maxMs: ms(histogram.maxValue),
  };
}

/** One time bucket of a run (a second by default): how many answers, how many succeeded, their latency. */
export interface SecondBucket extends LatencySummary {
  /** Start of the bucket, in seconds since the run started. */
  readonly second: number;
  readonly ok: number;
}

/**
 * Latencies by label (a step, a status class), overall and per second of the run, plus
 * status counts. Percentiles come from HdrHistogram, never from hand-written maths.
 */
export class LatencyRecorder {
  readonly #byLabel = new Map<string, hdr.Histogram>();
  readonly #perSecond: { histogram: hdr.Histogram; ok: number }[] = [];
  readonly statuses: Record<string, number> = {};
  #origin = performance.now();

  /** `bucketMs`: the time buckets' length; a second unless a run lasts only a second or two. */
  constructor(readonly bucketMs = 1000) {}

  /** Time zero of the time buckets. */
  restart(): void {
    this.#origin = performance.now();
  }

  record(label: string, latencyMs: number, status: number | string, ok: boolean, at = performance.now()): void {
    const us = Math.max(1, Math.round(latencyMs * 1000));
    this.histogram(label).recordValue(us);
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    const second = Math.max(0, Math.floor((at - this.#origin) / this.bucketMs));
    for (let index = this.#perSecond.length; index <= second; index++)
      this.#perSecond.push({ histogram: newHistogram(), ok: 0 });
    const bucket = this.#perSecond[second]!;
    bucket.histogram.recordValue(us);
    if (ok) bucket.ok++;
  }

  histogram(label: string): hdr.Histogram {
    let histogram = this.#byLabel.get(label);
    if (!histogram) {
      histogram = newHistogram();
      this.#byLabel.set(label, histogram);
    }
    return histogram;
  }

  summary(label: string): LatencySummary {
    return summarize(this.histogram(label));
  }

  /** Every label merged. */
  overall(): LatencySummary {
    const merged = newHistogram();
    for (const histogram of this.#byLabel.values()) merged.add(histogram);
    return summarize(merged);
  }

  labels(): string[] {
    return [...this.#byLabel.keys()];
  }

  seconds(): SecondBucket[] {
    return this.#perSecond.map(({ histogram, ok }, index) => ({
      second: (index * this.bucketMs) / 1000,
      ok,
      ...summarize(histogram),
    }));
  }
}
