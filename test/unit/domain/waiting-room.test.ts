import {
  bucketCapacity,
  estimate,
  orderKey,
  PRE_QUEUE_SPAN,
  refill,
  type QueueSchedule,
} from '../../../src/domain/admission/waiting-room';

const schedule: QueueSchedule = {
  performanceId: 'p',
  opensAtMs: 1_000_000,
  closesAtMs: 9_000_000,
  admitPerMinute: 600,
  admissionMs: 600_000,
  abandonMs: 60_000,
};

describe('waiting room rules', () => {
  it('puts every pre-queue key before every later joiner, in join order after the opening', () => {
    expect(orderKey(999_999, schedule.opensAtMs, PRE_QUEUE_SPAN - 1, 1)).toBe(PRE_QUEUE_SPAN - 1);
    expect(orderKey(1_000_000, schedule.opensAtMs, 0, 1)).toBe(PRE_QUEUE_SPAN + 1);
    expect(orderKey(1_000_001, schedule.opensAtMs, 0, 2)).toBeGreaterThan(PRE_QUEUE_SPAN + 1);
  });

  it('fills the bucket from empty at the opening, up to one second of admissions (at least one token)', () => {
    expect(bucketCapacity(600)).toBe(10);
    expect(bucketCapacity(30)).toBe(1);
    expect(refill(null, schedule, schedule.opensAtMs - 5_000)).toEqual({ tokens: 0, atMs: schedule.opensAtMs });
    const half = refill({ tokens: 0, atMs: schedule.opensAtMs }, schedule, schedule.opensAtMs + 500);
    expect(half.tokens).toBeCloseTo(5);
    expect(refill(half, schedule, schedule.opensAtMs + 60_000).tokens).toBe(10);
    // First seen long after the opening (a reset): empty, no burst.
    expect(refill(null, schedule, schedule.opensAtMs + 60_000)).toEqual({
      tokens: 0,
      atMs: schedule.opensAtMs + 60_000,
    });
  });

  it('estimates the wait from the position and the opening, and asks for polls well inside the abandonment time', () => {
    expect(estimate(100, schedule, schedule.opensAtMs)).toEqual({ etaSeconds: 10, pollAfterMs: 2_500 });
    expect(estimate(1, schedule, schedule.opensAtMs)).toEqual({ etaSeconds: 1, pollAfterMs: 1_000 });
    expect(estimate(100_000, schedule, schedule.opensAtMs)).toEqual({ etaSeconds: 10_000, pollAfterMs: 20_000 });
    expect(estimate(1, { ...schedule, abandonMs: 30_000 }, 0).pollAfterMs).toBe(10_000);
    expect(estimate(1, { ...schedule, opensAtMs: 1e15 }, 0).etaSeconds).toBe(2_147_483_647);
  });
});
