import type { OutboxMessage, WebhookEventType } from '../../domain/integrations/webhook-events';
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

const isReservationEvent = (event: DomainEvent): event is ReservationEvent => event.type in RESERVATION_EVENT_TYPES;

/** `msg_` and a time-ordered id: the `webhook-id` receivers deduplicate by. */
export const MESSAGE_ID_PREFIX = 'msg_';

/**
 * Domain events as outbox messages. Kept small on purpose (ids, not the whole aggregate):
 * the hold's message is written on the hot path, and a receiver that wants more reads the
 * reservation through the API. Ordered per reservation.
 */
export class DomainEventOutboxTranslator implements OutboxTranslator {
  constructor(private readonly ids: IdGenerator) {}

  messagesFor(events: readonly DomainEvent[]): OutboxMessage[] {
    return events.filter(isReservationEvent).map((event) => ({
      id: `${MESSAGE_ID_PREFIX}${this.ids.next()}`,
      type: RESERVATION_EVENT_TYPES[event.type],
      orderingKey: event.reservationId,
      occurredAt: event.occurredAt,
      data: { reservationId: event.reservationId, performanceId: event.performanceId, seatIds: [...event.seatIds] },
    }));
  }
}
