import { CancelReservation } from '../../src/application/sales/cancel-reservation/cancel-reservation.use-case';
import { ConfirmReservation } from '../../src/application/sales/confirm-reservation/confirm-reservation.use-case';
import { ExpireOverdueHolds } from '../../src/application/sales/expire-overdue-holds/expire-overdue-holds.use-case';
import { SeatMapReader } from '../../src/application/catalog/seat-map';
import { unversionedSeatStates } from '../../src/application/seat-state/unversioned-seat-states';
import type { SeatStates } from '../../src/application/seat-state/ports/seat-states';
import { GetSeatMap } from '../../src/application/catalog/get-seat-map/get-seat-map.use-case';
import { HoldSeats } from '../../src/application/sales/hold-seats/hold-seats.use-case';
import { SeatHoldStore } from '../../src/application/sales/ports/seat-hold-store';
import { BestEffortSeatHoldStore } from '../../src/application/sales/best-effort-seat-hold-store';
import { StoreUnavailableError } from '../../src/application/shared/errors';
import { Actor } from '../../src/application/shared/actor';
import { GetReservation } from '../../src/application/sales/get-reservation/get-reservation.use-case';
import { ListMemberReservations } from '../../src/application/sales/list-member-reservations/list-member-reservations.use-case';
import { InMemoryMemberRepository } from '../../src/adapters/memory/in-memory-member.repository';
import { InMemoryEventPublisher } from '../../src/adapters/memory/in-memory-event.publisher';
import { InMemoryPerformanceRepository } from '../../src/adapters/memory/in-memory-performance.repository';
import { InMemoryReservationRepository } from '../../src/adapters/memory/in-memory-reservation.repository';
import { InMemorySeatHoldStore } from '../../src/adapters/memory/in-memory-seat-hold.store';
import { ManualClock } from '../../src/adapters/memory/manual-clock';
import { UuidV7IdGenerator } from '../../src/adapters/system/uuid-v7.id-generator';
import { JoseTokenService } from '../../src/adapters/security/jose-token.service';
import { CreatePerformance } from '../../src/application/catalog/create-performance/create-performance.use-case';
import { EnsureAdmin } from '../../src/application/identity/ensure-admin/ensure-admin.use-case';
import { GetMember } from '../../src/application/identity/get-member/get-member.use-case';
import { LogIn } from '../../src/application/identity/log-in/log-in.use-case';
import { MemberRegistration } from '../../src/application/identity/member-registration';
import type { PasswordHasher } from '../../src/application/identity/ports/password-hasher';
import { RegisterMember } from '../../src/application/identity/register-member/register-member.use-case';
import { RegisterStaff } from '../../src/application/identity/register-staff/register-staff.use-case';
import { CheckInTicket } from '../../src/application/sales/check-in-ticket/check-in-ticket.use-case';
import { GetTicketCode } from '../../src/application/sales/get-ticket-code/get-ticket-code.use-case';
import { InMemoryCheckInRepository } from '../../src/adapters/memory/in-memory-check-in.repository';
import { Ed25519TicketCodes } from '../../src/adapters/security/ed25519-ticket-codes';
import { generateEd25519Key } from '../../src/adapters/security/ed25519-signing-key';
import { aMember, aPerformance, T0 } from './builders';

export const HOLD_SECONDS = 300;

/** Members 1 to 9 and an admin, as the members of the tokens a fixture's actors stand for. */
async function someMembers(): Promise<InMemoryMemberRepository> {
  const members = new InMemoryMemberRepository();
  for (let n = 1; n <= 9; n++) await members.add(aMember({ id: `member-${n}` }));
  await members.add(aMember({ id: 'admin', role: 'ADMIN' }));
  await members.add(aMember({ id: 'staff', role: 'STAFF' }));
  return members;
}

const actors = {
  member: (n: number): Actor => ({ memberId: `member-${n}`, role: 'USER' }),
  admin: { memberId: 'admin', role: 'ADMIN' } as Actor,
  staff: { memberId: 'staff', role: 'STAFF' } as Actor,
  /** A well-signed token's actor whose member is gone (deleted, or another environment's). */
  ghost: { memberId: 'deleted-member', role: 'USER' } as Actor,
  ghostAdmin: { memberId: 'deleted-admin', role: 'ADMIN' } as Actor,
};

/** A hasher that is cheap and tells what it was asked: a hash is the password, marked. */
export class RecordingHasher implements PasswordHasher {
  readonly hashed: string[] = [];
  readonly verified: string[] = [];

  async hash(password: string): Promise<string> {
    this.hashed.push(password);
    return `hashed:${password}`;
  }

  async verify(hash: string, password: string): Promise<boolean> {
    this.verified.push(password);
    return hash === `hashed:${password}`;
  }
}

/** The identity use cases over the in-memory member repository, a recording hasher and real tokens. */
export function identityFixture() {
  const clock = new ManualClock(T0);
  const members = new InMemoryMemberRepository();
  const hasher = new RecordingHasher();
  const tokens = new JoseTokenService('a-unit-test-secret-that-is-long-enough-0123', 3600, clock);
  const events = new InMemoryEventPublisher(true);
  const registration = new MemberRegistration(members, hasher, new UuidV7IdGenerator(), clock, events);
  return {
    clock,
    members,
    hasher,
    tokens,
    events,
    register: new RegisterMember(registration),
    logIn: new LogIn(members, hasher, tokens),
    getMember: new GetMember(members),
    ensureAdmin: new EnsureAdmin(members, registration),
    registerStaff: new RegisterStaff(members, registration),
  };
}

/** CreatePerformance over the in-memory repositories; members as in someMembers. */
export async function catalogFixture() {
  const clock = new ManualClock(T0);
  const performances = new InMemoryPerformanceRepository();
  const events = new InMemoryEventPublisher(true);
  const members = await someMembers();
  return {
    ...actors,
    clock,
    performances,
    events,
    createPerformance: new CreatePerformance(performances, members, new UuidV7IdGenerator(), clock, events),
  };
}

/**
 * The reservation use cases wired to the in-memory adapters, on a clock the test moves.
 * Members 1 to 9 and an admin exist; a reservation of anyone else is refused, as MySQL's
 * foreign key refuses it.
 */
export async function reservationFixture(
  options: { seatHolds?: SeatHoldStore; maxSeatsPerMember?: number; seatStates?: SeatStates } = {},
) {
  const clock = new ManualClock(T0);
  const members = await someMembers();
  const performances = new InMemoryPerformanceRepository();
  const reservations = new InMemoryReservationRepository(members);
  // As in production, every use case sees the store through the one failure policy.
  const seatHolds = new BestEffortSeatHoldStore(options.seatHolds ?? new InMemorySeatHoldStore(clock), () => {});
  const events = new InMemoryEventPublisher(true);
  const ids = new UuidV7IdGenerator();
  const policy = {
    holdSeconds: HOLD_SECONDS,
    maxSeatsPerReservation: 4,
    maxSeatsPerMember: options.maxSeatsPerMember ?? 4,
  };
  const performance = aPerformance();
  await performances.add(performance);
  const seatIds = performance.toSnapshot().seats.map((seat) => seat.id);
  const ticketCodes = new Ed25519TicketCodes(generateEd25519Key());
  const checkIns = new InMemoryCheckInRepository(reservations);

  return {
    clock,
    performance,
    performances,
    seatIds,
    policy,
    ids,
    members,
    reservations,
    seatHolds,
    events,
    ...actors,
    holdSeats: new HoldSeats(performances, reservations, seatHolds, ids, clock, events, policy, options.seatStates),
    /** Another instance's HoldSeats: same database, its own hold store (and its own outage reports). */
    holdSeatsWith: (store: SeatHoldStore, onStoreUnavailable: (error: StoreUnavailableError) => void = () => {}) =>
      new HoldSeats(
        performances,
        reservations,
        new BestEffortSeatHoldStore(store, onStoreUnavailable),
        ids,
        clock,
        events,
        policy,
      ),
    confirm: new ConfirmReservation(reservations, members, seatHolds, clock, events, ticketCodes),
    cancel: new CancelReservation(reservations, members, seatHolds, clock, events),
    get: new GetReservation(reservations, members, clock, ticketCodes),
    ticketCodes,
    checkIns,
    checkIn: new CheckInTicket(reservations, checkIns, members, ticketCodes, clock, events),
    getTicketCode: new GetTicketCode(reservations, members, ticketCodes),
    list: new ListMemberReservations(reservations, members, clock),
    sweep: new ExpireOverdueHolds(reservations, seatHolds, clock, events, 2),
    seatMap: new GetSeatMap(new SeatMapReader(performances, unversionedSeatStates(reservations), clock)),
  };
}
