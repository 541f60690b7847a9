import { MemberRepository } from '../../../domain/identity/member.repository';
import { ReservationSnapshot } from '../../../domain/sales/reservation';
import { ReservationRepository } from '../../../domain/sales/reservation.repository';
import { Clock } from '../../shared/ports/clock';
import { EventPublisher } from '../../shared/ports/event-publisher';
import { SeatHoldStore } from '../ports/seat-hold-store';
import { Actor } from '../../shared/actor';
import { decideAgainOnConflict } from '../decide-again';
import { findVisibleReservation } from '../find-visible-reservation';
import { refundDuePayments } from '../payments';
import type { PaymentProvider } from '../ports/payment-provider';

export class CancelReservation {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly members: MemberRepository,
    private readonly holds: SeatHoldStore,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
    private readonly payments: PaymentProvider | null = null,
    private readonly onRefundFailure: (error: unknown) => void = () => {},
  ) {}

  /**
   * The owner or an admin cancels; the seats are free for the next buyer as soon as this
   * returns. A paid reservation is refunded: the refund is decided in the cancel's own save
   * (REFUND_PENDING) and asked of the provider after it, so it happens even if the provider
   * cannot be reached right now (RefundDuePayments asks again).
   */
  async execute(actor: Actor, reservationId: string): Promise<ReservationSnapshot> {
    // Lost a race (a payment's webhook, the sweeper): decide again on what was saved.
    return decideAgainOnConflict(() => this.cancelOnce(actor, reservationId));
  }

  private async cancelOnce(actor: Actor, reservationId: string): Promise<ReservationSnapshot> {
    const reservation = await findVisibleReservation(this.reservations, this.members, actor, reservationId);
    if (reservation.status === 'CANCELLED') return reservation.toSnapshot();
    reservation.cancel(this.clock.now());
    await this.reservations.save(reservation);
    await this.events.publish(reservation.pullEvents());
    await this.holds.release(reservation.performanceId, reservation.seatIds, reservation.id);
    if (this.payments && reservation.refundsDue.length > 0) {
      const { latest } = await refundDuePayments(reservation, {
        reservations: this.reservations,
        provider: this.payments,
        clock: this.clock,
        events: this.events,
        onRefundFailure: this.onRefundFailure,
      });
      return latest.toSnapshot();
    }
    return reservation.toSnapshot();
  }
}
