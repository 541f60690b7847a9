import type { ApiRouter } from '../api-router';
import type { UseCases } from '../http-dependencies';
import { presentReservation } from '../presenters/reservation.presenter';
import { HoldSeatsBody, ReservationListSchema, ReservationSchema } from '../schemas/reservation.schema';
import { IdParams } from '../schemas/zod';
import { API_PREFIX, LOCATION_HEADER, created, ok } from './respond';

const TAG = 'Reservations';

export function reservationRoutes(api: ApiRouter, useCases: UseCases): void {
  api.route(
    {
      method: 'post',
      path: `${API_PREFIX}/reservations`,
      operationId: 'holdSeats',
      summary: 'Hold seats: all or none, until expiresAt',
      description:
        "Counts against the per-member and per-IP hold rate limits, and against the member's seat cap for the " +
        'performance across all their active reservations (MEMBER_SEAT_LIMIT). Send an Idempotency-Key to retry safely.',
      tag: TAG,
      access: 'member',
      body: HoldSeatsBody,
      rateLimit: 'holds',
      idempotent: true,
      responses: [
        { status: 201, description: 'A PENDING reservation', schema: ReservationSchema, headers: LOCATION_HEADER },
      ],
      errors: [
        'PERFORMANCE_NOT_FOUND',
        'SEAT_UNAVAILABLE',
        'SEATS_ALREADY_CLAIMED',
        'SALES_CLOSED',
        'TOO_MANY_SEATS',
        'MEMBER_SEAT_LIMIT',
        'SEAT_NOT_FOUND',
        'DUPLICATE_SEATS',
        'VALIDATION_FAILED',
      ],
    },
    async (_ctx, { actor, body }) => {
      const reservation = await useCases.holdSeats.execute(actor, body);
      return created(`${API_PREFIX}/reservations/${reservation.id}`, presentReservation(reservation));
    },
  );

  api.route(
    {
      method: 'post',
      path: `${API_PREFIX}/reservations/:id/confirm`,
      operationId: 'confirmReservation',
      summary: 'Confirm a held reservation (owner only); confirming again answers the same',
      tag: TAG,
      access: 'member',
      params: IdParams,
      idempotent: true,
      responses: [{ status: 200, description: 'The CONFIRMED reservation', schema: ReservationSchema }],
      errors: ['RESERVATION_NOT_FOUND', 'HOLD_EXPIRED', 'RESERVATION_NOT_ACTIVE', 'CONCURRENT_MODIFICATION'],
    },
    async (_ctx, { actor, params }) =>
      ok(presentReservation(await useCases.confirmReservation.execute(actor, params.id))),
  );

  api.route(
    {
      method: 'post',
      path: `${API_PREFIX}/reservations/:id/cancel`,
      operationId: 'cancelReservation',
      summary: 'Cancel a reservation (owner or admin); its seats are free at once',
      tag: TAG,
      access: 'member',
      params: IdParams,
      responses: [{ status: 200, description: 'The CANCELLED reservation', schema: ReservationSchema }],
      errors: ['RESERVATION_NOT_FOUND', 'RESERVATION_NOT_ACTIVE', 'CONCURRENT_MODIFICATION'],
    },
    async (_ctx, { actor, params }) =>
      ok(presentReservation(await useCases.cancelReservation.execute(actor, params.id))),
  );

  api.route(
    {
      method: 'get',
      path: `${API_PREFIX}/reservations/:id`,
      operationId: 'getReservation',
      summary: "A reservation (owner or admin; anyone else's answers 404)",
      tag: TAG,
      access: 'member',
      params: IdParams,
      responses: [{ status: 200, description: 'The reservation', schema: ReservationSchema }],
      errors: ['RESERVATION_NOT_FOUND'],
    },
    async (_ctx, { actor, params }) => ok(presentReservation(await useCases.getReservation.execute(actor, params.id))),
  );

  api.route(
    {
      method: 'get',
      path: `${API_PREFIX}/members/me/reservations`,
      operationId: 'listMyReservations',
      summary: "The calling member's reservations, newest first",
      tag: TAG,
      access: 'member',
      responses: [{ status: 200, description: 'The reservations', schema: ReservationListSchema }],
    },
    async (_ctx, { actor }) => {
      const reservations = await useCases.listMemberReservations.execute(actor);
      return ok({ items: reservations.map(presentReservation) });
    },
  );
}
