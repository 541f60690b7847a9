import { InMemoryPerformanceRepository } from '../../src/adapters/memory/in-memory-performance.repository';
import { performanceRepositoryContract } from './performance-repository.contract';

performanceRepositoryContract(() => new InMemoryPerformanceRepository());
