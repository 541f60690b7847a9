import type { CheckIn, CheckInSnapshot } from './check-in';

export interface CheckInRepository {
  /**
   * Records the check-in and the messages of its events, atomically, if its ticket has none
   * yet and its reservation is still CONFIRMED when it is written. Throws
   * AlreadyCheckedInError (with the first check-in's time) when the ticket has one: of any
   * number of concurrent calls for one ticket exactly one succeeds. Throws TicketVoidError when
   * the reservation was cancelled meanwhile: a cancel and a check-in are never both decided on
   * the same CONFIRMED state.
   */
  add(checkIn: CheckIn): Promise<void>;

  findByTicketId(ticketId: string): Promise<CheckInSnapshot | null>;
}
