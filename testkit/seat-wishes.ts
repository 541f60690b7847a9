/**
 * What racer `member` asks for in an on-sale race: 1 to `maxSeats` adjacent seats from a
 * start that steps by 7 per member, so that many racers want the same seats.
 */
export function adjacentSeatWish(member: number, seatIds: readonly string[], maxSeats = 3): string[] {
  const count = 1 + (member % maxSeats);
  const start = (member * 7) % (seatIds.length - count + 1);
  return seatIds.slice(start, start + count);
}

/** The wishes of racers 0 to `members` - 1. */
export function adjacentSeatWishes(members: number, seatIds: readonly string[], maxSeats = 3): string[][] {
  return Array.from({ length: members }, (_, member) => adjacentSeatWish(member, seatIds, maxSeats));
}
