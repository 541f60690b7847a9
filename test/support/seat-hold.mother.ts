import { randomUUID } from 'node:crypto';

/** Ids for seat hold tests: unique per call, so tests never collide even on a shared store. */
export const aPerformanceId = (): string => `perf-${randomUUID()}`;
export const aReservationId = (): string => `res-${randomUUID()}`;

/** `count` seat ids of one performance: s01, s02, ... */
export function seatIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `s${String(index + 1).padStart(2, '0')}`);
}

export function millisecondsAfter(date: Date, milliseconds: number): Date {
  return new Date(date.getTime() + milliseconds);
}
