import { InMemoryIdempotencyStore } from '../../src/adapters/http/idempotency/in-memory-idempotency.store';
import { idempotencyStoreContract } from './idempotency-store.contract';

idempotencyStoreContract(() => new InMemoryIdempotencyStore());
