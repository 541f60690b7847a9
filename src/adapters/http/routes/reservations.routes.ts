import type { HoldBestAvailableInput } from '../../../application/sales/hold-best-available/hold-best-available.use-case';
import type { Actor } from '../../../application/shared/actor';
import { UnknownSeatingAreaError } from '../../../domain/catalog/seating-plan';
import type { ApiRouter } from '../api-router';
import { RequestError } from '../error-codes';
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

/** The best-available rule as the document states it (chooseBestBlock in src/domain/catalog/seating-plan.ts). */
const BEST_AVAILABLE_RULE =
  'The block is chosen deterministically for the hall as it is, preferring in this order: (1) no orphan: it leaves ' +
  'no single empty seat between itself and a taken seat or a row end, when some block avoids that; (2) the lowest ' +
  'row number (rows are numbered from the stage); (3) its centre nearest the centre of its row; (4) the section ' +
  'created first, then the lowest seat number. The search and the hold are one atomic step: two requests never get ' +
  'overlapping seats, and a request that loses a block to another looks again.';

/** A grade or section the performance lacks is a request naming a field wrongly: 400, naming it. */
async function holdBestAvailable(useCases: UseCases, actor: Actor, body: HoldBestAvailableInput) {
  try {
    return await useCases.holdBestAvailable.execute(actor, body);
  } catch (error) {
    if (!(error instanceof UnknownSeatingAreaError)) throw error;
    throw new RequestError('VALIDATION_FAILED', 'The request body does not match the performance', {
      errors: [{ path: error.field, message: error.message }],
    });
  }
}

export function reservationRoutes(api: ApiRouter, useCases: UseCases, limits: ReservationRouteLimits): void {
  api.route(
    {
      method: 'post',
      path: `${API_PREFIX}/reservations`,
      operationId: 'holdSeats',
      summary: 'Hold seats (these, or the best available together): all or none, until expiresAt',
      description:
        'Send exactly one of `seatIds` (hold these seats) and `quantity` (hold the best available block of that many ' +
        'adjacent seats: one section, one row, consecutive numbers, of the given `grade` and/or `section` if any). ' +
        BEST_AVAILABLE_RULE +
        ' No such block free: 409 NOT_ENOUGH_SEATS_TOGETHER with `largestBlock`. ' +
        "Either way the hold counts against the per-member and per-IP hold rate limits, and against the member's seat " +
        'cap for the performance across all their active reservations (MEMBER_SEAT_LIMIT). Send an Idempotency-Key to ' +
        'retry safely. On a performance with a waiting room the Admission-Token header is required (403 ' +
        'ADMISSION_REQUIRED, ADMISSION_INVALID, ADMISSION_EXPIRED).',
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
        'NOT_ENOUGH_SEATS_TOGETHER',
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
      const { performanceId, seatIds, quantity, grade, section } = body;
      // Admission first, whichever way the seats are chosen.
      await useCases.checkAdmission.execute(actor, performanceId, ctx.get(ADMISSION_TOKEN_HEADER) || undefined);
      // The schema lets exactly one of seatIds and quantity through.
      const reservation =
        quantity !== undefined
          ? await holdBestAvailable(useCases, actor, { performanceId, quantity, grade, section })
          : await useCases.holdSeats.execute(actor, { performanceId, seatIds: seatIds! });
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
        '409 HOLD_EXPIRED, a cancelled one 409 RESERVATION_NOT_ACTIVE. With a payment provider configured ' +
        '(PAYMENT_PROVIDER) a reservation is confirmed by paying for it: 409 PAYMENT_REQUIRED, check out instead. ' +
        'Send an Idempotency-Key to retry safely.',
      tag: TAG,
      access: 'member',
      params: IdParams,
      idempotent: true,
      responses: [{ status: 200, description: 'The CONFIRMED reservation', schema: ReservationSchema }],
      errors: [
        'RESERVATION_NOT_FOUND',
        'HOLD_EXPIRED',
        'RESERVATION_NOT_ACTIVE',
        'PAYMENT_REQUIRED',
        'CONCURRENT_MODIFICATION',
      ],
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
        "An expired hold cannot be cancelled (409 RESERVATION_NOT_ACTIVE). Anyone else's reservation is 404. " +
        'A paid reservation is refunded through the payment provider (its payment REFUND_PENDING until done).',
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
