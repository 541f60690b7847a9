import { Options } from '../lib/options';
import { auditSection, commandLine, cpuTable, latencyTable } from '../lib/results';
import type { ScenarioOutcome } from '../lib/scenario';
import { describeHotPath, hotPathSettings, runHotPath } from './hot-path';
import { describeOnSale, onSaleSettings, runOnSale } from './on-sale';

/**
 * For CI: about ten seconds of load, a small hot path then a small sale, each audited.
 * `npm run perf:smoke` exits non-zero when an audit fails; speed is reported, not judged.
 */
export async function smoke(options: Options): Promise<ScenarioOutcome[]> {
  const hot = await runHotPath(
    hotPathSettings(options, {
      connections: 20,
      durationSeconds: 4,
      warmupSeconds: 1,
      performances: 4,
      database: 'ticketing_perf_smoke_hot',
    }),
  );
  const sale = await runOnSale(
    onSaleSettings(options, {
      members: 200,
      seats: 50,
      connections: 50,
      maxSeconds: 5,
      warmupSeconds: 0,
      database: 'ticketing_perf_smoke_sale',
    }),
  );
  const passed = hot.audit.passed && sale.audit.passed;
  const markdown = [
    `# smoke: ${passed ? 'PASSED' : 'FAILED'}`,
    '',
    `Command: \`${commandLine('perf:smoke')}\``,
    '',
    `## hot path: ${hot.reservationsPerSecond} reservations/s at 20 connections`,
    '',
    latencyTable([['all answers', hot.latency]]),
    '',
    cpuTable(hot.cpu),
    '',
    auditSection(hot.audit),
    '',
    `## on-sale: 200 members, 50 seats: ${sale.soldOut ? `sold out in ${sale.soldOutMs} ms` : `${sale.seatsSold} seats sold, not sold out`}`,
    '',
    latencyTable([
      ['winners (201)', sale.winners],
      ['losers (409)', sale.losers],
      ['confirm (200)', sale.confirms],
    ]),
    '',
    auditSection(sale.audit),
  ].join('\n');
  return [{ name: 'smoke', json: { hotPath: describeHotPath(hot), onSale: describeOnSale(sale) }, markdown, passed }];
}
