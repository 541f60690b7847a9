import { AggregateRoot, DomainEvent } from '../shared/aggregate-root';

/** A ticket let in at a gate; a ticket has at most one. */
export interface CheckInSnapshot {
  readonly ticketId: string;
  readonly reservationId: string;
  readonly performanceId: string;
  readonly seatId: string;
  readonly label: string;
  /** The STAFF (or ADMIN) member who scanned it. */
  readonly staffMemberId: string;
  readonly checkedInAt: Date;
}

export type TicketCheckedIn = DomainEvent & {
  readonly type: 'TicketCheckedIn';
  readonly ticketId: string;
  readonly reservationId: string;
  readonly performanceId: string;
  readonly seatId: string;
};

/** Made by `Reservation.checkIn`, which decides whether the ticket may enter at all. */
export class CheckIn extends AggregateRoot<TicketCheckedIn> {
  private constructor(private readonly props: CheckInSnapshot) {
    super();
  }

  static record(snapshot: CheckInSnapshot): CheckIn {
    const checkIn = new CheckIn(snapshot);
    checkIn.record({
      type: 'TicketCheckedIn',
      occurredAt: snapshot.checkedInAt,
      ticketId: snapshot.ticketId,
      reservationId: snapshot.reservationId,
      performanceId: snapshot.performanceId,
      seatId: snapshot.seatId,
    });
    return checkIn;
  }

  static restore(snapshot: CheckInSnapshot): CheckIn {
    return new CheckIn(snapshot);
  }

  get ticketId(): string {
    return this.props.ticketId;
  }
  get reservationId(): string {
    return this.props.reservationId;
  }

  toSnapshot(): CheckInSnapshot {
    return this.props;
  }
}
