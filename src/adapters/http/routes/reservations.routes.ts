import type { ApiRouter } from '../api-router';
import type { ReservationRouteLimits, UseCases } from '../http-dependencies';
import { presentReservation } from '../presenters/reservation.presenter';
import {
  ListMemberReservationsQuery,
  ReservationPageSchema,
  ReservationSchema,
  holdSeatsBody,
} from '../schemas/reservation.schema';
import { IdParams } from '../schemas/zod';
import { ADMISSION_TOKEN_HEADER, AdmissionTokenHeaders } from '../schemas/admission.schema';
import { API_PREFIX, LOCATION_HEADER, created, ok } from './respond';

const TAG = 'Reservations';

export function reservationRoutes(api: ApiRouter, useCases: UseCases, limits: ReservationRouteLimits): void {
  api.route(
    {
      method: 'post',
      path: `${API_PREFIX}/reservations`,
      operationId: 'holdSeats',
      summary: 'Hold seats: all or none, until expiresAt',
      description:
        "Counts against the per-member and per-IP hold rate limits, and against the member's seat cap for the " +
        'performance across all their active reservations (MEMBER_SEAT_LIMIT). Send an Idempotency-Key to retry safely. ' +
        'On a performance with a waiting room the Admission-Token header is required (403 ADMISSION_REQUIRED, ' +
        'ADMISSION_INVALID, ADMISSION_EXPIRED).',
      tag: TAG,
      access: 'member',
      body: holdSeatsBody(limits.maxSeatsPerReservation),
      headers: AdmissionTokenHeaders,
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
        'ADMISSION_REQUIRED',
        'ADMISSION_INVALID',
        'ADMISSION_EXPIRED',
      ],
    },
    async (ctx, { actor, body }) => {
      await useCases.checkAdmission.execute(actor, body.performanceId, ctx.get(ADMISSION_TOKEN_HEADER) || undefined);
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
      description:
        'Turns a PENDING hold into a CONFIRMED reservation before its expiresAt; the answer is sent once the ' +
        'confirmation is committed. Confirming a CONFIRMED reservation answers 200 with it again; an expired hold is ' +
        '409 HOLD_EXPIRED, a cancelled one 409 RESERVATION_NOT_ACTIVE. Send an Idempotency-Key to retry safely.',
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
      description:
        'Cancels a PENDING or CONFIRMED reservation and frees its seats at once. Cancelling is idempotent: ' +
        'cancelling a CANCELLED reservation again answers 200 with it, unchanged (its cancelledAt stays the first). ' +
        "An expired hold cannot be cancelled (409 RESERVATION_NOT_ACTIVE). Anyone else's reservation is 404.",
      tag: TAG,
      access: 'member',
      params: IdParams,
      responses: [
        {
          status: 200,
          description:
            'The CANCELLED reservation: cancelled now, or already cancelled before (a repeated cancel answers the same)',
          schema: ReservationSchema,
        },
      ],
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
      description:
        'The reservation with its seats and prices. A PENDING hold past its expiresAt reads as EXPIRED. ' +
        "Another member's reservation answers 404, as an unknown one does: its existence is not revealed.",
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
      summary: "The calling member's reservations, newest first, a page at a time",
      description:
        "One page of the calling member's reservations of every status, the most recently made first, with the " +
        'total count; a page past the end is empty.',
      tag: TAG,
      access: 'member',
      query: ListMemberReservationsQuery,
      responses: [{ status: 200, description: 'One page of reservations', schema: ReservationPageSchema }],
    },
    async (_ctx, { actor, query }) => {
      const page = await useCases.listMemberReservations.execute(actor, query.page, query.size);
      return ok({
        items: page.items.map(presentReservation),
        page: page.page,
        size: page.size,
        total: page.total,
      });
    },
  );
}
