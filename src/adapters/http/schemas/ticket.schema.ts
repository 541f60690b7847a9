import { TICKET_CODE_MAX_LENGTH } from '../../security/ed25519-ticket-codes';
import { seatLabel } from './performance.schema';
import { isoInstant, uuid, z } from './zod';

/** A compact JWS: three base64url parts separated by dots. */
const TICKET_CODE_PATTERN = '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$';

/** An SVG of the largest code is about 10 KB; this bounds what the document promises. */
export const QR_SVG_MAX_LENGTH = 65_536;

const ticketCode = () =>
  z
    .string()
    .max(TICKET_CODE_MAX_LENGTH)
    .openapi({
      pattern: TICKET_CODE_PATTERN,
      description:
        'The signed ticket code a QR code carries: a compact JWS (alg EdDSA, typ ticket+jwt, kid of a key in ' +
        '/.well-known/jwks.json) whose claims are t (ticket id), p (performance id) and s (seat id)',
    });

export const TicketSchema = z
  .object({
    id: uuid().openapi({ description: 'Derived from the reservation and the seat: the same on every read' }),
    seatId: uuid(),
    label: seatLabel(),
    code: ticketCode(),
  })
  .openapi('Ticket');

export const CheckInBody = z
  .strictObject({
    // Any string up to the bound reaches the verifier: a malformed code is 422 TICKET_INVALID.
    code: z
      .string()
      .min(1)
      .max(TICKET_CODE_MAX_LENGTH)
      .openapi({ description: 'The code read from the ticket (its QR code); anything else is 422 TICKET_INVALID' }),
  })
  .openapi('CheckInRequest');

export const CheckInSchema = z
  .object({
    ticketId: uuid(),
    performanceId: uuid(),
    seat: z
      .object({ id: uuid(), label: seatLabel().openapi({ description: 'What the gate shows: section-row-number' }) })
      .openapi('CheckedInSeat'),
    checkedInAt: isoInstant(),
  })
  .openapi('CheckIn');

export const QrSvgSchema = z
  .string()
  .max(QR_SVG_MAX_LENGTH)
  .openapi({ description: "An SVG image of a QR code of the ticket's code" });

export type TicketJson = z.infer<typeof TicketSchema>;
export type CheckInJson = z.infer<typeof CheckInSchema>;
