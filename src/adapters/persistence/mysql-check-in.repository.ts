import type { Knex } from 'knex';
import type { OutboxTranslator } from '../../application/integrations/ports/outbox';
import type { CheckIn, CheckInSnapshot } from '../../domain/sales/check-in';
import type { CheckInRepository } from '../../domain/sales/check-in.repository';
import { AlreadyCheckedInError, TicketVoidError } from '../../domain/sales/ticket.errors';
import { isDuplicateKey, mysqlCall, retryOnDeadlock } from './mysql-errors';
import { insertOutbox } from './outbox-rows';
import type { CheckInRow } from './rows';

/** check_ins' primary key is its ticket id (migration 011). */
const ONE_CHECK_IN_PER_TICKET = 'PRIMARY';

/**
 * One short transaction per scan. The primary key on ticket_id, not a read before the write,
 * decides which of several gates scanning one code at once lets it in. The reservation's row
 * is read under a shared lock: a cancel (an update of that row) waits for a check-in in
 * flight, and a check-in after a committed cancel reads CANCELLED, so no check-in is ever
 * written for a reservation already cancelled.
 */
export class MysqlCheckInRepository implements CheckInRepository {
  constructor(
    private readonly knex: Knex,
    private readonly outbox?: OutboxTranslator,
  ) {}

  add(checkIn: CheckIn): Promise<void> {
    const snapshot = checkIn.toSnapshot();
    const row: CheckInRow = {
      ticket_id: snapshot.ticketId,
      reservation_id: snapshot.reservationId,
      performance_id: snapshot.performanceId,
      staff_member_id: snapshot.staffMemberId,
      checked_in_at: snapshot.checkedInAt,
    };
    const messages = this.outbox?.messagesFor(checkIn.pendingEvents) ?? [];
    return mysqlCall(async () => {
      try {
        await retryOnDeadlock(() =>
          this.knex.transaction(async (trx) => {
            const reservation = await trx('reservations')
              .first<{ status: string } | undefined>('status')
              .where('id', snapshot.reservationId)
              .forShare();
            if (reservation?.status !== 'CONFIRMED') throw new TicketVoidError(snapshot.ticketId);
            await trx('check_ins').insert(row);
            await insertOutbox(trx, messages);
          }),
        );
      } catch (error) {
        if (!isDuplicateKey(error, ONE_CHECK_IN_PER_TICKET)) throw error;
        // Check-ins are never deleted: the one that won is there to read.
        const first = await this.findByTicketId(snapshot.ticketId);
        if (!first) throw error;
        throw new AlreadyCheckedInError(snapshot.ticketId, first.checkedInAt);
      }
    });
  }

  findByTicketId(ticketId: string): Promise<CheckInSnapshot | null> {
    return mysqlCall(async () => {
      const row = await this.knex('check_ins')
        .join('tickets', 'tickets.id', 'check_ins.ticket_id')
        .first<(CheckInRow & { seat_id: string; label: string }) | undefined>(
          'check_ins.*',
          'tickets.seat_id',
          'tickets.label',
        )
        .where('check_ins.ticket_id', ticketId);
      return row
        ? {
            ticketId: row.ticket_id,
            reservationId: row.reservation_id,
            performanceId: row.performance_id,
            seatId: row.seat_id,
            label: row.label,
            staffMemberId: row.staff_member_id,
            checkedInAt: row.checked_in_at,
          }
        : null;
    });
  }
}
