import { StoreUnavailableError } from '../../application/shared/errors';

/** The fields mysql2 and Node's net module put on their errors. */
interface DriverError {
  readonly code?: string;
  readonly errno?: number;
  readonly fatal?: boolean;
  readonly name?: string;
  readonly sqlMessage?: string;
  readonly errors?: readonly unknown[];
  /** Objection wraps driver errors (db-errors) and keeps the original here. */
  readonly nativeError?: unknown;
}

/** Codes that mean "the server cannot be talked to right now", not "this statement is wrong". */
const CONNECTION_FAILURE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
]);

export const ER_DUP_ENTRY = 1062;
export const ER_NO_REFERENCED_ROW_2 = 1452;
export const ER_LOCK_DEADLOCK = 1213;

function asDriverError(error: unknown): DriverError {
  if (typeof error !== 'object' || error === null) return {};
  const driverError = error as DriverError;
  return driverError.nativeError !== undefined ? asDriverError(driverError.nativeError) : driverError;
}

export function isConnectionFailure(error: unknown): boolean {
  const driverError = asDriverError(error);
  // Knex's pool gave up waiting for a connection (database down, or saturated).
  if (driverError.name === 'KnexTimeoutError') return true;
  if (driverError.code !== undefined && CONNECTION_FAILURE_CODES.has(driverError.code)) return true;
  // mysql2 marks errors after which the connection is unusable as fatal.
  if (driverError.fatal === true) return true;
  // Node's happy-eyeballs connect reports one failure per address tried.
  return Array.isArray(driverError.errors) && driverError.errors.some(isConnectionFailure);
}

/** A duplicate-key error, optionally on one named unique index. */
export function isDuplicateKey(error: unknown, indexName?: string): boolean {
  const driverError = asDriverError(error);
  if (driverError.errno !== ER_DUP_ENTRY) return false;
  return indexName === undefined || (driverError.sqlMessage ?? '').includes(`'${indexName}'`);
}

/** A foreign key refused a row whose parent does not exist, optionally on one named constraint. */
export function isMissingParent(error: unknown, constraintName?: string): boolean {
  const driverError = asDriverError(error);
  if (driverError.errno !== ER_NO_REFERENCED_ROW_2) return false;
  return constraintName === undefined || (driverError.sqlMessage ?? '').includes(`\`${constraintName}\``);
}

/** A CHECK constraint refused a row: MariaDB's ER_CONSTRAINT_FAILED (4025), MySQL's 3819. */
export function isCheckViolation(error: unknown, constraintName?: string): boolean {
  const { errno, message } = error as { errno?: unknown; message?: unknown };
  if (errno !== 4025 && errno !== 3819) return false;
  return constraintName === undefined || (typeof message === 'string' && message.includes(constraintName));
}

export function isDeadlock(error: unknown): boolean {
  return asDriverError(error).errno === ER_LOCK_DEADLOCK;
}

/**
 * Runs one repository operation, turning connection-level failures into
 * StoreUnavailableError (the HTTP layer answers 503); every other error passes unchanged.
 */
export async function mysqlCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isConnectionFailure(error)) throw new StoreUnavailableError('MySQL', error);
    throw error;
  }
}

/**
 * Runs a write transaction again when InnoDB picked it as a deadlock victim (it was rolled
 * back whole, so repeating it is safe). Racing inserts on one unique key deadlock now and
 * then by design: when the first inserter rolls back, the waiters all upgrade their locks.
 */
export async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isDeadlock(error) || attempt >= attempts) throw error;
    }
  }
}
