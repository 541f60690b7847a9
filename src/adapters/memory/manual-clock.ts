import { Clock } from '../../application/shared/ports/clock';

/** A clock that moves only when told: for tests and reproducible demos. */
export class ManualClock implements Clock {
  constructor(private current: Date = new Date('2030-01-01T00:00:00Z')) {}

  now(): Date {
    return new Date(this.current.getTime());
  }

  advance(milliseconds: number): void {
    this.current = new Date(this.current.getTime() + milliseconds);
  }

  set(date: Date): void {
    this.current = new Date(date.getTime());
  }
}
