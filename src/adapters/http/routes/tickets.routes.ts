import QRCode from 'qrcode';
import type { ApiRouter } from '../api-router';
import type { UseCases } from '../http-dependencies';
import { presentCheckIn } from '../presenters/ticket.presenter';
import { CheckInBody, CheckInSchema, QrSvgSchema } from '../schemas/ticket.schema';
import { IdParams } from '../schemas/zod';
import { API_PREFIX, ok } from './respond';

const TAG = 'Tickets';

/**
 * A ticket's code never changes while the signing key stays, so its picture may be kept a
 * while; only by its owner's browser (`private`). A ticket voided meanwhile still draws from
 * a cache, and is refused at the door all the same.
 */
const QR_CACHE_CONTROL = 'private, max-age=300';

export function ticketRoutes(api: ApiRouter, useCases: UseCases): void {
  api.route(
    {
      method: 'get',
      path: `${API_PREFIX}/tickets/:id/qr.svg`,
      operationId: 'getTicketQrCode',
      summary: "A ticket's code drawn as a QR code (owner or admin)",
      description:
        'An SVG image of a QR code (error correction M) carrying the ticket code, the `code` of the ticket in ' +
        "GET /reservations/{id}. Someone else's ticket, or an unknown one, is 404 TICKET_NOT_FOUND; a ticket of a " +
        'cancelled reservation is void and is not drawn: 409 TICKET_VOID. May be cached privately for 5 minutes.',
      tag: TAG,
      access: 'member',
      params: IdParams,
      responses: [
        {
          status: 200,
          description: 'The QR code',
          schema: QrSvgSchema,
          contentType: 'image/svg+xml',
          headers: { 'Cache-Control': 'private, max-age=300' },
        },
      ],
      errors: ['TICKET_NOT_FOUND', 'TICKET_VOID'],
    },
    async (_ctx, { actor, params }) => {
      const { code } = await useCases.getTicketCode.execute(actor, params.id);
      const svg = await QRCode.toString(code, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
      return ok(svg, { 'Content-Type': 'image/svg+xml', 'Cache-Control': QR_CACHE_CONTROL });
    },
  );

  api.route(
    {
      method: 'post',
      path: `${API_PREFIX}/check-ins`,
      operationId: 'checkInTicket',
      summary: 'Check a ticket in at the door (STAFF or ADMIN): once per ticket',
      description:
        'The gate sends the code it read. The first check-in of a ticket answers 200 with the seat to show; any ' +
        'later one 409 ALREADY_CHECKED_IN with the first `checkedInAt`, however many gates scan the code at once ' +
        '(exactly one of them gets the 200). A ticket of a cancelled reservation is 409 TICKET_VOID; a code that ' +
        'is malformed, forged, signed with another key, or well signed for a ticket that does not exist is 422 ' +
        'TICKET_INVALID. A member without the STAFF or ADMIN role is 403 FORBIDDEN.',
      tag: TAG,
      access: 'staff',
      body: CheckInBody,
      responses: [{ status: 200, description: 'Checked in now', schema: CheckInSchema }],
      errors: ['TICKET_INVALID', 'TICKET_VOID', 'ALREADY_CHECKED_IN'],
    },
    async (_ctx, { actor, body }) => ok(presentCheckIn(await useCases.checkInTicket.execute(actor, body.code))),
  );
}
