import type { Logger } from 'pino';
import { BestEffortSeatHoldStore } from '../../../src/application/sales/best-effort-seat-hold-store';
import { SeatHoldStore } from '../../../src/application/sales/ports/seat-hold-store';
import { StoreUnavailableError } from '../../../src/application/shared/errors';
import { InMemorySeatHoldStore } from '../../../src/adapters/memory/in-memory-seat-hold.store';
import { ManualClock } from '../../../src/adapters/memory/manual-clock';
import { throttledWarning, WARNING_INTERVAL_MS } from '../../../src/adapters/telemetry/throttled-warning';
import { at, MINUTE, T0 } from '../../support/builders';
import { aSeatHoldStoreThatFails } from '../../support/seat-hold.mother';

const MESSAGE = 'seat hold store failed; MySQL alone decides';
const expiresAt = at(5 * MINUTE);

/** The decorator as bootstrap wires it: warnings throttled on a clock the test moves. */
function decorate(inner: SeatHoldStore) {
  const warnings: { fields: Record<string, unknown>; message: string }[] = [];
  const logger = { warn: (fields: Record<string, unknown>, message: string) => warnings.push({ fields, message }) };
  let nowMs = T0.getTime();
  const store = new BestEffortSeatHoldStore(
    inner,
    throttledWarning(logger as unknown as Pick<Logger, 'warn'>, MESSAGE, () => nowMs),
  );
  return { store, warnings, advance: (ms: number) => (nowMs += ms) };
}

describe('BestEffortSeatHoldStore', () => {
  it('passes a working store through: grants, conflicts and releases are its own', async () => {
    const { store, warnings } = decorate(new InMemorySeatHoldStore(new ManualClock(T0)));

    expect(await store.tryHold('p-1', ['A1', 'A2'], 'r-1', expiresAt)).toEqual({ granted: true });
    expect(await store.tryHold('p-1', ['A2', 'A3'], 'r-2', expiresAt)).toEqual({ granted: false, conflicts: ['A2'] });
    await store.release('p-1', ['A1', 'A2'], 'r-1');
    expect(await store.tryHold('p-1', ['A2', 'A3'], 'r-2', expiresAt)).toEqual({ granted: true });
    expect(warnings).toEqual([]);
  });

  it('skips every operation of an unavailable store: tryHold answers that the store holds nothing', async () => {
    const { store } = decorate(aSeatHoldStoreThatFails(() => new StoreUnavailableError('Redis')));

    expect(await store.tryHold('p-1', ['A1'], 'r-1', expiresAt)).toEqual({ granted: false, storeUnavailable: true });
    await expect(store.markSold('p-1', ['A1'], 'r-1')).resolves.toBeUndefined();
    await expect(store.release('p-1', ['A1'], 'r-1')).resolves.toBeUndefined();
    await expect(store.remember('p-1', new Map([['A1', 'r-1']]), null)).resolves.toBeUndefined();
  });

  it('warns once per 10 s window, with the number of failures it kept quiet since the last warning', async () => {
    const outage = new StoreUnavailableError('Redis', new Error('connect ECONNREFUSED'));
    const { store, warnings, advance } = decorate(aSeatHoldStoreThatFails(() => outage));

    await store.tryHold('p-1', ['A1'], 'r-1', expiresAt);
    await store.release('p-1', ['A1'], 'r-1');
    advance(WARNING_INTERVAL_MS - 1);
    await store.markSold('p-1', ['A1'], 'r-1');
    expect(warnings).toEqual([{ fields: { err: outage, failuresSinceLastWarning: 0 }, message: MESSAGE }]);

    advance(1);
    await store.remember('p-1', new Map([['A1', 'r-1']]), expiresAt);
    await store.tryHold('p-1', ['A1'], 'r-1', expiresAt);
    advance(WARNING_INTERVAL_MS);
    await store.tryHold('p-1', ['A1'], 'r-1', expiresAt);

    expect(warnings.map((warning) => warning.fields['failuresSinceLastWarning'])).toEqual([0, 2, 1]);
  });

  it('lets any other error through as itself, on every operation, and logs nothing', async () => {
    const bug = new Error('ERR Error running script: user_script:3: attempt to compare nil with number');
    const inner = aSeatHoldStoreThatFails(() => bug);
    const { store, warnings } = decorate(inner);

    await expect(store.tryHold('p-1', ['A1'], 'r-1', expiresAt)).rejects.toBe(bug);
    await expect(store.markSold('p-1', ['A1'], 'r-1')).rejects.toBe(bug);
    await expect(store.release('p-1', ['A1'], 'r-1')).rejects.toBe(bug);
    await expect(store.remember('p-1', new Map([['A1', 'r-1']]), null)).rejects.toBe(bug);
    expect(inner.calls()).toBe(4);
    expect(warnings).toEqual([]);
  });
});
