import type { SalesFigures, SalesReport } from '../../../application/sales/get-sales-report/get-sales-report.use-case';
import type { SalesReportJson } from '../schemas/sales-report.schema';

function figures(figures: SalesFigures) {
  return {
    seats: figures.seats,
    sold: figures.sold,
    held: figures.held,
    available: figures.available,
    revenue: figures.revenue.amount,
    currency: figures.revenue.currency,
  };
}

export function presentSalesReport(report: SalesReport): SalesReportJson {
  return {
    performanceId: report.performanceId,
    title: report.title,
    asOf: report.asOf.toISOString(),
    grades: report.grades.map((grade) => ({ grade: grade.grade, ...figures(grade) })),
    totals: figures(report.totals),
  };
}

export const SALES_REPORT_CSV_HEADER = ['scope', 'grade', 'seats', 'sold', 'held', 'available', 'revenue', 'currency'];

/** The report as RFC 4180 CSV: CRLF after every line, the last included. */
export function salesReportCsv(report: SalesReport): string {
  const line = (scope: string, grade: string, of: SalesFigures) =>
    [scope, grade, of.seats, of.sold, of.held, of.available, of.revenue.amount, of.revenue.currency]
      .map((field) => csvField(String(field)))
      .join(',');
  return [
    SALES_REPORT_CSV_HEADER.join(','),
    ...report.grades.map((grade) => line('grade', grade.grade, grade)),
    line('total', '', report.totals),
  ]
    .map((text) => `${text}\r\n`)
    .join('');
}

/**
 * RFC 4180: a field with a comma, a double quote or a line break is quoted, its quotes
 * doubled. A text that a spreadsheet would take for a formula (=, +, -, @, tab, CR first:
 * OWASP's CSV injection) gets an apostrophe in front, which spreadsheets show as text.
 */
function csvField(value: string): string {
  const inert = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(inert) ? `"${inert.replaceAll('"', '""')}"` : inert;
}
