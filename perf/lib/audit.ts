import { auditSales, sqlOverConnection, type AuditExpectations, type AuditResult } from '../../testkit/audit';
import { connect } from './database';

/** The audit every test of a race makes (testkit/audit.ts), over a run's whole perf database. */
export async function audit(database: string, expected: AuditExpectations): Promise<AuditResult> {
  const connection = await connect(database);
  try {
    return await auditSales(sqlOverConnection(connection), expected);
  } finally {
    await connection.end();
  }
}
