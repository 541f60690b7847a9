import { DomainError } from '../shared/domain-error';

/** No ticket with this id, or none the caller may see (answered alike, as for reservations). */
export class TicketNotFoundError extends DomainError {
  readonly code = 'TICKET_NOT_FOUND';
  constructor(ticketId: string) {
    super(`Ticket ${ticketId} does not exist`, { ticketId });
  }
}

/** The ticket's reservation was cancelled: the ticket no longer admits anyone. */
export class TicketVoidError extends DomainError {
  readonly code = 'TICKET_VOID';
  constructor(ticketId: string) {
    super(`Ticket ${ticketId} is void: its reservation was cancelled`, { ticketId });
  }
}

/**
 * A code that is not a ticket of ours: malformed, signed with another key, tampered with, or
 * well signed for a ticket that does not exist. Its details name nothing from the code.
 */
export class TicketInvalidError extends DomainError {
  readonly code = 'TICKET_INVALID';
  constructor() {
    super('The code is not a valid ticket');
  }
}

/** The ticket was checked in before; `checkedInAt` is that first check-in. */
export class AlreadyCheckedInError extends DomainError {
  readonly code = 'ALREADY_CHECKED_IN';
  constructor(
    readonly ticketId: string,
    readonly checkedInAt: Date,
  ) {
    super(`Ticket ${ticketId} was checked in at ${checkedInAt.toISOString()}`, {
      ticketId,
      checkedInAt: checkedInAt.toISOString(),
    });
  }
}
