import { ObjectionMemberRepository } from '../../../src/adapters/persistence/objection-member.repository';
import { ObjectionPerformanceRepository } from '../../../src/adapters/persistence/objection-performance.repository';
import { MysqlReservationRepository } from '../../../src/adapters/persistence/mysql-reservation.repository';
import { Member } from '../../../src/domain/identity/member';
import { Performance } from '../../../src/domain/catalog/performance';
import { Reservation } from '../../../src/domain/sales/reservation';
import { SeatsAlreadyClaimedError } from '../../../src/domain/sales/reservation.errors';
import {
  aMember,
  aPerformance,
  aReservation,
  at,
  MINUTE,
  NO_MEMBER_CAP,
  seatIdsOf,
  SECOND,
} from '../../support/builders';
import { useClaimPool, useTestDatabase } from '../../support/mysql';

// A pool wide enough that the racing inserts really run at the same time in InnoDB.
const knex = useTestDatabase({ poolMax: 25 });
const claims = useClaimPool({ poolMax: 25 });

describe('the active-claim unique index on reservation_seats', () => {
  let reservations: MysqlReservationRepository;
  let performance: Performance;
  let members: Member[];

  beforeEach(async () => {
    reservations = new MysqlReservationRepository(knex(), claims());
    performance = aPerformance({ sections: [{ name: 'A', grade: 'VIP', rows: 3, seatsPerRow: 10 }] });
    await new ObjectionPerformanceRepository(knex()).add(performance);
    members = Array.from({ length: 5 }, () => aMember());
    const memberRepository = new ObjectionMemberRepository(knex());
    for (const member of members) await memberRepository.add(member);
  });

  const activeClaimsPerSeat = () =>
    knex()('reservation_seats')
      .select('active_seat_id')
      .count({ claims: '*' })
      .whereNotNull('active_seat_id')
      .groupBy('active_seat_id') as Promise<{ active_seat_id: string; claims: number }[]>;

  it('lets exactly one of 50 racing reservations win each block of pairwise-overlapping seat sets', async () => {
    // 10 blocks of 3 seats {a, b, c}; per block 5 contenders ask for {a,b}, {b,c}, {a,c},
    // {a,b,c}, {a,b,c}. Any two overlap, so each block has at most one winner, and a loser
    // is only refused by a committed claim, so at least one: exactly 10 winners in all.
    const seats = seatIdsOf(performance);
    const contenders: { block: number; reservation: Reservation }[] = [];
    for (let block = 0; block < 10; block++) {
      const [a, b, c] = seats.slice(block * 3, block * 3 + 3) as [string, string, string];
      for (const seatIds of [
        [a, b],
        [b, c],
        [c, a],
        [a, b, c],
        [c, b, a],
      ]) {
        const memberId = members[contenders.length % members.length]!.id;
        contenders.push({ block, reservation: aReservation({ performance, memberId, seatIds }) });
      }
    }
    shuffle(contenders);

    const outcomes = await Promise.allSettled(
      contenders.map(({ reservation }) => reservations.add(reservation, NO_MEMBER_CAP)),
    );

    const winners = contenders.filter((_, i) => outcomes[i]!.status === 'fulfilled');
    expect(winners).toHaveLength(10);
    expect(new Set(winners.map((winner) => winner.block)).size).toBe(10);
    contenders.forEach((contender, i) => {
      const outcome = outcomes[i]!;
      if (outcome.status === 'fulfilled') return;
      // Every loser is told which winner holds which of its seats.
      const winner = winners.find((candidate) => candidate.block === contender.block)!;
      expect(outcome.reason).toBeInstanceOf(SeatsAlreadyClaimedError);
      const holders = (outcome.reason as SeatsAlreadyClaimedError).holders;
      expect(holders.size).toBeGreaterThan(0);
      for (const [seatId, holderId] of holders) {
        expect(contender.reservation.seatIds).toContain(seatId);
        expect(holderId).toBe(winner.reservation.id);
      }
    });

    const claims = await activeClaimsPerSeat();
    expect(claims.filter((seat) => Number(seat.claims) > 1)).toEqual([]);
    expect(claims).toHaveLength(winners.reduce((sum, winner) => sum + winner.reservation.seatIds.length, 0));
    expect(await knex()('reservations').count({ n: '*' }).first()).toEqual({ n: 10 });
  });

  it('lets exactly one of 50 racing reservations have the same seat', async () => {
    const seat = seatIdsOf(performance)[0]!;
    const contenders = Array.from({ length: 50 }, (_, i) =>
      aReservation({ performance, memberId: members[i % members.length]!.id, seatIds: [seat] }),
    );

    const outcomes = await Promise.allSettled(
      contenders.map((reservation) => reservations.add(reservation, NO_MEMBER_CAP)),
    );

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect(
      outcomes.filter((outcome) => outcome.status === 'rejected' && outcome.reason instanceof SeatsAlreadyClaimedError),
    ).toHaveLength(49);
    expect(await activeClaimsPerSeat()).toEqual([{ active_seat_id: seat, claims: 1 }]);
  });

  it('refuses a second active claim even when written around the repository', async () => {
    const [seat] = seatIdsOf(performance);
    const first = aReservation({ performance, memberId: members[0]!.id, seatIds: [seat!] });
    await reservations.add(first, NO_MEMBER_CAP);
    const second = aReservation({ performance, memberId: members[1]!.id, seatIds: [seat!] });
    const row = (reservation: Reservation, activeSeatId: string | null) => ({
      reservation_id: reservation.id,
      seat_id: seat,
      performance_id: performance.id,
      label: 'A-1-1',
      grade: 'VIP',
      price: 150_000,
      active_seat_id: activeSeatId,
      position: 0,
    });
    await knex()('reservations').insert({
      id: second.id,
      member_id: members[1]!.id,
      performance_id: performance.id,
      status: 'PENDING',
      total_price: 150_000,
      currency: 'KRW',
      created_at: at(0),
      expires_at: at(MINUTE),
      version: 0,
    });

    await expect(knex()('reservation_seats').insert(row(second, seat!))).rejects.toMatchObject({ errno: 1062 });
    // An inactive row is fine, and an active one must name its own seat.
    await expect(knex()('reservation_seats').insert(row(second, null))).resolves.toBeDefined();
    await knex()('reservation_seats').where({ reservation_id: second.id }).del();
    await expect(knex()('reservation_seats').insert(row(second, seatIdsOf(performance)[1]!))).rejects.toMatchObject({
      errno: 4025, // ER_CONSTRAINT_FAILED: the CHECK that active_seat_id is NULL or seat_id
    });
  });

  it('clears active_seat_id when a reservation is cancelled or expired, and only then', async () => {
    const seats = seatIdsOf(performance);
    const cancelled = aReservation({ performance, memberId: members[0]!.id, seatIds: [seats[0]!, seats[1]!] });
    const expired = aReservation({ performance, memberId: members[0]!.id, seatIds: [seats[2]!] });
    const confirmed = aReservation({ performance, memberId: members[0]!.id, seatIds: [seats[3]!] });
    for (const reservation of [cancelled, expired, confirmed]) await reservations.add(reservation, NO_MEMBER_CAP);
    cancelled.cancel(at(MINUTE));
    expired.expire(at(300 * SECOND));
    confirmed.confirm(at(MINUTE));
    for (const reservation of [cancelled, expired, confirmed]) await reservations.save(reservation);

    const rows = await knex()('reservation_seats').select('seat_id', 'active_seat_id').orderBy('seat_id');

    expect(
      new Map(rows.map((row: { seat_id: string; active_seat_id: string | null }) => [row.seat_id, row.active_seat_id])),
    ).toEqual(
      new Map([
        [seats[0], null],
        [seats[1], null],
        [seats[2], null],
        [seats[3], seats[3]],
      ]),
    );
    const next = aReservation({ performance, memberId: members[1]!.id, seatIds: [seats[0]!, seats[1]!, seats[2]!] });
    await expect(reservations.add(next, NO_MEMBER_CAP)).resolves.toBeUndefined();
  });
});

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
