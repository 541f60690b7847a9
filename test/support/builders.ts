import { randomUUID } from 'node:crypto';
import { Member, MemberSnapshot } from '../../src/domain/identity/member';
import { NewPerformance, Performance } from '../../src/domain/catalog/performance';
import { Reservation } from '../../src/domain/sales/reservation';
import { ReservationLimits } from '../../src/domain/sales/reservation.repository';
import { Money } from '../../src/domain/shared/money';
import { performanceBody } from '../../testkit/performance-body';
import { DAY, HOUR, MINUTE, SECOND } from '../../testkit/time';

export { DAY, HOUR, MINUTE, SECOND };

/**
 * Object mothers: valid aggregates with every field overridable. Ids are random UUIDs,
 * so builders can be called freely against a shared database; times are fixed around
 * T0, the ManualClock's default "now".
 */
export const T0 = new Date('2030-01-01T00:00:00.000Z');

export const at = (offsetMs: number, from: Date = T0): Date => new Date(from.getTime() + offsetMs);

/** For tests about something other than the per-member seat cap. */
export const NO_MEMBER_CAP: ReservationLimits = { maxSeatsPerMember: 1_000_000 };

let emailSequence = 0;

export function aMember(overrides: Partial<MemberSnapshot> = {}): Member {
  return Member.restore({
    id: randomUUID(),
    email: `member-${++emailSequence}-${randomUUID().slice(0, 8)}@example.com`,
    name: 'Test Member',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$not-a-real-hash',
    role: 'USER',
    createdAt: T0,
    ...overrides,
  });
}

export interface PerformanceOverrides extends Partial<NewPerformance> {
  readonly id?: string;
  readonly createdAt?: Date;
  /** Makes seat ids; random UUIDs by default. */
  readonly nextSeatId?: () => string;
}

/**
 * The input for a small hall on sale at T0, as the domain takes it: the API's performance
 * body (testkit) with section B one row longer, A (VIP, 2×5) and B (R, 3×5), priced in KRW.
 */
export function aNewPerformance(overrides: Partial<NewPerformance> = {}): NewPerformance {
  const body = performanceBody(T0, {
    title: 'Test Concert',
    sections: [
      { name: 'A', grade: 'VIP', rows: 2, seatsPerRow: 5 },
      { name: 'B', grade: 'R', rows: 3, seatsPerRow: 5 },
    ],
  });
  return {
    title: body.title,
    venue: body.venue,
    startsAt: new Date(body.startsAt),
    salesOpenAt: new Date(body.salesOpenAt),
    salesCloseAt: new Date(body.salesCloseAt),
    grades: body.grades.map((grade) => ({ name: grade.name, price: Money.of(grade.price, 'KRW') })),
    sections: body.sections,
    ...overrides,
  };
}

/** That hall as an aggregate. */
export function aPerformance(overrides: PerformanceOverrides = {}): Performance {
  const { id = randomUUID(), createdAt = at(-DAY), nextSeatId = randomUUID, ...input } = overrides;
  return Performance.create(id, aNewPerformance(input), createdAt, nextSeatId);
}

/** Seat ids of a performance in layout order. */
export function seatIdsOf(performance: Performance): string[] {
  return performance.toSnapshot().seats.map((seat) => seat.id);
}

/**
 * The setting most store contracts start from: a performance and a member, both stored.
 * Answers the performance, its seat ids in order and the member's id.
 */
export async function aStoredHallAndMember(stores: {
  readonly performances: { add(performance: Performance): Promise<void> };
  readonly members: { add(member: Member): Promise<void> };
}): Promise<{ performance: Performance; seats: string[]; memberId: string }> {
  const performance = aPerformance();
  await stores.performances.add(performance);
  const member = aMember();
  await stores.members.add(member);
  return { performance, seats: seatIdsOf(performance), memberId: member.id };
}

export interface ReservationOverrides {
  readonly id?: string;
  readonly performance?: Performance;
  readonly memberId?: string;
  /** Seats of `performance` to hold; its first two by default. */
  readonly seatIds?: readonly string[];
  readonly now?: Date;
  readonly holdSeconds?: number;
}

/**
 * A PENDING hold made at `now` (T0); move it on with confirm / cancel / expire. Against
 * MySQL, store its performance and member first: the foreign keys insist.
 */
export function aReservation(overrides: ReservationOverrides = {}): Reservation {
  const performance = overrides.performance ?? aPerformance();
  const seatIds = overrides.seatIds ?? seatIdsOf(performance).slice(0, 2);
  return Reservation.hold({
    id: overrides.id ?? randomUUID(),
    memberId: overrides.memberId ?? randomUUID(),
    performanceId: performance.id,
    seats: seatIds.map((seatId) => {
      const seat = performance.seat(seatId);
      if (!seat) throw new Error(`Seat ${seatId} is not part of performance ${performance.id}`);
      return { seatId, label: seat.label, grade: seat.grade, price: performance.priceOf(seat) };
    }),
    now: overrides.now ?? T0,
    holdSeconds: overrides.holdSeconds ?? 300,
  });
}
