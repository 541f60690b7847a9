import { Model } from 'objection';

/*
 * Row shapes of the tables, as Objection models. They never leave adapters/persistence:
 * the mappers turn them into domain snapshots. Repositories bind them to their own knex
 * with `Model.query(knex)`, so no global Model.knex() is needed.
 */

export class MemberModel extends Model {
  static override tableName = 'members';

  id!: string;
  email!: string;
  name!: string;
  password_hash!: string;
  role!: 'USER' | 'ADMIN';
  created_at!: Date;
}

export class PerformanceModel extends Model {
  static override tableName = 'performances';

  id!: string;
  title!: string;
  venue!: string;
  starts_at!: Date;
  sales_open_at!: Date;
  sales_close_at!: Date;
  currency!: string;
  created_at!: Date;
}

export class PerformanceGradeModel extends Model {
  static override tableName = 'performance_grades';
  static override get idColumn() {
    return ['performance_id', 'name'];
  }

  performance_id!: string;
  name!: string;
  /** BIGINT: a number while it is a safe integer (mysql2 supportBigNumbers). */
  price!: number | string;
  position!: number;
}

export class PerformanceSectionModel extends Model {
  static override tableName = 'performance_sections';
  static override get idColumn() {
    return ['performance_id', 'name'];
  }

  performance_id!: string;
  name!: string;
  grade!: string;
  row_count!: number;
  seats_per_row!: number;
  position!: number;
}

/** Seats are written with batched knex inserts (a hall is up to 50,000 rows); this is their shape. */
export interface SeatRow {
  id: string;
  performance_id: string;
  section: string;
  row_no: number;
  seat_no: number;
  grade: string;
  label: string;
  position: number;
}

export interface ReservationRow {
  id: string;
  member_id: string;
  performance_id: string;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED' | 'EXPIRED';
  total_price: number | string;
  currency: string;
  created_at: Date;
  expires_at: Date;
  confirmed_at: Date | null;
  cancelled_at: Date | null;
  version: number;
}

export interface ReservationSeatRow {
  reservation_id: string;
  seat_id: string;
  performance_id: string;
  label: string;
  grade: string;
  price: number | string;
  active_seat_id: string | null;
  position: number;
}
