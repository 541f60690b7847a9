import { Performance } from './performance';

export interface PerformanceRepository {
  add(performance: Performance): Promise<void>;
  findById(id: string): Promise<Performance | null>;
}
