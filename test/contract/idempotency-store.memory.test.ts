import { InMemoryIdempotencyStore } from '../../src/adapters/memory/in-memory-idempotency.store';
import { idempotencyStoreContract } from './idempotency-store.contract';

idempotencyStoreContract(() => new InMemoryIdempotencyStore());
