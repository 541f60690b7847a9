import { MysqlIdempotencyStore } from '../../src/adapters/http/idempotency/mysql-idempotency.store';
import { useTestDatabase } from '../support/mysql';
import { idempotencyStoreContract } from './idempotency-store.contract';

const knex = useTestDatabase();

idempotencyStoreContract(() => new MysqlIdempotencyStore(knex()));
