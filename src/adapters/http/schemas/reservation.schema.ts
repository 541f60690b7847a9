import { PaymentSummarySchema } from './payment.schema';
import { seatLabel } from './performance.schema';
import { TicketSchema } from './ticket.schema';
import { PLAIN_TEXT, currencyCode, int32, isoInstant, minorUnits, pageQuery, uuid, z } from './zod';

/** Seat ids one request may carry at all: past this the body is refused unread (400 VALIDATION_FAILED). */
export const HOLD_SEAT_IDS_INPUT_MAX = 100;

/** Grade and section names are at most this long (as the performance schema states). */
const AREA_NAME_MAX_LENGTH = 50;

/**
 * The hold request for this configuration: exactly one of `seatIds` (these seats) and
 * `quantity` (the best available block of that many adjacent seats); both or neither is 400
 * VALIDATION_FAILED. More seats than MAX_SEATS_PER_RESERVATION is the business rule 422
 * TOO_MANY_SEATS and a repeated seat 422 DUPLICATE_SEATS, so the document states both
 * (maxItems, uniqueItems, maximum) while the schema only bounds work.
 */
export function holdSeatsBody(maxSeatsPerReservation: number) {
  const maxItems = Math.min(maxSeatsPerReservation, HOLD_SEAT_IDS_INPUT_MAX);
  const areaName = (field: string, example: string) =>
    z
      .string()
      .min(1)
      .max(AREA_NAME_MAX_LENGTH)
      .optional()
      .openapi({
        pattern: PLAIN_TEXT,
        example,
        description: `With quantity only: seats of this ${field} of the performance; an unknown ${field} is 400 VALIDATION_FAILED`,
      });
  return (
    z
      .strictObject({
        performanceId: uuid(),
        seatIds: z
          .array(uuid())
          .min(1)
          .max(HOLD_SEAT_IDS_INPUT_MAX)
          .optional()
          .openapi({
            maxItems,
            uniqueItems: true,
            description: `These seats: 1 to ${maxItems} distinct seats of the performance (MAX_SEATS_PER_RESERVATION), held all or none`,
          }),
        quantity: z
          .number()
          .int()
          .min(1)
          .max(HOLD_SEAT_IDS_INPUT_MAX)
          .optional()
          .openapi({
            format: 'int32',
            maximum: maxItems,
            description: `The best available block of 1 to ${maxItems} adjacent seats (MAX_SEATS_PER_RESERVATION)`,
          }),
        grade: areaName('grade', 'VIP'),
        section: areaName('section', 'A'),
      })
      .superRefine((body, context) => {
        if ((body.seatIds === undefined) === (body.quantity === undefined)) {
          context.addIssue({
            code: 'custom',
            path: [],
            message: 'Send exactly one of seatIds (these seats) and quantity (the best available adjacent seats)',
          });
        } else if (body.seatIds !== undefined) {
          for (const field of ['grade', 'section'] as const) {
            if (body[field] !== undefined)
              context.addIssue({ code: 'custom', path: [field], message: `${field} goes with quantity, not seatIds` });
          }
        }
      })
      // Exactly one of the two ways, as the document states it (the refinement above enforces it).
      .openapi('HoldSeatsRequest', {
        oneOf: [
          {
            required: ['seatIds'],
            not: { anyOf: [{ required: ['quantity'] }, { required: ['grade'] }, { required: ['section'] }] },
          },
          { required: ['quantity'], not: { required: ['seatIds'] } },
        ],
      })
  );
}

export const ReservationSchema = z
  .object({
    id: uuid(),
    status: z.enum(['PENDING', 'CONFIRMED', 'CANCELLED', 'EXPIRED']),
    performanceId: uuid(),
    memberId: uuid(),
    seats: z
      .array(
        z
          .object({
            id: uuid(),
            label: seatLabel(),
            grade: z.string().min(1).max(50).openapi({ pattern: '^\\S(?:[\\s\\S]*\\S)?$' }),
            price: minorUnits(),
          })
          .openapi('ReservedSeat'),
      )
      .min(1)
      .max(HOLD_SEAT_IDS_INPUT_MAX),
    totalPrice: minorUnits(),
    currency: currencyCode(),
    createdAt: isoInstant(),
    expiresAt: isoInstant().openapi({
      description: 'End of the hold; a PENDING reservation must be confirmed before',
    }),
    confirmedAt: isoInstant().nullable(),
    cancelledAt: isoInstant().nullable(),
    payment: PaymentSummarySchema.nullable(),
    tickets: z
      .array(TicketSchema)
      .max(HOLD_SEAT_IDS_INPUT_MAX)
      .optional()
      .openapi({
        description:
          'A CONFIRMED reservation, as read (GET) or confirmed: one ticket per seat, in seat order, each with its signed code. ' +
          'A cancelled reservation has none (its tickets are void)',
      }),
  })
  .openapi('Reservation');

export const MEMBER_RESERVATIONS_MAX_PAGE_SIZE = 100;

export const ListMemberReservationsQuery = pageQuery(MEMBER_RESERVATIONS_MAX_PAGE_SIZE);

export const ReservationPageSchema = z
  .object({
    items: z.array(ReservationSchema).max(MEMBER_RESERVATIONS_MAX_PAGE_SIZE),
    page: int32(1, 100_000),
    size: int32(1, MEMBER_RESERVATIONS_MAX_PAGE_SIZE),
    total: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .openapi({ format: 'int64', description: "The member's reservations in all" }),
  })
  .openapi('ReservationPage');

export type ReservationJson = z.infer<typeof ReservationSchema>;
export type ReservationPageJson = z.infer<typeof ReservationPageSchema>;
