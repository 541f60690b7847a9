import type { DomainEvent } from '../../domain/shared/aggregate-root';
import type { CheckIn, CheckInSnapshot } from '../../domain/sales/check-in';
import type { CheckInRepository } from '../../domain/sales/check-in.repository';
import type { ReservationStatus } from '../../domain/sales/reservation';
import { AlreadyCheckedInError, TicketVoidError } from '../../domain/sales/ticket.errors';

/**
 * The twin of check_ins: a map keyed by ticket (its primary key), and the reservation's
 * status read in the same synchronous step as the write (the twin of the shared lock), so
 * concurrent calls cannot interleave between the check and the write.
 */
export class InMemoryCheckInRepository implements CheckInRepository {
  readonly #byTicket = new Map<string, CheckInSnapshot>();

  constructor(
    private readonly reservations: { statusOf(reservationId: string): ReservationStatus | undefined },
    private readonly outbox?: { append(events: readonly DomainEvent[]): void },
  ) {}

  async add(checkIn: CheckIn): Promise<void> {
    const snapshot = checkIn.toSnapshot();
    if (this.reservations.statusOf(snapshot.reservationId) !== 'CONFIRMED') {
      throw new TicketVoidError(snapshot.ticketId);
    }
    const first = this.#byTicket.get(snapshot.ticketId);
    if (first) throw new AlreadyCheckedInError(snapshot.ticketId, first.checkedInAt);
    this.#byTicket.set(snapshot.ticketId, snapshot);
    this.outbox?.append(checkIn.pendingEvents);
  }

  async findByTicketId(ticketId: string): Promise<CheckInSnapshot | null> {
    return this.#byTicket.get(ticketId) ?? null;
  }
}
