import { currencyCode, isoDateTime, minorUnits, uuid, z } from './zod';

export const HoldSeatsBody = z
  .strictObject({
    performanceId: uuid(),
    // The per-reservation maximum is a business rule (422 TOO_MANY_SEATS); this only bounds work.
    seatIds: z.array(uuid()).min(1).max(100),
  })
  .openapi('HoldSeatsRequest');

export const ReservationSchema = z
  .object({
    id: uuid(),
    status: z.enum(['PENDING', 'CONFIRMED', 'CANCELLED', 'EXPIRED']),
    performanceId: uuid(),
    memberId: uuid(),
    seats: z.array(
      z.object({ id: uuid(), label: z.string(), grade: z.string(), price: minorUnits() }).openapi('ReservedSeat'),
    ),
    totalPrice: minorUnits(),
    currency: currencyCode(),
    createdAt: isoDateTime(),
    expiresAt: isoDateTime().openapi({
      description: 'End of the hold; a PENDING reservation must be confirmed before',
    }),
    confirmedAt: isoDateTime().nullable(),
    cancelledAt: isoDateTime().nullable(),
  })
  .openapi('Reservation');

export const ReservationListSchema = z.object({ items: z.array(ReservationSchema) }).openapi('ReservationList');

export type ReservationJson = z.infer<typeof ReservationSchema>;
export type ReservationListJson = z.infer<typeof ReservationListSchema>;
