import { ObjectionMemberRepository } from '../../src/adapters/persistence/objection-member.repository';
import { ObjectionPerformanceRepository } from '../../src/adapters/persistence/objection-performance.repository';
import { MysqlReservationRepository } from '../../src/adapters/persistence/mysql-reservation.repository';
import { SqlSalesReportQuery } from '../../src/adapters/persistence/sql-sales-report.query';
import { useClaimPool, useTestDatabase } from '../support/mysql';
import { salesReportQueryContract } from './sales-report-query.contract';

const knex = useTestDatabase();
const claims = useClaimPool();

salesReportQueryContract(() => ({
  sales: new SqlSalesReportQuery(knex()),
  reservations: new MysqlReservationRepository(knex(), claims()),
  performances: new ObjectionPerformanceRepository(knex()),
  members: new ObjectionMemberRepository(knex()),
}));
