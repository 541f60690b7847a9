import { Model } from 'objection';
import type { Role } from '../../domain/identity/member';

/*
 * The tables that Objection reads and writes (members, performances and their layout), as
 * models. They never leave adapters/persistence: the mappers turn them into domain
 * snapshots. Repositories bind them to their own knex with `Model.query(knex)`, so no
 * global Model.knex() is needed. Tables written with plain knex or mysql2 have plain row
 * types instead, in rows.ts.
 */

export class MemberModel extends Model {
  static override tableName = 'members';

  id!: string;
  email!: string;
  name!: string;
  password_hash!: string;
  role!: Role;
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
  waiting_room_admit_per_minute!: number | null;
  waiting_room_admission_seconds!: number | null;
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
