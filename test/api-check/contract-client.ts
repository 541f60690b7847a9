/**
 * The client side of the contract run. Every request goes through a Prism validating proxy:
 *
 * - `strict` (`prism proxy --errors`) for requests the document allows: Prism refuses a
 *   request the document forbids, and turns an answer that differs from the document into
 *   its own 500, so any Prism-made answer fails the case.
 * - `lenient` (`prism proxy` without --errors) for requests the document itself forbids (out
 *   of its bounds, malformed): Prism forwards them and lists violations in `sl-violations`. The
 *   case requires a request violation (the document states the bound the service enforced)
 *   and no response violation.
 */

const PRISM_PROBLEM = 'https://stoplight.io/prism/';

export type Via = 'strict' | 'lenient' | 'limited';

export interface CaseRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly token?: string;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as is (malformed JSON, another media type, an oversized body). */
  readonly rawBody?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Expectation {
  readonly status: number;
  /** The problem code of an error answer. */
  readonly code?: string;
  /** Headers that must be present, with a value matching. */
  readonly headers?: Readonly<Record<string, RegExp>>;
}

export interface CaseResult {
  readonly name: string;
  readonly via: Via;
  readonly operation: string;
  readonly expected: string;
  readonly actual: string;
  readonly failures: readonly string[];
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

interface Violation {
  readonly location: readonly string[];
  readonly message: string;
}

export class ContractClient {
  readonly results: CaseResult[] = [];

  constructor(private readonly bases: Readonly<Record<Via, string>>) {}

  /** Sends one case and records whether the answer is what the document and the case expect. */
  async check(name: string, via: Via, request: CaseRequest, expected: Expectation): Promise<Answer> {
    const failures: string[] = [];
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (request.token) headers['authorization'] = `Bearer ${request.token}`;
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    } else if (request.rawBody !== undefined) {
      body = request.rawBody;
    }
    Object.assign(headers, request.headers);
    let answer: Answer;
    try {
      const response = await fetch(`${this.bases[via]}${request.path}`, {
        method: request.method,
        headers,
        ...(body !== undefined && { body }),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      let parsed: unknown = text;
      if (/json/.test(response.headers.get('content-type') ?? '')) {
        try {
          parsed = JSON.parse(text);
        } catch {
          failures.push('answer says JSON but is not');
        }
      }
      answer = { status: response.status, headers: response.headers, body: parsed };
    } catch (error) {
      this.record(name, via, request, expected, 'no answer', [`request failed: ${(error as Error).message}`]);
      return { status: 0, headers: new Headers(), body: undefined };
    }

    const problemType = typeof answer.body?.type === 'string' ? (answer.body.type as string) : '';
    const violations = parseViolations(answer.headers.get('sl-violations'));
    if (problemType.startsWith(PRISM_PROBLEM)) {
      failures.push(
        `Prism answered instead of the service: ${problemType} ${JSON.stringify(answer.body.validation ?? answer.body.detail)}`,
      );
    }
    const responseViolations = violations.filter((violation) => violation.location[0] === 'response');
    for (const violation of responseViolations) {
      failures.push(`answer differs from the document at ${violation.location.join('.')}: ${violation.message}`);
    }
    if (via === 'lenient' && !violations.some((violation) => violation.location[0] === 'request')) {
      failures.push('the document allows this request, so it does not state the bound the case is about');
    }
    if (answer.status !== expected.status) failures.push(`status ${answer.status}, expected ${expected.status}`);
    if (expected.code !== undefined && answer.body?.code !== expected.code) {
      failures.push(`code ${String(answer.body?.code)}, expected ${expected.code}`);
    }
    for (const [header, pattern] of Object.entries(expected.headers ?? {})) {
      const value = answer.headers.get(header);
      if (value === null || !pattern.test(value))
        failures.push(`header ${header}: ${String(value)}, expected ${pattern}`);
    }
    const actual = `${answer.status}${answer.body?.code ? ` ${String(answer.body.code)}` : ''}`;
    this.record(name, via, request, expected, actual, failures);
    return answer;
  }

  /** Adds a failure to the case checked last (an expectation on the answer's content). */
  fail(message: string): void {
    const last = this.results.at(-1);
    if (last) (last.failures as string[]).push(message);
  }

  private record(
    name: string,
    via: Via,
    request: CaseRequest,
    expected: Expectation,
    actual: string,
    failures: string[],
  ): void {
    this.results.push({
      name,
      via,
      operation: `${request.method} ${request.path.split('?')[0]!.replace(/\/(performances|reservations)\/[^/]+/, '/$1/{id}')}`,
      expected: `${expected.status}${expected.code ? ` ${expected.code}` : ''}`,
      actual,
      failures,
    });
  }
}

function parseViolations(header: string | null): Violation[] {
  if (!header) return [];
  try {
    const parsed = JSON.parse(header) as Violation[];
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [{ location: ['response'], message: `unreadable sl-violations header: ${header}` }];
  }
}
