import type { ReservationRow, ReservationSeatRow } from './rows';
import { OUTBOX_COLUMNS, type OutboxRow } from './outbox-rows';

/*
 * The reservation claim, the one write of every successful hold, as one multi-statement
 * batch: BEGIN; the reservation; its seats; the member's seat count; COMMIT.
 *
 * Why one round trip: a hold waits for MySQL once per round trip, and holds a pooled
 * connection all the while, so on the hot path round trips are what cost throughput. As a
 * knex transaction the claim took six (BEGIN, two inserts, the count's upsert and update,
 * COMMIT); one batch then COMMIT or ROLLBACK took two, at 1,052 reservations/s; this batch,
 * with the per-member cap checked inside it by the count row's CHECK constraint (migration
 * 006) instead of by a read, takes one: 1,653 reservations/s on the same machine
 * (perf/RESULTS.md). A failing statement (the active-seat unique index, the cap's CHECK)
 * stops the batch before COMMIT; the caller then rolls back on the same connection.
 *
 * A batch needs a connection opened with `multipleStatements`, which only the claim pool
 * has (knex-client.ts): everywhere else a stacked statement is refused. Values are always
 * bound by the driver, never spliced into the SQL.
 */

const RESERVATION_COLUMNS = [
  'id',
  'member_id',
  'performance_id',
  'status',
  'total_price',
  'currency',
  'created_at',
  'expires_at',
  'confirmed_at',
  'cancelled_at',
  'version',
] as const satisfies readonly (keyof ReservationRow)[];
const SEAT_COLUMNS = [
  'reservation_id',
  'seat_id',
  'performance_id',
  'label',
  'grade',
  'price',
  'active_seat_id',
  'position',
] as const satisfies readonly (keyof ReservationSeatRow)[];
const placeholders = (count: number) => `(${new Array(count).fill('?').join(', ')})`;

/**
 * BEGIN; the reservation; its seats; the member's count + n, within the limit; [its outbox
 * messages]; COMMIT. The count row's exclusive lock (taken by the upsert) queues a member's
 * concurrent holds for one performance.
 */
export function claimBatch(
  row: ReservationRow,
  seats: readonly ReservationSeatRow[],
  maxSeatsPerMember: number,
  outbox: readonly OutboxRow[] = [],
): { sql: string; values: unknown[] } {
  const seatRow = placeholders(SEAT_COLUMNS.length);
  // Outbox: the hold's reservation.held message rides in the same batch (still one round
  // trip, committed or rolled back with the claim); see outbox-rows.ts.
  const outboxRow = placeholders(OUTBOX_COLUMNS.length);
  const outboxInsert =
    outbox.length > 0
      ? [`INSERT INTO outbox (${OUTBOX_COLUMNS.join(', ')}) VALUES ${outbox.map(() => outboxRow).join(', ')}`]
      : [];
  return {
    sql: [
      'BEGIN',
      `INSERT INTO reservations (${RESERVATION_COLUMNS.join(', ')}) VALUES ${placeholders(RESERVATION_COLUMNS.length)}`,
      `INSERT INTO reservation_seats (${SEAT_COLUMNS.join(', ')}) VALUES ${seats.map(() => seatRow).join(', ')}`,
      'INSERT INTO member_seat_counts (member_id, performance_id, seats, seat_limit) VALUES (?, ?, ?, ?) ' +
        'ON DUPLICATE KEY UPDATE seats = seats + VALUES(seats), seat_limit = VALUES(seat_limit)',
      ...outboxInsert,
      'COMMIT',
    ].join(';\n'),
    values: [
      ...RESERVATION_COLUMNS.map((column) => row[column]),
      ...seats.flatMap((seat) => SEAT_COLUMNS.map((column) => seat[column])),
      row.member_id,
      row.performance_id,
      seats.length,
      maxSeatsPerMember,
      ...outbox.flatMap((message) => OUTBOX_COLUMNS.map((column) => message[column])),
    ],
  };
}
