import { ADAPTER_ERRORS, DOMAIN_ERRORS } from '../../src/adapters/http/error-codes';
import type { RawResponse } from './raw-http';

/**
 * What the OpenAPI document promises per operation: its success statuses and, per error
 * status, the problem codes it may answer with. The fuzz suites hold every answer to it, so
 * an undocumented code is as much a finding as a 500.
 */
export interface DocumentedOperation {
  readonly operationId: string;
  readonly method: string;
  /** Koa form, e.g. /api/v1/performances/:id */
  readonly path: string;
  readonly successStatuses: ReadonlySet<number>;
  readonly problems: ReadonlyMap<number, ReadonlySet<string>>;
}

/**
 * Answers any route gives whatever the document says: to a path or method it does not serve,
 * and to headers too large for Node's HTTP parser (answered before any route is chosen).
 */
const ROUTING_PROBLEMS: ReadonlyMap<number, string> = new Map([
  [404, 'NOT_FOUND'],
  [405, 'METHOD_NOT_ALLOWED'],
  [431, 'HEADERS_TOO_LARGE'],
]);

export function documentedOperations(document: any): DocumentedOperation[] {
  const operations: DocumentedOperation[] = [];
  for (const [path, methods] of Object.entries<any>(document.paths)) {
    for (const [method, operation] of Object.entries<any>(methods)) {
      const successStatuses = new Set<number>();
      const problems = new Map<number, Set<string>>();
      for (const [status, response] of Object.entries<any>(operation.responses)) {
        // "Problem details; code: A | B", possibly after the description of a success at the same status.
        const description = String(response.description);
        const codes = /problem details[;,] code: (.+)$/i.exec(description);
        if (codes) problems.set(Number(status), new Set(codes[1]!.split(' | ')));
        if (!codes || !/^problem details/i.test(description)) successStatuses.add(Number(status));
      }
      operations.push({
        operationId: operation.operationId,
        method: method.toUpperCase(),
        path: path.replace(/\{(\w+)\}/g, ':$1'),
        successStatuses,
        problems,
      });
    }
  }
  return operations;
}

const KNOWN_CODES = new Map<string, Set<number>>();
for (const table of [ADAPTER_ERRORS, DOMAIN_ERRORS]) {
  for (const [code, kind] of Object.entries(table)) {
    KNOWN_CODES.set(code, (KNOWN_CODES.get(code) ?? new Set()).add(kind.status));
  }
}

/** A serialised error or stack frame: "    at fn (/app/src/x.ts:1:2)", a "stack" member, a source path. */
const STACK_TRACE = /\n\s+at |\bat \S+ \(\/|\/node_modules\/|\.[jt]s:\d+:\d+|"stack"\s*:/;

export interface AnswerExpectations {
  /** The operation the request was aimed at; undefined for paths no route serves. */
  readonly operation?: DocumentedOperation;
  readonly method: string;
  /** The request's path: a 404 echoes it in detail and instance, which is no leak. */
  readonly path?: string;
  /** Statuses besides the documented ones this request may get (e.g. 503 while a store is down). */
  readonly alsoAllowed?: readonly number[];
}

/**
 * Everything wrong with one answer, as sentences (empty when it is fine): a 5xx, a status the
 * document does not list, an error that is not RFC 9457 problem details with a stable code
 * from the error table, a stack trace or source path anywhere in the body.
 */
export function contractViolations(response: RawResponse, expected: AnswerExpectations): string[] {
  const violations: string[] = [];
  const { status } = response;
  const allowed = new Set(expected.alsoAllowed ?? []);
  if (status >= 500 && !allowed.has(status)) violations.push(`answered ${status}: ${response.text.slice(0, 300)}`);
  if (status >= 400 && STACK_TRACE.test(withoutEcho(response.text, expected.path))) {
    violations.push(`the body shows internals: ${response.text.slice(0, 300)}`);
  }
  if (status < 400) {
    const documented = expected.operation?.successStatuses.has(status) ?? false;
    const preflight = expected.method === 'OPTIONS' && status === 204;
    if (!documented && !preflight) violations.push(`answered ${status}, which the document does not list`);
    return violations;
  }
  if (expected.method === 'HEAD') return violations; // no body to judge
  if (expected.operation?.operationId === 'readiness' && status === 503 && response.json?.status === 'unavailable') {
    return violations; // the probe's own answer, not a problem
  }

  const type = String(response.headers['content-type'] ?? '');
  if (!type.startsWith('application/problem+json')) {
    violations.push(`a ${status} answered with content type "${type}" instead of application/problem+json`);
    return violations;
  }
  const problem = response.json;
  if (typeof problem !== 'object' || problem === null) return [...violations, `a ${status} whose body is not JSON`];
  const code = problem.code;
  // Headers too large are answered by Node's HTTP parser (client-error.ts) before the request
  // exists for the service: a problem with its code, but no instance or trace to name.
  if (status === 431) return code === 'HEADERS_TOO_LARGE' ? violations : [...violations, `a 431 with code ${code}`];
  const requestId = response.headers['x-request-id'];
  if (problem.status !== status) violations.push(`body status ${problem.status} differs from ${status}`);
  for (const member of ['title', 'detail', 'instance'] as const) {
    if (typeof problem[member] !== 'string' || problem[member] === '') violations.push(`problem without ${member}`);
  }
  if (typeof code !== 'string' || !KNOWN_CODES.has(code)) {
    violations.push(`code ${JSON.stringify(code)} is not in the error table`);
  } else {
    if (!KNOWN_CODES.get(code)!.has(status))
      violations.push(`code ${code} with status ${status} contradicts the error table`);
    if (problem.type !== `/problems/${code.toLowerCase().replaceAll('_', '-')}`)
      violations.push(`type ${problem.type} does not name ${code}`);
    const documented =
      ROUTING_PROBLEMS.get(status) === code ||
      (expected.operation?.problems.get(status)?.has(code) ?? false) ||
      allowed.has(status);
    if (!documented) {
      violations.push(
        `${code} (${status}) is not documented for ${expected.operation?.operationId ?? 'an unrouted path'}`,
      );
    }
  }
  // A replayed answer (Idempotency-Key) is the first answer as it was sent, so its traceId
  // names the trace where it happened, not the replay's own request id.
  const replayed = response.headers['idempotent-replayed'] === 'true';
  if (!replayed && problem.traceId !== requestId)
    violations.push(`traceId ${problem.traceId} differs from X-Request-Id ${requestId}`);
  if (status === 503 && response.headers['retry-after'] === undefined) violations.push('a 503 without Retry-After');
  if (status === 401 && response.headers['www-authenticate'] === undefined)
    violations.push('a 401 without WWW-Authenticate');
  return violations;
}

function withoutEcho(text: string, path: string | undefined): string {
  if (!path) return text;
  const bare = path.split('?')[0]!;
  let decoded = bare;
  try {
    decoded = decodeURIComponent(bare);
  } catch {
    // a malformed escape is echoed raw
  }
  return [bare, decoded, JSON.stringify(decoded).slice(1, -1)].reduce((rest, echo) => rest.split(echo).join(''), text);
}

/** The operation a method and concrete path are served by (HEAD by its GET), if any. */
export function operationFor(
  operations: readonly DocumentedOperation[],
  method: string,
  path: string,
): DocumentedOperation | undefined {
  const bare = path.split('?')[0]!;
  const wanted = method === 'HEAD' ? 'GET' : method;
  return operations.find((operation) => {
    if (operation.method !== wanted) return false;
    // As @koa/router matches by default: case-insensitive, with or without a trailing slash.
    const pattern = new RegExp(`^${operation.path.replace(/:\w+/g, '[^/]+')}/?$`, 'i');
    return pattern.test(bare);
  });
}
