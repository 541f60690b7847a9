import { AggregateRoot, DomainEvent } from '../shared/aggregate-root';
import { Money } from '../shared/money';
import {
  DuplicateSeatsError,
  InvalidPerformanceError,
  SalesClosedError,
  TooManySeatsError,
  UnknownSeatsError,
} from './performance.errors';

export interface Grade {
  readonly name: string;
  readonly price: Money;
}

export interface Section {
  readonly name: string;
  readonly grade: string;
  readonly rows: number;
  readonly seatsPerRow: number;
}

export interface Seat {
  readonly id: string;
  /** Section-row-number, e.g. "A-3-12": what is printed on the ticket. */
  readonly label: string;
  readonly section: string;
  readonly row: number;
  readonly number: number;
  readonly grade: string;
}

/**
 * A performance on sale through a waiting room: members queue, and are admitted
 * `admitPerMinute` per minute; an admission lets its member hold seats for `admissionSeconds`.
 */
export interface WaitingRoomSettings {
  readonly admitPerMinute: number;
  readonly admissionSeconds: number;
}

export const WAITING_ROOM_LIMITS = {
  maxAdmitPerMinute: 100_000,
  minAdmissionSeconds: 10,
  maxAdmissionSeconds: 86_400,
  defaultAdmissionSeconds: 600,
} as const;

/** A seat together with what it costs in this performance. */
export interface PricedSeat extends Seat {
  readonly price: Money;
}

/** What a performance is announced with: where, when, and its sales window. */
export interface PerformanceBill {
  readonly title: string;
  readonly venue: string;
  readonly startsAt: Date;
  readonly salesOpenAt: Date;
  readonly salesCloseAt: Date;
}

export interface NewPerformance extends PerformanceBill {
  readonly grades: readonly Grade[];
  readonly sections: readonly Section[];
  /** Absent or null: no waiting room, holds need no admission. */
  readonly waitingRoom?: WaitingRoomSettings | null;
}

export interface PerformanceSnapshot extends NewPerformance {
  readonly id: string;
  readonly seats: readonly Seat[];
  readonly createdAt: Date;
}

export interface PerformanceCreated extends DomainEvent {
  readonly type: 'PerformanceCreated';
  readonly performanceId: string;
  readonly seatCount: number;
}

/** Limits that keep one request from building a hall no venue has (and no seat map can render). */
export const LAYOUT_LIMITS = { maxRows: 200, maxSeatsPerRow: 200, maxSeats: 50_000 } as const;

export class Performance extends AggregateRoot<PerformanceCreated> {
  readonly #seatsById: ReadonlyMap<string, Seat>;
  readonly #gradesByName: ReadonlyMap<string, Grade>;

  private constructor(private readonly props: PerformanceSnapshot) {
    super();
    this.#seatsById = new Map(props.seats.map((seat) => [seat.id, seat]));
    this.#gradesByName = new Map(props.grades.map((grade) => [grade.name, grade]));
  }

  /**
   * Lays out the hall: every section gets rows × seatsPerRow seats, numbered from 1, each
   * with an id from `nextSeatId` that stays the same for the life of the performance.
   */
  static create(id: string, input: NewPerformance, now: Date, nextSeatId: () => string): Performance {
    validate(input);
    const seats: Seat[] = [];
    for (const section of input.sections) {
      for (let row = 1; row <= section.rows; row++) {
        for (let number = 1; number <= section.seatsPerRow; number++) {
          seats.push({
            id: nextSeatId(),
            label: `${section.name}-${row}-${number}`,
            section: section.name,
            row,
            number,
            grade: section.grade,
          });
        }
      }
    }
    const performance = new Performance({
      ...input,
      waitingRoom: input.waitingRoom ?? null,
      id,
      seats,
      createdAt: now,
    });
    performance.record({ type: 'PerformanceCreated', occurredAt: now, performanceId: id, seatCount: seats.length });
    return performance;
  }

  static restore(snapshot: PerformanceSnapshot): Performance {
    return new Performance(snapshot);
  }

  get id(): string {
    return this.props.id;
  }

  get seatCount(): number {
    return this.props.seats.length;
  }

  get waitingRoom(): WaitingRoomSettings | null {
    return this.props.waitingRoom ?? null;
  }

  get salesOpenAt(): Date {
    return this.props.salesOpenAt;
  }

  get salesCloseAt(): Date {
    return this.props.salesCloseAt;
  }

  get currency(): string {
    return this.props.grades[0]!.price.currency;
  }

  isOnSale(now: Date): boolean {
    return now >= this.props.salesOpenAt && now < this.props.salesCloseAt;
  }

  priceOf(seat: Seat): Money {
    return this.#gradesByName.get(seat.grade)!.price;
  }

  seat(seatId: string): Seat | undefined {
    return this.#seatsById.get(seatId);
  }

  /**
   * Everything a hold must satisfy that the performance alone can decide: the sales window,
   * how many seats one request may take, and that each seat exists here exactly once.
   * Whether the seats are free is decided by the seat-hold store and the database.
   */
  selectSeatsForHold(seatIds: readonly string[], now: Date, maxSeatsPerHold: number): PricedSeat[] {
    if (!this.isOnSale(now)) {
      throw new SalesClosedError(this.id, this.props.salesOpenAt, this.props.salesCloseAt);
    }
    if (seatIds.length === 0 || seatIds.length > maxSeatsPerHold) {
      throw new TooManySeatsError(seatIds.length, maxSeatsPerHold);
    }
    const repeated = seatIds.filter((seatId, index) => seatIds.indexOf(seatId) !== index);
    if (repeated.length > 0) throw new DuplicateSeatsError([...new Set(repeated)]);
    const unknown = seatIds.filter((seatId) => !this.#seatsById.has(seatId));
    if (unknown.length > 0) throw new UnknownSeatsError(this.id, unknown);
    return seatIds.map((seatId) => {
      const seat = this.#seatsById.get(seatId)!;
      return { ...seat, price: this.priceOf(seat) };
    });
  }

  toSnapshot(): PerformanceSnapshot {
    return this.props;
  }
}

/** What a DATETIME column (and every calendar a person uses) can hold. */
const EARLIEST_DATE_MS = Date.UTC(1000, 0, 1);
const LATEST_DATE_MS = Date.UTC(10000, 0, 1);

/**
 * Names are keys: "VIP" and "VIP " would be two grades here but one to a database that
 * ignores trailing spaces, so names may not start or end with white space.
 */
function assertPlainName(kind: string, name: string, fail: (message: string) => never): void {
  if (name.length === 0 || name !== name.trim())
    fail(`${kind} name "${name}" must not be blank or start or end with spaces`);
}

function validate(input: NewPerformance): void {
  const fail = (message: string): never => {
    throw new InvalidPerformanceError(message);
  };
  if (input.title.trim().length === 0) fail('title must not be blank');
  if (input.venue.trim().length === 0) fail('venue must not be blank');
  const dates = { startsAt: input.startsAt, salesOpenAt: input.salesOpenAt, salesCloseAt: input.salesCloseAt };
  for (const [name, date] of Object.entries(dates)) {
    if (!(date.getTime() >= EARLIEST_DATE_MS && date.getTime() < LATEST_DATE_MS))
      fail(`${name} must lie in the years 1000 to 9999`);
  }
  if (!(input.salesOpenAt < input.salesCloseAt)) fail('salesOpenAt must be before salesCloseAt');
  if (input.salesCloseAt > input.startsAt) fail('sales must close no later than the performance starts');
  if (input.grades.length === 0) fail('at least one price grade is needed');
  if (input.sections.length === 0) fail('at least one section is needed');

  const gradeNames = new Set<string>();
  const currency = input.grades[0]!.price.currency;
  for (const grade of input.grades) {
    assertPlainName('grade', grade.name, fail);
    if (gradeNames.has(grade.name)) fail(`grade ${grade.name} is defined twice`);
    if (grade.price.currency !== currency) fail('all grades must be priced in one currency');
    gradeNames.add(grade.name);
  }

  const sectionNames = new Set<string>();
  let seats = 0;
  for (const section of input.sections) {
    assertPlainName('section', section.name, fail);
    if (sectionNames.has(section.name)) fail(`section ${section.name} is defined twice`);
    if (section.name.includes('-'))
      fail(`section name ${section.name} must not contain "-" (it separates label parts)`);
    if (!gradeNames.has(section.grade)) fail(`section ${section.name} uses unknown grade ${section.grade}`);
    const integerIn = (value: number, max: number) => Number.isInteger(value) && value >= 1 && value <= max;
    if (!integerIn(section.rows, LAYOUT_LIMITS.maxRows))
      fail(`section ${section.name} rows must be 1..${LAYOUT_LIMITS.maxRows}`);
    if (!integerIn(section.seatsPerRow, LAYOUT_LIMITS.maxSeatsPerRow)) {
      fail(`section ${section.name} seatsPerRow must be 1..${LAYOUT_LIMITS.maxSeatsPerRow}`);
    }
    sectionNames.add(section.name);
    seats += section.rows * section.seatsPerRow;
  }
  if (seats > LAYOUT_LIMITS.maxSeats) fail(`a hall holds at most ${LAYOUT_LIMITS.maxSeats} seats, this one ${seats}`);
  if (input.waitingRoom) validateWaitingRoom(input.waitingRoom, fail);
}

function validateWaitingRoom(room: WaitingRoomSettings, fail: (message: string) => never): void {
  const { maxAdmitPerMinute, minAdmissionSeconds, maxAdmissionSeconds } = WAITING_ROOM_LIMITS;
  const integerIn = (value: number, min: number, max: number) =>
    Number.isInteger(value) && value >= min && value <= max;
  if (!integerIn(room.admitPerMinute, 1, maxAdmitPerMinute))
    fail(`waitingRoom.admitPerMinute must be an integer 1..${maxAdmitPerMinute}`);
  if (!integerIn(room.admissionSeconds, minAdmissionSeconds, maxAdmissionSeconds))
    fail(`waitingRoom.admissionSeconds must be an integer ${minAdmissionSeconds}..${maxAdmissionSeconds}`);
}
