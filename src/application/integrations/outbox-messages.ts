import type { OutboxMessage, WebhookEventType } from '../../domain/integrations/webhook-events';
import type { TicketCheckedIn } from '../../domain/sales/check-in';
import type { PaymentEvent } from '../../domain/sales/payment';
import type { ReservationEvent } from '../../domain/sales/reservation';
import type { DomainEvent } from '../../domain/shared/aggregate-root';
import type { IdGenerator } from '../shared/ports/id-generator';
import type { OutboxTranslator } from './ports/outbox';

/** The domain events that leave the service, and the webhook type each becomes. */
const RESERVATION_EVENT_TYPES: Readonly<Record<ReservationEvent['type'], WebhookEventType>> = {
  ReservationHeld: 'reservation.held',
  ReservationConfirmed: 'reservation.confirmed',
  ReservationCancelled: 'reservation.cancelled',
  ReservationExpired: 'reservation.expired',
};

const PAYMENT_EVENT_TYPES: Readonly<Record<PaymentEvent['type'], WebhookEventType>> = {
  PaymentSucceeded: 'payment.succeeded',
  PaymentRefunded: 'payment.refunded',
};

const isReservationEvent = (event: DomainEvent): event is ReservationEvent => event.type in RESERVATION_EVENT_TYPES;
const isTicketCheckedIn = (event: DomainEvent): event is TicketCheckedIn => event.type === 'TicketCheckedIn';
const isPaymentEvent = (event: DomainEvent): event is PaymentEvent => event.type in PAYMENT_EVENT_TYPES;

/** `msg_` and a time-ordered id: the `webhook-id` receivers deduplicate by. */
export const MESSAGE_ID_PREFIX = 'msg_';

/**
 * Domain events as outbox messages. Kept small on purpose (ids, not the whole aggregate):
 * the hold's message is written on the hot path, and a receiver that wants more reads the
 * reservation through the API. Ordered per reservation: a payment's messages and the
 * check-ins of its tickets share its reservation's key, so `payment.succeeded` reaches a receiver before the
 * `reservation.confirmed` it caused, and `payment.refunded` after the change that refunded it.
 */
export class DomainEventOutboxTranslator implements OutboxTranslator {
  constructor(private readonly ids: IdGenerator) {}

  messagesFor(events: readonly DomainEvent[]): OutboxMessage[] {
    return events.flatMap((event): OutboxMessage[] => {
      if (isReservationEvent(event)) {
        return [
          this.message(RESERVATION_EVENT_TYPES[event.type], event, {
            reservationId: event.reservationId,
            performanceId: event.performanceId,
            seatIds: [...event.seatIds],
          }),
        ];
      }
      // Ordered with its reservation's messages: a receiver hears of the confirmation first.
      if (isTicketCheckedIn(event)) {
        return [
          this.message('ticket.checked_in', event, {
            ticketId: event.ticketId,
            reservationId: event.reservationId,
            performanceId: event.performanceId,
            seatId: event.seatId,
            checkedInAt: event.occurredAt.toISOString(),
          }),
        ];
      }
      if (isPaymentEvent(event)) {
        return [
          this.message(PAYMENT_EVENT_TYPES[event.type], event, {
            paymentId: event.paymentId,
            reservationId: event.reservationId,
            performanceId: event.performanceId,
            amount: event.amount.amount,
            currency: event.amount.currency,
          }),
        ];
      }
      return [];
    });
  }

  private message(
    type: WebhookEventType,
    event: DomainEvent & { readonly reservationId: string },
    data: OutboxMessage['data'],
  ): OutboxMessage {
    return {
      id: `${MESSAGE_ID_PREFIX}${this.ids.next()}`,
      type,
      orderingKey: event.reservationId,
      occurredAt: event.occurredAt,
      data,
    };
  }
}
