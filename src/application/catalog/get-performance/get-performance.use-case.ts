import { Performance } from '../../../domain/catalog/performance';
import { SeatMapReader } from '../seat-map';

export interface GradeAvailability {
  readonly grade: string;
  readonly total: number;
  readonly available: number;
}

export interface PerformanceDetail {
  readonly performance: Performance;
  readonly availability: readonly GradeAvailability[];
}

export class GetPerformance {
  constructor(private readonly seatMaps: SeatMapReader) {}

  async execute(performanceId: string): Promise<PerformanceDetail> {
    const { performance, taken } = await this.seatMaps.read(performanceId);
    const byGrade = new Map(
      performance.toSnapshot().grades.map((grade) => [grade.name, { grade: grade.name, total: 0, available: 0 }]),
    );
    for (const seat of performance.toSnapshot().seats) {
      const counts = byGrade.get(seat.grade)!;
      counts.total++;
      if (!taken.has(seat.id)) counts.available++;
    }
    return { performance, availability: [...byGrade.values()] };
  }
}
