import { Reservation } from '../../domain/sales/reservation';
import { ConcurrentModificationError } from '../../domain/sales/reservation.errors';
import { ReservationRepository } from '../../domain/sales/reservation.repository';
import { EventPublisher } from '../shared/ports/event-publisher';
import { SeatHoldStore } from './ports/seat-hold-store';

/**
 * Lazy expiry: whoever finds an overdue hold expires it. Losing the race to another
 * instance (or the sweeper) is fine: then it is expired already.
 */
export async function expireIfOverdue(
  reservation: Reservation,
  now: Date,
  reservations: ReservationRepository,
  holds: SeatHoldStore,
  events: EventPublisher,
): Promise<boolean> {
  if (!reservation.isOverdue(now)) return false;
  reservation.expire(now);
  try {
    await reservations.save(reservation);
  } catch (error) {
    if (error instanceof ConcurrentModificationError) return false;
    throw error;
  }
  await events.publish(reservation.pullEvents());
  await holds.release(reservation.performanceId, reservation.seatIds, reservation.id);
  return true;
}
