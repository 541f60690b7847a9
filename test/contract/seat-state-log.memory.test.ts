import { InMemorySeatStateLog } from '../../src/adapters/memory/in-memory-seat-state.log';
import { seatStateLogContract } from './seat-state-log.contract';

seatStateLogContract('InMemorySeatStateLog', () => {
  const log = new InMemorySeatStateLog(20);
  return { log, retainedChanges: 20, forget: async () => log.forgetAll() };
});
