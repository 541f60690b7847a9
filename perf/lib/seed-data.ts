import { Argon2PasswordHasher } from '../../src/adapters/security/argon2-password.hasher';
import { JoseTokenService } from '../../src/adapters/security/jose-token.service';
import { UuidV7IdGenerator } from '../../src/adapters/system/uuid-v7.id-generator';
import { DAY, MINUTE } from '../../testkit/time';
import { bulkInsert, connect } from './database';
import { JWT_SECRET, MEMBER_PASSWORD } from './environment';

export interface SeededSeat {
  readonly id: string;
  readonly label: string;
  readonly grade: string;
  /** Row within its section, from 1; front rows are the popular ones. */
  readonly row: number;
  readonly number: number;
}

export interface SeededPerformance {
  readonly id: string;
  /** In layout order (the seats table's position column). */
  readonly seats: readonly SeededSeat[];
}

export interface SeededMember {
  readonly id: string;
  readonly email: string;
  readonly token: string;
}

export interface SeedOptions {
  readonly performances: number;
  readonly seatsPerPerformance: number;
  readonly members: number;
  /** Default: sales opened a minute ago and close in six days. */
  readonly salesOpenAt?: Date;
}

export interface Seeded {
  readonly performances: readonly SeededPerformance[];
  readonly members: readonly SeededMember[];
  readonly timings: { readonly performancesMs: number; readonly membersMs: number; readonly tokensMs: number };
}

const GRADES = [
  { name: 'VIP', price: 150_000, share: 0.1 },
  { name: 'R', price: 120_000, share: 0.4 },
  { name: 'S', price: 90_000, share: 0.5 },
] as const;

const ids = new UuidV7IdGenerator();

/**
 * Writes performances on sale now and members with tokens straight into MySQL, with the
 * rows the migrations define and the service's repositories would write, in multi-row
 * INSERTs. 20 × 1,000 seats take about a second; nothing goes through HTTP.
 */
export async function seed(database: string, options: SeedOptions): Promise<Seeded> {
  const connection = await connect(database);
  try {
    let started = performance.now();
    const performances: SeededPerformance[] = [];
    const now = new Date();
    const rows = {
      performances: [] as unknown[][],
      grades: [] as unknown[][],
      sections: [] as unknown[][],
      seats: [] as unknown[][],
    };
    for (let index = 0; index < options.performances; index++) {
      const id = ids.next();
      const salesOpenAt = options.salesOpenAt ?? new Date(now.getTime() - MINUTE);
      const startsAt = new Date(Math.max(now.getTime(), salesOpenAt.getTime()) + 7 * DAY);
      rows.performances.push([
        id,
        `Perf Night ${index + 1}`,
        'Load Test Arena',
        startsAt,
        salesOpenAt,
        new Date(startsAt.getTime() - DAY),
        'KRW',
        now,
      ]);
      GRADES.forEach((grade, position) => rows.grades.push([id, grade.name, grade.price, position]));
      const seats: SeededSeat[] = [];
      layout(options.seatsPerPerformance).forEach((section, sectionPosition) => {
        rows.sections.push([id, section.name, section.grade, section.rows, section.seatsPerRow, sectionPosition]);
        for (let row = 1; row <= section.rows; row++) {
          for (let number = 1; number <= section.seatsPerRow; number++) {
            const seat = {
              id: ids.next(),
              label: `${section.name}-${row}-${number}`,
              grade: section.grade,
              row,
              number,
            };
            rows.seats.push([seat.id, id, section.name, row, number, section.grade, seat.label, seats.length]);
            seats.push(seat);
          }
        }
      });
      performances.push({ id, seats });
    }
    await bulkInsert(
      connection,
      'performances',
      ['id', 'title', 'venue', 'starts_at', 'sales_open_at', 'sales_close_at', 'currency', 'created_at'],
      rows.performances,
    );
    await bulkInsert(connection, 'performance_grades', ['performance_id', 'name', 'price', 'position'], rows.grades);
    await bulkInsert(
      connection,
      'performance_sections',
      ['performance_id', 'name', 'grade', 'row_count', 'seats_per_row', 'position'],
      rows.sections,
    );
    await bulkInsert(
      connection,
      'seats',
      ['id', 'performance_id', 'section', 'row_no', 'seat_no', 'grade', 'label', 'position'],
      rows.seats,
    );
    const performancesMs = performance.now() - started;

    started = performance.now();
    const members: { id: string; email: string }[] = [];
    if (options.members > 0) {
      // One argon2id hash at the service's parameters, shared by every member: logging in works.
      const passwordHash = await new Argon2PasswordHasher().hash(MEMBER_PASSWORD);
      const memberRows: unknown[][] = [];
      for (let index = 0; index < options.members; index++) {
        const member = { id: ids.next(), email: `member-${index}@perf.test` };
        members.push(member);
        memberRows.push([member.id, member.email, `Member ${index}`, passwordHash, 'USER', now]);
      }
      await bulkInsert(
        connection,
        'members',
        ['id', 'email', 'name', 'password_hash', 'role', 'created_at'],
        memberRows,
      );
    }
    const membersMs = performance.now() - started;

    started = performance.now();
    const tokens = new JoseTokenService(JWT_SECRET, 4 * 3600);
    const withTokens = await Promise.all(
      members.map(async (member) => ({
        ...member,
        token: (await tokens.issue({ memberId: member.id, role: 'USER' })).accessToken,
      })),
    );
    return {
      performances,
      members: withTokens,
      timings: {
        performancesMs: Math.round(performancesMs),
        membersMs: Math.round(membersMs),
        tokensMs: Math.round(performance.now() - started),
      },
    };
  } finally {
    await connection.end();
  }
}

/**
 * A hall of `seats` seats: rows of up to 50 (the largest divisor of `seats` that fits), the
 * front 10 % of rows VIP, the next 40 % R, the rest S; one section per grade.
 */
export function layout(seats: number): { name: string; grade: string; rows: number; seatsPerRow: number }[] {
  let seatsPerRow = Math.min(50, seats);
  while (seats % seatsPerRow !== 0) seatsPerRow--;
  const totalRows = seats / seatsPerRow;
  const sections = [];
  let assigned = 0;
  for (const [index, grade] of GRADES.entries()) {
    const rows =
      index === GRADES.length - 1
        ? totalRows - assigned
        : Math.min(totalRows - assigned, Math.ceil(totalRows * grade.share));
    if (rows > 0) sections.push({ name: String.fromCharCode(65 + index), grade: grade.name, rows, seatsPerRow });
    assigned += rows;
  }
  return sections;
}
