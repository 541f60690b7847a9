import { Performance } from '../../domain/catalog/performance';
import { Money } from '../../domain/shared/money';
import { PerformanceGradeModel, PerformanceModel, PerformanceSectionModel } from './objection-models';
import { SeatRow } from './rows';

export interface PerformanceRows {
  readonly performance: Partial<PerformanceModel>;
  readonly grades: Partial<PerformanceGradeModel>[];
  readonly sections: Partial<PerformanceSectionModel>[];
  readonly seats: SeatRow[];
}

/** BIGINT columns arrive as numbers, or as strings past 2^53 (which Money then refuses). */
export function amountFromColumn(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

export function performanceToRows(performance: Performance): PerformanceRows {
  const snapshot = performance.toSnapshot();
  return {
    performance: {
      id: snapshot.id,
      title: snapshot.title,
      venue: snapshot.venue,
      starts_at: snapshot.startsAt,
      sales_open_at: snapshot.salesOpenAt,
      sales_close_at: snapshot.salesCloseAt,
      currency: performance.currency,
      created_at: snapshot.createdAt,
      // Written only when there is one: without, the row is what a schema before 008 holds.
      ...(snapshot.waitingRoom && {
        waiting_room_admit_per_minute: snapshot.waitingRoom.admitPerMinute,
        waiting_room_admission_seconds: snapshot.waitingRoom.admissionSeconds,
      }),
    },
    grades: snapshot.grades.map((grade, position) => ({
      performance_id: snapshot.id,
      name: grade.name,
      price: grade.price.amount,
      position,
    })),
    sections: snapshot.sections.map((section, position) => ({
      performance_id: snapshot.id,
      name: section.name,
      grade: section.grade,
      row_count: section.rows,
      seats_per_row: section.seatsPerRow,
      position,
    })),
    seats: snapshot.seats.map((seat, position) => ({
      id: seat.id,
      performance_id: snapshot.id,
      section: seat.section,
      row_no: seat.row,
      seat_no: seat.number,
      grade: seat.grade,
      label: seat.label,
      position,
    })),
  };
}

export function performanceFromRows(
  row: PerformanceModel,
  grades: readonly PerformanceGradeModel[],
  sections: readonly PerformanceSectionModel[],
  seats: readonly SeatRow[],
): Performance {
  return Performance.restore({
    id: row.id,
    title: row.title,
    venue: row.venue,
    startsAt: row.starts_at,
    salesOpenAt: row.sales_open_at,
    salesCloseAt: row.sales_close_at,
    createdAt: row.created_at,
    waitingRoom:
      row.waiting_room_admit_per_minute != null && row.waiting_room_admission_seconds != null
        ? { admitPerMinute: row.waiting_room_admit_per_minute, admissionSeconds: row.waiting_room_admission_seconds }
        : null,
    grades: grades.map((grade) => ({ name: grade.name, price: Money.of(amountFromColumn(grade.price), row.currency) })),
    sections: sections.map((section) => ({
      name: section.name,
      grade: section.grade,
      rows: section.row_count,
      seatsPerRow: section.seats_per_row,
    })),
    seats: seats.map((seat) => ({
      id: seat.id,
      label: seat.label,
      section: seat.section,
      row: seat.row_no,
      number: seat.seat_no,
      grade: seat.grade,
    })),
  });
}
