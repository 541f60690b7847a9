import type { PaymentSuccessOutcome } from '../../../domain/sales/payment';
import { PaymentNotFoundError, PaymentProviderNotFoundError } from '../../../domain/sales/payment.errors';
import type { Reservation } from '../../../domain/sales/reservation';
import { ConcurrentModificationError, SeatsAlreadyClaimedError } from '../../../domain/sales/reservation.errors';
import type { ReservationRepository } from '../../../domain/sales/reservation.repository';
import type { Clock } from '../../shared/ports/clock';
import type { EventPublisher } from '../../shared/ports/event-publisher';
import { expireLapsedHolders } from '../expire-if-overdue';
import { MAX_PAYMENT_ATTEMPTS, publishInOrder, refundDuePayments, saveChangeOnce } from '../payments';
import type { PaymentProvider } from '../ports/payment-provider';
import type { SeatHoldStore } from '../ports/seat-hold-store';

export type NotificationOutcome = PaymentSuccessOutcome | 'failed' | 'refunded' | 'ignored';

/**
 * A provider's webhook: verified, read, and applied to the payment's reservation exactly
 * once. Every outcome is one save of the reservation under its version check, so the same
 * webhook twice, or a webhook racing a cancel or the sweeper, cannot both win: the loser
 * reads what was committed and decides again (a duplicate is then a no-op).
 */
export class HandlePaymentNotification {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly provider: PaymentProvider | null,
    private readonly holds: SeatHoldStore,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
    private readonly onRefundFailure: (error: unknown) => void = () => {},
  ) {}

  /**
   * `rawBody` exactly as received: the signature is over its bytes. Throws
   * InvalidPaymentSignatureError (nothing read, nothing changed), PaymentProviderNotFoundError,
   * and PaymentNotFoundError for a payment not recorded (yet), so the provider delivers again.
   */
  async execute(
    providerName: string,
    rawBody: string,
    signatureHeader: string | undefined,
  ): Promise<NotificationOutcome> {
    const provider = this.provider;
    if (!provider || provider.name !== providerName) throw new PaymentProviderNotFoundError(providerName);
    const notification = provider.readWebhook(rawBody, signatureHeader, this.clock.now());
    switch (notification.kind) {
      case 'succeeded':
        return this.succeeded(provider, notification.providerPaymentId);
      case 'failed':
        return this.failed(provider, notification.providerPaymentId);
      case 'refunded':
        return this.refunded(provider, notification.providerPaymentId);
      default:
        return 'ignored';
    }
  }

  private async succeeded(provider: PaymentProvider, providerPaymentId: string): Promise<NotificationOutcome> {
    let seatsLost = false;
    for (let attempt = 0; attempt < MAX_PAYMENT_ATTEMPTS; attempt++) {
      const reservation = await this.find(provider, providerPaymentId);
      const outcome = reservation.paymentSucceeded(providerPaymentId, this.clock.now(), seatsLost);
      if (outcome === 'duplicate') return outcome;
      try {
        await this.reservations.save(reservation);
      } catch (error) {
        if (error instanceof ConcurrentModificationError) continue;
        if (!(error instanceof SeatsAlreadyClaimedError) || outcome !== 'reheld') throw error;
        // MySQL's unique index had the last word: a seat is claimed by someone else. A
        // holder whose own hold ran out owns nothing, so it is expired and the claim tried
        // again; a live or sold one keeps the seat, and this payment is refunded.
        const stillActive = await expireLapsedHolders(
          error,
          this.clock.now(),
          this.reservations,
          this.holds,
          this.events,
        );
        if (stillActive.length > 0) seatsLost = true;
        continue;
      }
      await publishInOrder(reservation, this.events);
      // The hold store hears of it only after MySQL committed, as confirm does.
      if (outcome === 'confirmed') {
        await this.holds.markSold(reservation.performanceId, reservation.seatIds, reservation.id);
      } else if (outcome === 'reheld') {
        // Whatever the store still has for these seats (a stale hold) is overruled by MySQL.
        const holders = new Map(reservation.seatIds.map((seatId) => [seatId, reservation.id]));
        await this.holds.remember(reservation.performanceId, holders, null);
      } else {
        await refundDuePayments(reservation, this.refundDependencies(provider));
      }
      return outcome;
    }
    throw new ConcurrentModificationError(providerPaymentId);
  }

  private async failed(provider: PaymentProvider, providerPaymentId: string): Promise<NotificationOutcome> {
    const saved = await saveChangeOnce(
      () => this.find(provider, providerPaymentId),
      (reservation) => reservation.paymentFailed(providerPaymentId, this.clock.now()),
      this.reservations,
    );
    if (saved!.outcome !== 'duplicate') await this.events.publish(saved!.reservation.pullEvents());
    return saved!.outcome;
  }

  /** The provider tells of a refund: one we asked for completes; any other is not ours to act on. */
  private async refunded(provider: PaymentProvider, providerPaymentId: string): Promise<NotificationOutcome> {
    const saved = await saveChangeOnce(
      () => this.find(provider, providerPaymentId),
      (reservation) => {
        const payment = reservation.payments.find((candidate) => candidate.providerPaymentId === providerPaymentId)!;
        if (payment.status !== 'REFUND_PENDING') return payment.status === 'REFUNDED' ? 'duplicate' : 'ignored';
        return reservation.refundCompleted(payment.id, this.clock.now());
      },
      this.reservations,
    );
    if (saved!.outcome === 'refunded') await this.events.publish(saved!.reservation.pullEvents());
    return saved!.outcome;
  }

  private async find(provider: PaymentProvider, providerPaymentId: string): Promise<Reservation> {
    const reservation = await this.reservations.findByProviderPaymentId(provider.name, providerPaymentId);
    if (!reservation) throw new PaymentNotFoundError(providerPaymentId);
    return reservation;
  }

  private refundDependencies(provider: PaymentProvider) {
    return {
      reservations: this.reservations,
      provider,
      clock: this.clock,
      events: this.events,
      onRefundFailure: this.onRefundFailure,
    };
  }
}
