import type { Reservation } from '../../domain/sales/reservation';
import { ConcurrentModificationError } from '../../domain/sales/reservation.errors';
import type { ReservationRepository } from '../../domain/sales/reservation.repository';
import type { Clock } from '../shared/ports/clock';
import type { EventPublisher } from '../shared/ports/event-publisher';
import type { PaymentProvider } from './ports/payment-provider';

/**
 * How often a use case reads a reservation again after losing a save to a concurrent change
 * (a webhook against a cancel or the sweeper) before it gives up. Each round re-decides on
 * what was committed, so losing is harmless; five rounds are far more than two contenders need.
 */
export const MAX_PAYMENT_ATTEMPTS = 5;

export interface RefundDependencies {
  readonly reservations: ReservationRepository;
  readonly provider: PaymentProvider;
  readonly clock: Clock;
  readonly events: EventPublisher;
  /** Told of a refund the provider did not do now; it stays REFUND_PENDING for the periodic retry. */
  readonly onRefundFailure?: (error: unknown) => void;
}

/**
 * Refunds every payment of `reservation` whose refund is due (REFUND_PENDING, saved before
 * this is called), then records each as REFUNDED. The provider refunds idempotently by our
 * payment id, so two instances (or a retry after a lost answer) asking for one refund refund
 * once. A refund the provider does not do now stays REFUND_PENDING, and RefundDuePayments
 * (a periodic job) asks again: a refund, once decided, is never lost. Answers how many it
 * recorded as done, and the reservation as last saved (so a caller need not read it again).
 */
export async function refundDuePayments(
  reservation: Reservation,
  deps: RefundDependencies,
): Promise<{ readonly refunded: number; readonly latest: Reservation }> {
  let refunded = 0;
  let latest = reservation;
  for (const due of reservation.refundsDue) {
    try {
      await deps.provider.refund({ paymentId: due.id, providerPaymentId: due.providerPaymentId, amount: due.amount });
    } catch (error) {
      deps.onRefundFailure?.(error);
      continue;
    }
    const recorded = await recordRefund(reservation.id, due.id, deps);
    if (recorded) {
      refunded++;
      latest = recorded;
    }
  }
  return { refunded, latest };
}

/** The reservation with the refund recorded as done, or null when it was already (or still cannot be). */
async function recordRefund(
  reservationId: string,
  paymentId: string,
  deps: RefundDependencies,
): Promise<Reservation | null> {
  const recorded = await saveChangeOnce(
    () => deps.reservations.findById(reservationId),
    (current) => current.refundCompleted(paymentId, deps.clock.now()),
    deps.reservations,
    { orGiveUp: true },
  );
  if (!recorded || recorded.outcome === 'duplicate') return null;
  await deps.events.publish(recorded.reservation.pullEvents());
  return recorded.reservation;
}

/** What a change decided: `duplicate` and `ignored` leave the reservation as it was. */
const NOTHING_TO_SAVE: ReadonlySet<string> = new Set(['duplicate', 'ignored']);

/**
 * Reads the reservation (`load`), applies `change` and saves it under its version check.
 * Losing the save to a concurrent change (a webhook against a cancel or the sweeper) reads
 * again and decides again on what was committed, up to MAX_PAYMENT_ATTEMPTS times; then
 * ConcurrentModificationError, or null with `orGiveUp` (the caller has a later retry). Null
 * too when `load` finds nothing. The caller publishes the saved change's events.
 */
export async function saveChangeOnce<Outcome extends string>(
  load: () => Promise<Reservation | null>,
  change: (reservation: Reservation) => Outcome,
  reservations: ReservationRepository,
  options: { readonly orGiveUp?: boolean } = {},
): Promise<{ readonly outcome: Outcome; readonly reservation: Reservation } | null> {
  let reservationId = '';
  for (let attempt = 0; attempt < MAX_PAYMENT_ATTEMPTS; attempt++) {
    const reservation = await load();
    if (!reservation) return null;
    reservationId = reservation.id;
    const outcome = change(reservation);
    if (NOTHING_TO_SAVE.has(outcome)) return { outcome, reservation };
    try {
      await reservations.save(reservation);
    } catch (error) {
      if (error instanceof ConcurrentModificationError) continue;
      throw error;
    }
    return { outcome, reservation };
  }
  if (options.orGiveUp) return null;
  throw new ConcurrentModificationError(reservationId);
}

/**
 * Publishes a saved change's events one after the other: a late payment's re-hold must reach
 * the seat-state log before its confirmation, which sells only what the reservation holds.
 */
export async function publishInOrder(reservation: Reservation, events: EventPublisher): Promise<void> {
  for (const event of reservation.pullEvents()) await events.publish([event]);
}
