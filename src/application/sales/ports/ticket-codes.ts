/** What a ticket code says: this ticket admits to this seat of this performance. */
export interface TicketClaims {
  readonly ticketId: string;
  readonly performanceId: string;
  readonly seatId: string;
}

/**
 * Signed, self-contained ticket codes (what a QR code carries): a gate can check one with
 * the service's public keys alone, offline, before asking the service to check it in.
 */
export interface TicketCodes {
  /** The same ticket gives the same code, however often it is asked for. */
  sign(ticket: TicketClaims): string;
  /** The claims of a code this service signed; null for anything else (malformed, forged, another key). */
  verify(code: string): TicketClaims | null;
}
