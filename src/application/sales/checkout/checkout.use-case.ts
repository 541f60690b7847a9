import type { MemberRepository } from '../../../domain/identity/member.repository';
import type { PaymentSnapshot } from '../../../domain/sales/payment';
import { PaymentsDisabledError } from '../../../domain/sales/payment.errors';
import { HoldExpiredError } from '../../../domain/sales/reservation.errors';
import type { ReservationRepository } from '../../../domain/sales/reservation.repository';
import type { Actor } from '../../shared/actor';
import type { Clock } from '../../shared/ports/clock';
import type { EventPublisher } from '../../shared/ports/event-publisher';
import type { IdGenerator } from '../../shared/ports/id-generator';
import { expireIfOverdue } from '../expire-if-overdue';
import { decideAgainOnConflict } from '../decide-again';
import { findVisibleReservation } from '../find-visible-reservation';
import type { PaymentProvider } from '../ports/payment-provider';
import type { SeatHoldStore } from '../ports/seat-hold-store';

export interface CheckoutInput {
  /** The test card the fake provider decides on; Stripe takes the card in its own UI. */
  readonly card?: string;
}

export interface CheckoutResult {
  readonly payment: PaymentSnapshot;
  /** True for a payment started now (201); false for the pending one answered again (200). */
  readonly started: boolean;
}

export interface CheckoutPolicy {
  /** CHECKOUT_HOLD_EXTENSION_SECONDS: how much longer the first checkout lets the hold last. */
  readonly holdExtensionSeconds: number;
}

/**
 * The owner pays for a live hold: the provider starts a payment for the reservation's total
 * price (integer minor units), and its outcome arrives later by webhook
 * (HandlePaymentNotification). A pending payment is answered again rather than doubled.
 */
export class Checkout {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly members: MemberRepository,
    private readonly provider: PaymentProvider | null,
    private readonly holds: SeatHoldStore,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
    private readonly policy: CheckoutPolicy,
  ) {}

  async execute(actor: Actor, reservationId: string, input: CheckoutInput = {}): Promise<CheckoutResult> {
    // A concurrent checkout or the sweeper saved first: decide again on what they saved.
    return decideAgainOnConflict(() => this.checkoutOnce(actor, reservationId, input));
  }

  private async checkoutOnce(actor: Actor, reservationId: string, input: CheckoutInput): Promise<CheckoutResult> {
    const provider = this.provider;
    // Paying is the owner's to do: an admin sees the reservation, but does not pay for it.
    const reservation = await findVisibleReservation(
      this.reservations,
      this.members,
      { ...actor, role: 'USER' },
      reservationId,
    );
    if (!provider) throw new PaymentsDisabledError();
    const now = this.clock.now();
    if (reservation.isOverdue(now)) {
      await expireIfOverdue(reservation, now, this.reservations, this.holds, this.events);
      throw new HoldExpiredError(reservation.id, reservation.expiresAt);
    }
    const pending = reservation.pendingPayment;
    if (pending && reservation.status === 'PENDING') return { payment: pending, started: false };
    const paymentId = this.ids.next();
    // Refused outright (PaymentRejectedError): nothing is recorded. Checked by the aggregate
    // first, so a reservation that cannot be paid for starts nothing at the provider.
    reservation.assertPayable(now);
    const started = await provider.start({
      paymentId,
      reservationId: reservation.id,
      amount: reservation.totalPrice,
      ...(input.card !== undefined && { card: input.card }),
    });
    reservation.startPayment({
      id: paymentId,
      provider: provider.name,
      providerPaymentId: started.providerPaymentId,
      clientSecret: started.clientSecret ?? null,
      now,
      holdExtensionSeconds: this.policy.holdExtensionSeconds,
    });
    // A concurrent checkout that saved first wins; the payment started here is then never
    // recorded, and its webhook answers 404 (a Stripe PaymentIntent nobody was given the
    // secret of is never paid; the fake's is a test card).
    await this.reservations.save(reservation);
    // The hold store learns the longer hold after MySQL has it; an outage there only means
    // more requests reach MySQL, which refuses them.
    const holders = new Map(reservation.seatIds.map((seatId) => [seatId, reservation.id]));
    await this.holds.remember(reservation.performanceId, holders, reservation.expiresAt);
    return { payment: reservation.pendingPayment!, started: true };
  }
}
