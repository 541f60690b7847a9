import { SchemaWatch, type SchemaStatus } from '../../../src/adapters/persistence/schema-watch';

/** A watch on a scripted check, on a clock the test moves. */
function watchOf(answers: (() => Promise<readonly string[]>)[], maxAgeMs = 10_000) {
  let now = 0;
  let calls = 0;
  const changes: [SchemaStatus, readonly string[]][] = [];
  const watch = new SchemaWatch(
    () => {
      const answer = answers[Math.min(calls, answers.length - 1)]!;
      calls++;
      return answer();
    },
    { maxAgeMs, now: () => now, onChange: (status, missing) => changes.push([status, missing]) },
  );
  return {
    watch,
    changes,
    calls: () => calls,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const none = async () => [];
const missing006 = async () => ['006-add-seat-limit-check'];

describe('SchemaWatch', () => {
  it('starts current, as start-up checked, and asks the database only once the answer is stale', async () => {
    const { watch, calls, advance } = watchOf([missing006]);
    expect(await watch.current()).toBe('current');
    advance(9_999);
    expect(await watch.current()).toBe('current');
    expect(calls()).toBe(0);

    advance(1);
    expect(await watch.current()).toBe('behind');
    expect(calls()).toBe(1);
    advance(5_000);
    expect(await watch.current()).toBe('behind');
    expect(calls()).toBe(1);
  });

  it('shares one check among concurrent probes', async () => {
    let release!: (missing: string[]) => void;
    const { watch, calls, advance } = watchOf([() => new Promise((resolve) => (release = resolve))]);
    advance(10_000);
    const probes = [watch.current(), watch.current(), watch.current()];
    release(['006-add-seat-limit-check']);
    expect(await Promise.all(probes)).toEqual(['behind', 'behind', 'behind']);
    expect(calls()).toBe(1);
  });

  it('keeps the last answer when the check fails, and retries at the next probe', async () => {
    const { watch, calls, advance } = watchOf([
      missing006,
      () => Promise.reject(new Error('connection refused')),
      none,
    ]);
    advance(10_000);
    expect(await watch.current()).toBe('behind');
    advance(10_000);
    expect(await watch.current()).toBe('behind');
    expect(await watch.current()).toBe('current');
    expect(calls()).toBe(3);
  });

  it('reports each change once, with the missing migrations', async () => {
    const { watch, changes, advance } = watchOf([missing006, missing006, none, none], 0);
    for (let i = 0; i < 4; i++) {
      advance(1);
      await watch.current();
    }
    expect(changes).toEqual([
      ['behind', ['006-add-seat-limit-check']],
      ['current', []],
    ]);
  });
});
