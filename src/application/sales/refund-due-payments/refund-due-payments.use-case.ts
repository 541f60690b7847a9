import type { ReservationRepository } from '../../../domain/sales/reservation.repository';
import type { Clock } from '../../shared/ports/clock';
import type { EventPublisher } from '../../shared/ports/event-publisher';
import { refundDuePayments } from '../payments';
import type { PaymentProvider } from '../ports/payment-provider';

/**
 * The durability of refunds: every instance runs this periodically. A refund decided (the
 * payment REFUND_PENDING, committed with the change that decided it) that the provider did
 * not do at the time (unreachable, an instance that died in between) is asked for again
 * until it is done. Asking twice is harmless: the provider refunds by our payment id once.
 */
export class RefundDuePayments {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly provider: PaymentProvider,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
    private readonly batchSize = 100,
  ) {}

  /** Answers how many refunds it completed; throws the first failure after trying them all. */
  async execute(): Promise<number> {
    const due = await this.reservations.withRefundsDue(this.batchSize);
    let refunded = 0;
    let failure: unknown;
    for (const reservation of due) {
      refunded += (
        await refundDuePayments(reservation, {
          reservations: this.reservations,
          provider: this.provider,
          clock: this.clock,
          events: this.events,
          onRefundFailure: (error) => (failure ??= error),
        })
      ).refunded;
    }
    if (failure !== undefined) throw failure;
    return refunded;
  }
}
