import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADAPTER_ERRORS, DOMAIN_ERRORS } from '../../src/adapters/http/error-codes';
import { documentedOperations, type DocumentedOperation } from '../support/api-contract';
import { startTestApp, type TestApp } from '../support/service';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const ERROR_CODES = new Set([...Object.keys(ADAPTER_ERRORS), ...Object.keys(DOMAIN_ERRORS)]);
/** The README states these once, for every route, instead of in each row. */
const EVERY_ROUTE = new Set(['RATE_LIMITED', 'INTERNAL_ERROR', 'SERVICE_UNAVAILABLE', 'REQUEST_TIMEOUT']);

/** The README's route table: per "METHOD /path" (Koa form), the error codes its row names. */
function routeTable(): Map<string, Set<string>> {
  const rows = new Map<string, Set<string>>();
  for (const line of README.split('\n')) {
    const cells = line.split(' | ');
    if (!line.startsWith('| `') || cells.length < 3) continue;
    const codes = new Set([...cells[2]!.matchAll(/`([A-Z][A-Z_]+)`/g)].map((match) => match[1]!));
    for (const [, method, path] of cells[0]!.matchAll(/`(GET|POST|DELETE) ([^`?]+)[^`]*`/g)) {
      rows.set(`${method} ${path}`, new Set([...codes].filter((code) => ERROR_CODES.has(code))));
    }
  }
  return rows;
}

function documentedCodes(operation: DocumentedOperation): Set<string> {
  return new Set([...operation.problems.values()].flatMap((codes) => [...codes]));
}

describe('README', () => {
  let app: TestApp;
  let operations: DocumentedOperation[];

  beforeAll(async () => {
    app = await startTestApp();
    operations = documentedOperations((await app.request('GET', '/openapi.json')).body);
  });
  afterAll(() => app.close());

  it('has a row for every route, naming every error code /openapi.json lists for it but those of every route', () => {
    const table = routeTable();
    for (const operation of operations) {
      const route = `${operation.method} ${operation.path}`;
      const documented = documentedCodes(operation);
      const listed = table.get(route);
      // A row may repeat a code of every route (the 429 of a login) but names nothing undocumented.
      expect({ route, listed: listed && [...listed].filter((code) => !EVERY_ROUTE.has(code)).sort() }).toEqual({
        route,
        listed: [...documented].filter((code) => !EVERY_ROUTE.has(code)).sort(),
      });
      expect({ route, undocumented: [...(listed ?? [])].filter((code) => !documented.has(code)) }).toEqual({
        route,
        undocumented: [],
      });
    }
  });

  it('shows a problem with the members and values a real 409 SEAT_UNAVAILABLE has', async () => {
    const example = JSON.parse(/problem details with a stable `code`:\n\n```json\n([\s\S]*?)\n```/.exec(README)![1]!);
    const performance = await app.createPerformance();
    const seatIds = (await app.seatIds(performance.id)).slice(0, 2);
    const hold = { performanceId: performance.id, seatIds };
    expect(
      (await app.request('POST', '/api/v1/reservations', { token: await app.memberToken(), body: hold })).status,
    ).toBe(201);
    const conflict = await app.request('POST', '/api/v1/reservations', { token: await app.memberToken(), body: hold });

    expect(conflict.status).toBe(409);
    expect(Object.keys(example).sort()).toEqual(Object.keys(conflict.body).sort());
    for (const member of ['type', 'title', 'status', 'code', 'instance']) {
      expect({ member, value: example[member] }).toEqual({ member, value: conflict.body[member] });
    }
  });
});
