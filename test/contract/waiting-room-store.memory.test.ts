import { InMemoryWaitingRoomStore } from '../../src/adapters/memory/in-memory-waiting-room.store';
import { describeWaitingRoomStoreContract } from './waiting-room-store.contract';

describeWaitingRoomStoreContract('InMemoryWaitingRoomStore', () => new InMemoryWaitingRoomStore());
