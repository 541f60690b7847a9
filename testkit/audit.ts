import type { Knex } from 'knex';
import type { Connection, RowDataPacket } from 'mysql2/promise';

/**
 * What must hold in MySQL, the source of truth, after any race, outage or load run, read
 * with plain SQL so that tests on a knex pool and load runs on a mysql2 connection judge
 * by the same statements. Active claims are judged by reservation status, never by the
 * constraint column the service maintains, so a bug in that column cannot hide itself.
 */
export type Sql = <T>(statement: string, values?: readonly unknown[]) => Promise<T[]>;

export const sqlOverKnex =
  (knex: Knex): Sql =>
  async <T>(statement: string, values: readonly unknown[] = []) =>
    (await knex.raw(statement, values as Knex.RawBinding[]))[0] as T[];

export const sqlOverConnection =
  (connection: Connection): Sql =>
  async <T>(statement: string, values: readonly unknown[] = []) =>
    (await connection.query<RowDataPacket[]>(statement, [...values]))[0] as T[];

const ACTIVE = `r.status IN ('PENDING', 'CONFIRMED')`;

/** Seats in more than one PENDING or CONFIRMED reservation (of one performance, or of all). */
export async function doubleSoldSeats(sql: Sql, performanceId?: string): Promise<string[]> {
  const rows = await sql<{ seat_id: string }>(
    `SELECT rs.seat_id FROM reservation_seats rs JOIN reservations r ON r.id = rs.reservation_id
     WHERE ${ACTIVE} ${performanceId === undefined ? '' : 'AND r.performance_id = ?'}
     GROUP BY rs.seat_id HAVING COUNT(*) > 1`,
    performanceId === undefined ? [] : [performanceId],
  );
  return rows.map((row) => row.seat_id);
}

/** The status MySQL has for each of `reservationIds` that it has at all. */
export async function reservationStatuses(sql: Sql, reservationIds: readonly string[]): Promise<Map<string, string>> {
  if (reservationIds.length === 0) return new Map();
  const rows = await sql<{ id: string; status: string }>('SELECT id, status FROM reservations WHERE id IN (?)', [
    reservationIds,
  ]);
  return new Map(rows.map((row) => [row.id, row.status]));
}

/**
 * What must hold of tickets and check-ins, each as a list of offending ids (empty: holds):
 * - a ticket belongs to a reservation that was confirmed (CONFIRMED, or CANCELLED after its
 *   confirmation, whose tickets are void), and names one of its seats;
 * - a CONFIRMED reservation has exactly one ticket per seat, and no seat has two valid tickets;
 * - a ticket is checked in at most once, and only a ticket of a confirmed reservation at all.
 * Whether a check-in came before a cancel is decided under a lock the final state does not
 * keep; the check-in race tests judge that one by the answers.
 */
export async function ticketViolations(sql: Sql): Promise<Record<string, string[]>> {
  const ids = async (statement: string) => (await sql<{ id: string }>(statement)).map((row) => row.id);
  return {
    'no ticket without a confirmed reservation': await ids(
      `SELECT t.id FROM tickets t
       LEFT JOIN reservations r ON r.id = t.reservation_id
       LEFT JOIN reservation_seats rs ON rs.reservation_id = t.reservation_id AND rs.seat_id = t.seat_id
       WHERE r.id IS NULL OR rs.seat_id IS NULL OR r.confirmed_at IS NULL
          OR r.status NOT IN ('CONFIRMED', 'CANCELLED') OR t.performance_id <> r.performance_id`,
    ),
    'one ticket per seat of a confirmed reservation': await ids(
      `SELECT r.id FROM reservations r
       JOIN reservation_seats rs ON rs.reservation_id = r.id
       LEFT JOIN tickets t ON t.reservation_id = r.id AND t.seat_id = rs.seat_id
       WHERE r.status = 'CONFIRMED'
       GROUP BY r.id HAVING COUNT(t.id) <> COUNT(*) OR COUNT(DISTINCT t.id) <> COUNT(*)`,
    ),
    'no seat with two valid tickets': await ids(
      `SELECT t.seat_id AS id FROM tickets t JOIN reservations r ON r.id = t.reservation_id
       WHERE r.status = 'CONFIRMED' GROUP BY t.performance_id, t.seat_id HAVING COUNT(*) > 1`,
    ),
    'no ticket checked in twice': await ids(
      `SELECT ticket_id AS id FROM check_ins GROUP BY ticket_id HAVING COUNT(*) > 1`,
    ),
    'no check-in of a ticket never valid': await ids(
      `SELECT c.ticket_id AS id FROM check_ins c
       LEFT JOIN tickets t ON t.id = c.ticket_id
       LEFT JOIN reservations r ON r.id = t.reservation_id
       WHERE t.id IS NULL OR r.confirmed_at IS NULL OR r.status NOT IN ('CONFIRMED', 'CANCELLED')
          OR c.reservation_id <> t.reservation_id OR c.checked_in_at < r.confirmed_at`,
    ),
  };
}

export interface AuditExpectations {
  /** 201 answers to POST /reservations the load generator received. */
  readonly created: number;
  /** Seats in those 201 answers. */
  readonly seatsCreated: number;
  /** Reservations whose confirm answered 200: each must be CONFIRMED in MySQL. */
  readonly confirmedIds?: readonly string[];
  /** A sale the generator saw sell out: MySQL must agree that every one of its seats is taken. */
  readonly soldOut?: { readonly performanceId: string; readonly seats: number };
  /** The run took payments: audit them too (auditPayments). */
  readonly payments?: PaymentExpectations;
}

export interface PaymentExpectations {
  /** A provider was configured: a reservation is CONFIRMED only by a succeeded payment. */
  readonly providerConfigured: boolean;
  /** The provider was reachable at the end: no refund may be left due. */
  readonly refundsSettled?: boolean;
}

export interface AuditCheck {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

export interface AuditResult {
  readonly passed: boolean;
  readonly checks: readonly AuditCheck[];
}

/**
 * A whole database after a run, against what the clients were told: no seat in two active
 * reservations, one row per 201, the constraint column agreeing with the statuses, and every
 * acknowledged confirmation durable.
 */
export async function auditSales(sql: Sql, expected: AuditExpectations): Promise<AuditResult> {
  const checks: AuditCheck[] = [];
  const check = (name: string, passed: boolean, detail: string) => checks.push({ name, passed, detail });

  const doubles = await doubleSoldSeats(sql);
  check(
    'no seat in two active reservations',
    doubles.length === 0,
    `${doubles.length} seats with more than one PENDING/CONFIRMED reservation`,
  );

  const [counts] = await sql<{ reservations: number; seats: number }>(
    'SELECT (SELECT COUNT(*) FROM reservations) AS reservations, (SELECT COUNT(*) FROM reservation_seats) AS seats',
  );
  const reservations = Number(counts!.reservations);
  const seatRows = Number(counts!.seats);
  check(
    'one reservation row per 201',
    reservations === expected.created,
    `${expected.created} × 201, ${reservations} reservation rows`,
  );
  check(
    'one seat row per seat in a 201',
    seatRows === expected.seatsCreated,
    `${expected.seatsCreated} seats in 201s, ${seatRows} reservation_seats rows`,
  );

  const [mismatch] = await sql<{ n: number }>(
    `SELECT COUNT(*) AS n FROM reservation_seats rs JOIN reservations r ON r.id = rs.reservation_id
     WHERE (${ACTIVE}) <> (rs.active_seat_id IS NOT NULL)`,
  );
  check(
    'constraint column agrees with status',
    Number(mismatch!.n) === 0,
    `${mismatch!.n} seat rows whose active_seat_id contradicts the status`,
  );

  const confirmedIds = expected.confirmedIds ?? [];
  if (confirmedIds.length > 0) {
    const statuses = await reservationStatuses(sql, confirmedIds);
    const found = confirmedIds.filter((id) => statuses.get(id) === 'CONFIRMED').length;
    check(
      'every acknowledged confirmation is CONFIRMED',
      found === confirmedIds.length,
      `${confirmedIds.length} confirms answered 200, ${found} CONFIRMED rows among them`,
    );
  }
  if (expected.soldOut) {
    const [taken] = await sql<{ n: number }>(
      `SELECT COUNT(DISTINCT rs.seat_id) AS n FROM reservation_seats rs JOIN reservations r ON r.id = rs.reservation_id
       WHERE r.performance_id = ? AND ${ACTIVE}`,
      [expected.soldOut.performanceId],
    );
    check(
      'sold out in MySQL too',
      Number(taken!.n) === expected.soldOut.seats,
      `${taken!.n} of ${expected.soldOut.seats} seats taken`,
    );
  }
  for (const [name, offenders] of Object.entries(await ticketViolations(sql))) {
    check(
      name,
      offenders.length === 0,
      offenders.length === 0 ? 'none' : `${offenders.length}: ${offenders.slice(0, 5).join(', ')}`,
    );
  }
  if (expected.payments) checks.push(...(await paymentChecks(sql, expected.payments)));
  return { passed: checks.every((item) => item.passed), checks };
}

/**
 * Payments against reservations: every payment that took money is either the confirmation of
 * its reservation (SUCCEEDED, the reservation CONFIRMED, one per reservation) or a refund
 * (REFUND_PENDING, REFUNDED); under a provider, nothing is CONFIRMED without a succeeded payment.
 */
export async function auditPayments(sql: Sql, expected: PaymentExpectations): Promise<AuditResult> {
  const checks = await paymentChecks(sql, expected);
  return { passed: checks.every((item) => item.passed), checks };
}

async function paymentChecks(sql: Sql, expected: PaymentExpectations): Promise<AuditCheck[]> {
  const checks: AuditCheck[] = [];
  const check = (name: string, passed: boolean, detail: string) => checks.push({ name, passed, detail });
  const [kept] = await sql<{ n: number }>(
    `SELECT COUNT(*) AS n FROM payments p JOIN reservations r ON r.id = p.reservation_id
     WHERE p.status = 'SUCCEEDED' AND r.status <> 'CONFIRMED'`,
  );
  check(
    'every succeeded payment is a confirmation or a refund',
    Number(kept!.n) === 0,
    `${kept!.n} SUCCEEDED payments kept by a reservation that is not CONFIRMED`,
  );
  const [twice] = await sql<{ n: number }>(
    `SELECT COUNT(*) AS n FROM (SELECT reservation_id FROM payments WHERE status = 'SUCCEEDED'
     GROUP BY reservation_id HAVING COUNT(*) > 1) paid_twice`,
  );
  check('no reservation kept two payments', Number(twice!.n) === 0, `${twice!.n} reservations kept two or more`);
  if (expected.providerConfigured) {
    const [unpaid] = await sql<{ n: number }>(
      `SELECT COUNT(*) AS n FROM reservations r WHERE r.status = 'CONFIRMED' AND NOT EXISTS
       (SELECT 1 FROM payments p WHERE p.reservation_id = r.id AND p.status = 'SUCCEEDED')`,
    );
    check(
      'no CONFIRMED reservation without a succeeded payment',
      Number(unpaid!.n) === 0,
      `${unpaid!.n} CONFIRMED reservations without one`,
    );
  }
  if (expected.refundsSettled) {
    const [due] = await sql<{ n: number }>(`SELECT COUNT(*) AS n FROM payments WHERE status = 'REFUND_PENDING'`);
    check('every refund decided is done', Number(due!.n) === 0, `${due!.n} payments still REFUND_PENDING`);
  }
  return checks;
}

export function formatAudit(result: AuditResult): string {
  return result.checks.map((item) => `${item.passed ? 'PASS' : 'FAIL'}  ${item.name}: ${item.detail}`).join('\n');
}
