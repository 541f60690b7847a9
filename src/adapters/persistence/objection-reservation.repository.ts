import { Knex } from 'knex';
import { ACTIVE_STATUSES, Reservation } from '../../domain/reservation/reservation';
import { ConcurrentModificationError, SeatsAlreadyClaimedError } from '../../domain/reservation/reservation.errors';
import { ExpiredHold, ReservationRepository } from '../../domain/reservation/reservation.repository';
import { isDuplicateKey, mysqlCall, retryOnDeadlock } from './mysql-errors';
import { ReservationRow, ReservationSeatRow } from './objection-models';
import { reservationFromRows, reservationSeatsToRows, reservationToRow } from './reservation.mapper';

/** The unique index that allows one active claim per seat (see the reservations migration). */
const ACTIVE_SEAT_INDEX = 'reservation_seats_active_seat_unique';

/**
 * The hot path of a sale, in plain knex: each call is one short transaction of a few
 * statements, and the unique index on active_seat_id, not any lock, decides who gets a seat.
 */
export class ObjectionReservationRepository implements ReservationRepository {
  constructor(private readonly knex: Knex) {}

  add(reservation: Reservation): Promise<void> {
    const row = reservationToRow(reservation);
    // Seat-id order: two requests sharing seats then take their index locks in one order,
    // so they queue behind each other instead of deadlocking.
    const seats = reservationSeatsToRows(reservation).sort((a, b) => compare(a.seat_id, b.seat_id));
    return mysqlCall(async () => {
      try {
        await retryOnDeadlock(() =>
          this.knex.transaction(async (trx) => {
            await trx('reservations').insert(row);
            await trx('reservation_seats').insert(seats);
          }),
        );
      } catch (error) {
        if (!isDuplicateKey(error, ACTIVE_SEAT_INDEX)) throw error;
        // Rolled back; now ask who holds the seats. The answer may be empty if the holder
        // let go meanwhile: the caller then simply tries again.
        const holders = await this.knex('reservation_seats')
          .select<{ seat_id: string; reservation_id: string }[]>('seat_id', 'reservation_id')
          .whereIn(
            'active_seat_id',
            seats.map((seat) => seat.seat_id),
          );
        throw new SeatsAlreadyClaimedError(
          row.performance_id,
          new Map(holders.map((holder) => [holder.seat_id, holder.reservation_id])),
        );
      }
    });
  }

  save(reservation: Reservation): Promise<void> {
    const row = reservationToRow(reservation);
    const releasesSeats = !ACTIVE_STATUSES.includes(row.status);
    return mysqlCall(() =>
      retryOnDeadlock(() =>
        this.knex.transaction(async (trx) => {
          const updated = await trx('reservations')
            .where({ id: row.id, version: row.version })
            .update({
              status: row.status,
              confirmed_at: row.confirmed_at,
              cancelled_at: row.cancelled_at,
              version: trx.raw('version + 1'),
            });
          if (updated === 0) throw new ConcurrentModificationError(row.id);
          if (releasesSeats) {
            await trx('reservation_seats').where('reservation_id', row.id).update({ active_seat_id: null });
          }
        }),
      ),
    );
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

  /** Newest first. */
  listByMember(memberId: string): Promise<Reservation[]> {
    return mysqlCall(async () => {
      const rows = await this.knex('reservations')
        .select<ReservationRow[]>('*')
        .where('member_id', memberId)
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ]);
      return this.withSeats(rows);
    });
  }

  /**
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
              .select<{ id: string; performance_id: string }[]>('id', 'performance_id')
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
            return due.map((reservation) => ({
              reservationId: reservation.id,
              performanceId: reservation.performance_id,
              seatIds: seats.filter((seat) => seat.reservation_id === reservation.id).map((seat) => seat.seat_id),
            }));
          },
          { isolationLevel: 'read committed' },
        ),
      ),
    );
  }

  private async withSeats(rows: readonly ReservationRow[]): Promise<Reservation[]> {
    if (rows.length === 0) return [];
    const seats = await this.knex('reservation_seats')
      .select<ReservationSeatRow[]>('*')
      .whereIn(
        'reservation_id',
        rows.map((row) => row.id),
      );
    const seatsByReservation = new Map<string, ReservationSeatRow[]>();
    for (const seat of seats) {
      const list = seatsByReservation.get(seat.reservation_id) ?? [];
      list.push(seat);
      seatsByReservation.set(seat.reservation_id, list);
    }
    return rows.map((row) => reservationFromRows(row, seatsByReservation.get(row.id) ?? []));
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
