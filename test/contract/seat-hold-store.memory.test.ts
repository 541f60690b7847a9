import { InMemorySeatHoldStore } from '../../src/adapters/memory/in-memory-seat-hold.store';
import { ManualClock } from '../../src/adapters/memory/manual-clock';
import { describeSeatHoldStoreContract } from './seat-hold-store.contract';

describeSeatHoldStoreContract('InMemorySeatHoldStore', () => {
  const clock = new ManualClock();
  return {
    store: new InMemorySeatHoldStore(clock),
    now: () => clock.now(),
    async waitForHoldsToEnd(_performanceId, _seatIds, expiresAt) {
      if (expiresAt > clock.now()) clock.set(expiresAt);
    },
  };
});
