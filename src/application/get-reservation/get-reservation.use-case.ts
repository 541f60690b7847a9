import { ReservationSnapshot } from '../../domain/reservation/reservation';
import { ReservationRepository } from '../../domain/reservation/reservation.repository';
import { Clock } from '../ports/clock';
import { Actor } from '../ports/token-service';
import { findVisibleReservation } from './find-visible-reservation';
import { presentStatus } from './present-status';

export class GetReservation {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, reservationId: string): Promise<ReservationSnapshot> {
    const reservation = await findVisibleReservation(this.reservations, actor, reservationId);
    return presentStatus(reservation, this.clock.now());
  }
}
