import { ObjectionPerformanceRepository } from '../../src/adapters/persistence/objection-performance.repository';
import { useTestDatabase } from '../support/mysql';
import { performanceRepositoryContract } from './performance-repository.contract';

const knex = useTestDatabase();

performanceRepositoryContract(() => new ObjectionPerformanceRepository(knex()));
