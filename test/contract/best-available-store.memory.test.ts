import { InMemoryBestAvailableStore } from '../../src/adapters/memory/in-memory-best-available.store';
import { InMemorySeatHoldStore } from '../../src/adapters/memory/in-memory-seat-hold.store';
import { ManualClock } from '../../src/adapters/memory/manual-clock';
import { describeBestAvailableStoreContract } from './best-available-store.contract';

describeBestAvailableStoreContract('InMemoryBestAvailableStore', () => {
  const clock = new ManualClock();
  const holds = new InMemorySeatHoldStore(clock);
  return {
    store: new InMemoryBestAvailableStore(holds),
    holds,
    now: () => clock.now(),
    async waitForHoldsToEnd(_performanceId, _seatIds, expiresAt) {
      if (expiresAt > clock.now()) clock.set(expiresAt);
    },
  };
});
