import type { RowDataPacket } from 'mysql2/promise';
import { connect } from './database';

export interface AuditExpectations {
  /** 201 answers to POST /reservations the load generator received. */
  readonly created: number;
  /** Seats in those 201 answers. */
  readonly seatsCreated: number;
  /** Reservations whose confirm answered 200: each must be CONFIRMED in MySQL. */
  readonly confirmedIds?: readonly string[];
  /** A sale the generator saw sell out: MySQL must agree that every one of its seats is taken. */
  readonly soldOut?: { readonly performanceId: string; readonly seats: number };
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
 * What must hold after any run, read from MySQL (the source of truth), whatever the speed:
 * no seat in two active reservations (judged by status, not by the constraint column the
 * service maintains), one row per 201, and every acknowledged confirmation durable.
 */
export async function audit(database: string, expected: AuditExpectations): Promise<AuditResult> {
  const connection = await connect(database);
  try {
    const rows = async <T>(sql: string, values: unknown[] = []) =>
      (await connection.query<RowDataPacket[]>(sql, values))[0] as T[];
    const checks: AuditCheck[] = [];
    const check = (name: string, passed: boolean, detail: string) => checks.push({ name, passed, detail });

    const doubles = await rows<{ seat_id: string; claims: number }>(
      `SELECT rs.seat_id, COUNT(*) AS claims FROM reservation_seats rs JOIN reservations r ON r.id = rs.reservation_id
       WHERE r.status IN ('PENDING', 'CONFIRMED') GROUP BY rs.seat_id HAVING COUNT(*) > 1`,
    );
    check(
      'no seat in two active reservations',
      doubles.length === 0,
      `${doubles.length} seats with more than one PENDING/CONFIRMED reservation`,
    );

    const [counts] = await rows<{ reservations: number; seats: number }>(
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

    const [mismatch] = await rows<{ n: number }>(
      `SELECT COUNT(*) AS n FROM reservation_seats rs JOIN reservations r ON r.id = rs.reservation_id
       WHERE (r.status IN ('PENDING', 'CONFIRMED')) <> (rs.active_seat_id IS NOT NULL)`,
    );
    check(
      'constraint column agrees with status',
      Number(mismatch!.n) === 0,
      `${mismatch!.n} seat rows whose active_seat_id contradicts the status`,
    );

    const confirmedIds = expected.confirmedIds ?? [];
    if (confirmedIds.length > 0) {
      const found = await rows<{ id: string }>(`SELECT id FROM reservations WHERE status = 'CONFIRMED' AND id IN (?)`, [
        confirmedIds,
      ]);
      check(
        'every acknowledged confirmation is CONFIRMED',
        found.length === confirmedIds.length,
        `${confirmedIds.length} confirms answered 200, ${found.length} CONFIRMED rows among them`,
      );
    }
    if (expected.soldOut) {
      const [taken] = await rows<{ n: number }>(
        `SELECT COUNT(DISTINCT rs.seat_id) AS n FROM reservation_seats rs JOIN reservations r ON r.id = rs.reservation_id
         WHERE r.performance_id = ? AND r.status IN ('PENDING', 'CONFIRMED')`,
        [expected.soldOut.performanceId],
      );
      check(
        'sold out in MySQL too',
        Number(taken!.n) === expected.soldOut.seats,
        `${taken!.n} of ${expected.soldOut.seats} seats taken`,
      );
    }
    return { passed: checks.every((item) => item.passed), checks };
  } finally {
    await connection.end();
  }
}

export function formatAudit(result: AuditResult): string {
  return result.checks.map((item) => `${item.passed ? 'PASS' : 'FAIL'}  ${item.name}: ${item.detail}`).join('\n');
}
