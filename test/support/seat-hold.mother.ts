import { randomUUID } from 'node:crypto';
import { SeatHoldStore } from '../../src/application/sales/ports/seat-hold-store';

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

/** A seat-hold store whose every operation fails with a fresh `failure()`; `calls` counts them. */
export function aSeatHoldStoreThatFails(failure: () => Error): SeatHoldStore & { readonly calls: () => number } {
  let calls = 0;
  const fail = async (): Promise<never> => {
    calls++;
    throw failure();
  };
  return { tryHold: fail, markSold: fail, release: fail, remember: fail, calls: () => calls };
}
