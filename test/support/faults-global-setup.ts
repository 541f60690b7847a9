import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWatchdog } from './owned-servers';

/** One ledger file per run of the fault suite: each file appends its numbers, the teardown adds them up. */
export default function globalSetup(): void {
  const directory = mkdtempSync(join(tmpdir(), 'ticketing-fault-ledger-'));
  process.env['FAULT_LEDGER'] = join(directory, 'ledger.jsonl');
  // Removed by the teardown; by a watchdog if Jest dies before it runs.
  startWatchdog(undefined, directory);
}
