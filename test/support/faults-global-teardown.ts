import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

interface Entry {
  readonly name: string;
  readonly faultsInjected: number;
  readonly requests: number;
  readonly requestsDuringFaults: number;
  readonly doubleSales: number;
  readonly lostConfirmations: number;
  readonly unexpected5xx: number;
}

/** Prints the run's totals over every fault file, the line to quote. */
export default function globalTeardown(): void {
  const ledger = process.env['FAULT_LEDGER'];
  if (!ledger) return;
  if (existsSync(ledger)) {
    const entries = readFileSync(ledger, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Entry);
    const sum = (field: keyof Omit<Entry, 'name'>) => entries.reduce((total, entry) => total + entry[field], 0);
    console.log(
      `\nfaults (all files: ${entries.map((entry) => entry.name).join(', ')}): ${sum('faultsInjected')} faults injected, ` +
        `${sum('requests')} requests, ${sum('requestsDuringFaults')} during faults, double sales ${sum('doubleSales')}, ` +
        `lost confirmations ${sum('lostConfirmations')}, 5xx other than 503: ${sum('unexpected5xx')}`,
    );
  }
  rmSync(dirname(ledger), { recursive: true, force: true });
}
