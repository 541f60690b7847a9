import { ticketsValidWhile, type ReservationSnapshot } from '../../domain/sales/reservation';
import type { TicketCodes } from './ports/ticket-codes';

/** A reservation as its owner reads it: with the code of each valid ticket, by ticket id. */
export type ReservationDetails = ReservationSnapshot & { readonly ticketCodes: Readonly<Record<string, string>> };

/** Codes only while the tickets are valid: a void ticket has no code to show. */
export function withTicketCodes(reservation: ReservationSnapshot, codes: TicketCodes): ReservationDetails {
  const valid = ticketsValidWhile(reservation.status) ? reservation.tickets : [];
  return {
    ...reservation,
    ticketCodes: Object.fromEntries(
      valid.map((ticket) => [
        ticket.id,
        codes.sign({ ticketId: ticket.id, performanceId: reservation.performanceId, seatId: ticket.seatId }),
      ]),
    ),
  };
}
