import { Knex } from 'knex';
import { MemberNotFoundError } from '../../domain/identity/member.errors';
import { ACTIVE_STATUSES, Reservation } from '../../domain/sales/reservation';
import {
  ConcurrentModificationError,
  MemberSeatLimitError,
  SeatsAlreadyClaimedError,
} from '../../domain/sales/reservation.errors';
import {
  ExpiredHold,
  MemberReservationPage,
  ReservationLimits,
  ReservationRepository,
} from '../../domain/sales/reservation.repository';
import type { OutboxTranslator } from '../../application/integrations/ports/outbox';
import { insertOutbox, outboxRows } from './outbox-rows';
import { isCheckViolation, isDuplicateKey, isMissingParent, mysqlCall, retryOnDeadlock } from './mysql-errors';
import { PaymentRow, ReservationRow, ReservationSeatRow, TicketRow } from './rows';
import { claimBatch } from './reservation-claim-batch';
import type { OutboxRow } from './outbox-rows';
import {
  paymentsToRows,
  reservationFromRows,
  reservationSeatsToRows,
  reservationToRow,
  ticketsToRows,
} from './reservation.mapper';

/** The unique index that allows one active claim per seat (see the reservations migration). */
const ACTIVE_SEAT_INDEX = 'reservation_seats_active_seat_unique';
/** The CHECK that keeps a member's count within the cap (see migration 006). */
const SEAT_LIMIT_CHECK = 'member_seat_counts_within_limit';
/** The foreign key from a reservation to its member (knex's default name). */
const MEMBER_FOREIGN_KEY = 'reservations_member_id_foreign';
/** A member's reservations, newest first; the id breaks ties within a millisecond. */
const NEWEST_FIRST = [
  { column: 'created_at', order: 'desc' },
  { column: 'id', order: 'desc' },
];

/**
 * The hot path of a sale, in plain knex and mysql2 rather than Objection, a measured choice:
 * the claim is one multi-statement batch on a raw connection (reservation-claim-batch.ts)
 * and every other call one short transaction of a few statements. The unique index on
 * active_seat_id, not any lock, decides who gets a seat.
 *
 * `claims` is the claim pool: the only connections that accept a multi-statement batch, and
 * only the claim is sent on them. Everything else goes through `knex`, which refuses one.
 *
 * `outbox`: every write also inserts the messages of the reservation's pending events into
 * the outbox table, in the same transaction (the claim: in the same batch).
 */
export class MysqlReservationRepository implements ReservationRepository {
  constructor(
    private readonly knex: Knex,
    private readonly claims: Knex,
    private readonly outbox?: OutboxTranslator,
  ) {}

  add(reservation: Reservation, limits: ReservationLimits): Promise<void> {
    const row = reservationToRow(reservation);
    // Seat-id order: two requests sharing seats then take their index locks in one order,
    // so they queue behind each other instead of deadlocking.
    const seats = reservationSeatsToRows(reservation).sort((a, b) => compare(a.seat_id, b.seat_id));
    const messages = outboxRows(this.outbox?.messagesFor(reservation.pendingEvents) ?? []);
    return mysqlCall(async () => {
      try {
        await retryOnDeadlock(() => this.insertClaim(row, seats, limits.maxSeatsPerMember, messages));
      } catch (error) {
        if (isMissingParent(error, MEMBER_FOREIGN_KEY)) throw new MemberNotFoundError(row.member_id);
        if (!isDuplicateKey(error, ACTIVE_SEAT_INDEX)) throw error;
        // Rolled back; now ask who holds the seats. The answer may be empty if the holder
        // let go meanwhile: the caller then simply tries again.
        throw await this.claimedBy(
          row.performance_id,
          seats.map((seat) => seat.seat_id),
        );
      }
    });
  }

  /**
   * The claim in one round trip (see reservation-claim-batch.ts): the unique index refuses a
   * taken seat and the count row's CHECK a count past the cap inside the batch, which then
   * stops before COMMIT; the transaction is rolled back on the same connection.
   */
  private async insertClaim(
    row: ReservationRow,
    seats: readonly ReservationSeatRow[],
    maxSeatsPerMember: number,
    outbox: readonly OutboxRow[],
  ) {
    const client = this.claims.client as PooledClient;
    const connection = await client.acquireConnection();
    try {
      await query(connection, claimBatch(row, seats, maxSeatsPerMember, outbox));
    } catch (error) {
      await query(connection, { sql: 'ROLLBACK', values: [] }).catch(() => {});
      if (!isCheckViolation(error, SEAT_LIMIT_CHECK)) throw error;
      const current = await this.knex('member_seat_counts')
        .first<{ seats: number } | undefined>('seats')
        .where({ member_id: row.member_id, performance_id: row.performance_id });
      throw new MemberSeatLimitError(row.performance_id, maxSeatsPerMember, Number(current?.seats ?? 0), seats.length);
    } finally {
      await client.releaseConnection(connection);
    }
  }

  save(reservation: Reservation): Promise<void> {
    const row = reservationToRow(reservation);
    const releasesSeats = !ACTIVE_STATUSES.includes(row.status);
    const payments = paymentsToRows(reservation);
    // What this save changes is in its events: only a confirmation issues tickets (written
    // with it, under its version check, so a confirmation that loses the race issues
    // nothing), and only a hold that ran out and was paid for claims its seats again. Any
    // other save (a checkout's extension, a failed payment) adds no statement for either.
    const changes = reservation.pendingEvents;
    const confirms = changes.some((event) => event.type === 'ReservationConfirmed');
    const reclaims = changes.some((event) => event.type === 'ReservationHeld' && 'reclaimed' in event);
    const tickets = confirms ? ticketsToRows(reservation) : [];
    const messages = this.outbox?.messagesFor(reservation.pendingEvents) ?? [];
    return mysqlCall(async () => {
      try {
        await retryOnDeadlock(() =>
          this.knex.transaction(async (trx) => {
            const updated = await trx('reservations')
              .where({ id: row.id, version: row.version })
              .update({
                status: row.status,
                expires_at: row.expires_at,
                confirmed_at: row.confirmed_at,
                cancelled_at: row.cancelled_at,
                version: trx.raw('version + 1'),
              });
            if (updated === 0) throw new ConcurrentModificationError(row.id);
            if (releasesSeats) {
              // Matched rows (mysql2 sets CLIENT_FOUND_ROWS): the seats this change really released.
              const released = await trx('reservation_seats')
                .where('reservation_id', row.id)
                .whereNotNull('active_seat_id')
                .update({ active_seat_id: null });
              await uncountSeats(trx, [
                { memberId: row.member_id, performanceId: row.performance_id, seats: released },
              ]);
            } else if (reclaims) {
              await reclaimSeats(trx, row);
            }
            if (payments.length > 0) {
              await trx('payments').insert(payments).onConflict('id').merge(['status', 'updated_at']);
            }
            if (tickets.length > 0) await trx('tickets').insert(tickets).onConflict('id').merge(['id']);
            await insertOutbox(trx, messages);
          }),
        );
      } catch (error) {
        if (!isDuplicateKey(error, ACTIVE_SEAT_INDEX)) throw error;
        // Rolled back: a hold that ran out wanted its seats back and another reservation has one.
        throw await this.claimedBy(row.performance_id, reservation.seatIds);
      }
    });
  }

  /** The refusal of a claim on `seatIds`, naming who holds each of them now. */
  private async claimedBy(performanceId: string, seatIds: readonly string[]): Promise<SeatsAlreadyClaimedError> {
    const holders = await this.knex('reservation_seats')
      .select<{ seat_id: string; reservation_id: string }[]>('seat_id', 'reservation_id')
      .whereIn('active_seat_id', seatIds);
    return new SeatsAlreadyClaimedError(
      performanceId,
      new Map(holders.map((holder) => [holder.seat_id, holder.reservation_id])),
    );
  }

  async findByProviderPaymentId(provider: string, providerPaymentId: string): Promise<Reservation | null> {
    const payment = await mysqlCall(() =>
      this.knex('payments')
        .first<{ reservation_id: string } | undefined>('reservation_id')
        .where({ provider, provider_payment_id: providerPaymentId }),
    );
    return payment ? this.findById(payment.reservation_id) : null;
  }

  async withRefundsDue(limit: number): Promise<Reservation[]> {
    const due = await mysqlCall(() =>
      this.knex('payments')
        .distinct<{ reservation_id: string }[]>('reservation_id')
        .where('status', 'REFUND_PENDING')
        .limit(limit),
    );
    return this.findByIds(due.map((payment) => payment.reservation_id));
  }

  async findById(id: string): Promise<Reservation | null> {
    const [reservation] = await this.findByIds([id]);
    return reservation ?? null;
  }

  /** Two queries whatever the number of ids; answers in the order of `ids`, skipping unknown ones. */
  findByIds(ids: readonly string[]): Promise<Reservation[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return mysqlCall(async () => {
      const rows = await this.knex('reservations')
        .select<ReservationRow[]>('*')
        .whereIn('id', [...new Set(ids)]);
      const byId = new Map((await this.withSeats(rows)).map((reservation) => [reservation.id, reservation]));
      return ids.flatMap((id) => {
        const reservation = byId.get(id);
        return reservation ? [reservation] : [];
      });
    });
  }

  /** The tickets' primary key, then the reservation as findById reads it. */
  findByTicketId(ticketId: string): Promise<Reservation | null> {
    return mysqlCall(async () => {
      const ticket = await this.knex('tickets')
        .first<{ reservation_id: string } | undefined>('reservation_id')
        .where('id', ticketId);
      return ticket ? this.findById(ticket.reservation_id) : null;
    });
  }

  /** Newest first. */
  listByMember(memberId: string): Promise<Reservation[]> {
    return mysqlCall(async () => {
      const rows = await this.knex('reservations')
        .select<ReservationRow[]>('*')
        .where('member_id', memberId)
        .orderBy(NEWEST_FIRST);
      return this.withSeats(rows);
    });
  }

  /** Two short queries on the member_id index: the page (LIMIT/OFFSET) and the count. */
  pageByMember(memberId: string, page: number, size: number): Promise<MemberReservationPage> {
    return mysqlCall(async () => {
      const [rows, counted] = await Promise.all([
        this.knex('reservations')
          .select<ReservationRow[]>('*')
          .where('member_id', memberId)
          .orderBy(NEWEST_FIRST)
          .limit(size)
          .offset((page - 1) * size),
        this.knex('reservations').where('member_id', memberId).count<{ total: number | string }[]>({ total: '*' }),
      ]);
      return { items: await this.withSeats(rows), total: Number(counted[0]?.total ?? 0) };
    });
  }

  /**
   * `Reservation.expire()` in bulk, restated in SQL: a PENDING hold is overdue once
   * `expires_at <= now` (`isOverdue`), and expiring it is what `save` does for EXPIRED.
   * SKIP LOCKED lets several sweepers share the backlog: each takes overdue rows nobody
   * else has locked, and a row another sweeper expired is no longer PENDING when read.
   * READ COMMITTED keeps InnoDB from gap-locking the index range, which would stall
   * concurrent inserts of new holds.
   */
  expireOverdue(now: Date, limit: number): Promise<ExpiredHold[]> {
    return mysqlCall(() =>
      retryOnDeadlock(() =>
        this.knex.transaction(
          async (trx): Promise<ExpiredHold[]> => {
            const due = await trx('reservations')
              .select<{ id: string; member_id: string; performance_id: string }[]>('id', 'member_id', 'performance_id')
              .where('status', 'PENDING')
              .andWhere('expires_at', '<=', now)
              .orderBy(['expires_at', 'id'])
              .limit(limit)
              .forUpdate()
              .skipLocked();
            if (due.length === 0) return [];
            const ids = due.map((reservation) => reservation.id);
            await trx('reservations')
              .whereIn('id', ids)
              .update({ status: 'EXPIRED', version: trx.raw('version + 1') });
            await trx('reservation_seats').whereIn('reservation_id', ids).update({ active_seat_id: null });
            const seats = await trx('reservation_seats')
              .select<{ reservation_id: string; seat_id: string }[]>('reservation_id', 'seat_id')
              .whereIn('reservation_id', ids)
              .orderBy(['reservation_id', 'position']);
            await uncountSeats(
              trx,
              due.map((reservation) => ({
                memberId: reservation.member_id,
                performanceId: reservation.performance_id,
                seats: seats.filter((seat) => seat.reservation_id === reservation.id).length,
              })),
            );
            const expired = due.map((reservation) => ({
              reservationId: reservation.id,
              performanceId: reservation.performance_id,
              seatIds: seats.filter((seat) => seat.reservation_id === reservation.id).map((seat) => seat.seat_id),
            }));
            if (this.outbox) {
              const events = expired.map((hold) => Reservation.expiredEvent(hold, now));
              await insertOutbox(trx, this.outbox.messagesFor(events));
            }
            return expired;
          },
          { isolationLevel: 'read committed' },
        ),
      ),
    );
  }

  /** Seats, payments and tickets (only when some reservation was ever confirmed) in parallel queries. */
  private async withSeats(rows: readonly ReservationRow[]): Promise<Reservation[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const confirmed = rows.filter((row) => row.confirmed_at !== null).map((row) => row.id);
    const [seats, payments, tickets] = await Promise.all([
      this.knex('reservation_seats').select<ReservationSeatRow[]>('*').whereIn('reservation_id', ids),
      this.knex('payments').select<PaymentRow[]>('*').whereIn('reservation_id', ids),
      confirmed.length === 0
        ? Promise.resolve([])
        : this.knex('tickets').select<TicketRow[]>('*').whereIn('reservation_id', confirmed),
    ]);
    const seatsByReservation = groupBy(seats, (seat) => seat.reservation_id);
    const paymentsByReservation = groupBy(payments, (payment) => payment.reservation_id);
    const ticketsByReservation = groupBy(tickets, (ticket) => ticket.reservation_id);
    return rows.map((row) =>
      reservationFromRows(row, seatsByReservation.get(row.id) ?? [], {
        payments: paymentsByReservation.get(row.id) ?? [],
        tickets: ticketsByReservation.get(row.id) ?? [],
      }),
    );
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item)) ?? [];
    group.push(item);
    groups.set(key(item), group);
  }
  return groups;
}

/**
 * An active reservation owns its seats. One that had let them go (a hold that ran out, paid
 * for late) claims them again here: the unique index refuses a seat another reservation
 * claimed meanwhile, which rolls the whole save back. The seats count again against the
 * member's cap, which is raised to fit if it must: they were within it when first held, and
 * they are paid for. For every other save nothing matches, at the cost of one index lookup.
 */
async function reclaimSeats(trx: Knex.Transaction, row: ReservationRow): Promise<void> {
  const reclaimed = await trx('reservation_seats')
    .where('reservation_id', row.id)
    .whereNull('active_seat_id')
    .update({ active_seat_id: trx.ref('seat_id') });
  if (reclaimed === 0) return;
  await trx.raw(
    'INSERT INTO member_seat_counts (member_id, performance_id, seats) VALUES (?, ?, ?) ' +
      'ON DUPLICATE KEY UPDATE seat_limit = GREATEST(seat_limit, seats + VALUES(seats)), seats = seats + VALUES(seats)',
    [row.member_id, row.performance_id, reclaimed],
  );
}

/** What this repository uses of the claim pool's knex client: its pool, whose waits are traced. */
interface PooledClient {
  acquireConnection(): Promise<RawConnection>;
  releaseConnection(connection: RawConnection): Promise<void>;
}

interface RawConnection {
  query(sql: string, values: unknown[], callback: (error: Error | null, results: unknown) => void): void;
}

function query(connection: RawConnection, statement: { sql: string; values: unknown[] }): Promise<unknown[]> {
  return new Promise((resolve, reject) =>
    connection.query(statement.sql, statement.values, (error, results) =>
      error ? reject(error) : resolve(results as unknown[]),
    ),
  );
}

interface Released {
  readonly memberId: string;
  readonly performanceId: string;
  readonly seats: number;
}

/**
 * Gives released seats back to their members' caps, in key order so that two sweepers
 * never wait on each other's rows in a cycle. Never below zero: a hold recorded by an older
 * release during a rolling deploy was never counted.
 */
async function uncountSeats(trx: Knex.Transaction, released: readonly Released[]): Promise<void> {
  const totals = new Map<string, Released>();
  for (const entry of released) {
    if (entry.seats === 0) continue;
    const key = `${entry.memberId}/${entry.performanceId}`;
    const seats = (totals.get(key)?.seats ?? 0) + entry.seats;
    totals.set(key, { ...entry, seats });
  }
  for (const key of [...totals.keys()].sort(compare)) {
    const { memberId, performanceId, seats } = totals.get(key)!;
    await trx('member_seat_counts')
      .where({ member_id: memberId, performance_id: performanceId })
      .update({ seats: trx.raw('GREATEST(seats, ?) - ?', [seats, seats]) });
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
