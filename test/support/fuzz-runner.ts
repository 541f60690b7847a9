import fc from 'fast-check';
import { contractViolations, operationFor, type DocumentedOperation } from './api-contract';
import type { TokenMaterial } from './fuzz-arbitraries';
import { requestsFor, type FuzzRequest, type RouteShape } from './fuzz-requests';
import type { FuzzTally } from './fuzz-tally';
import { rawRequest, type RawResponse } from './raw-http';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface FuzzRunnerOptions {
  readonly baseUrl: string;
  readonly tally: FuzzTally;
  /** The documented operations; an answer is judged by the route that served the path sent. */
  readonly operations: readonly DocumentedOperation[];
  /** What a client (or the test, through the stores) can see of the state; compared around rejected requests. */
  readonly observe: () => Promise<string>;
  /** How many mutating use cases have completed so far, where the suite can count them. */
  readonly committed?: () => number;
}

export interface CaseOptions {
  readonly mutating: boolean;
  readonly operation?: DocumentedOperation;
}

/**
 * Sends fuzz cases and judges each answer: the API contract (documented status, problem
 * details with a stable code, no internals, a safe X-Request-Id) and, for a rejected request,
 * that nothing changed. Throws with every violation, for fast-check to shrink and report.
 */
export class FuzzRunner {
  #observed = '';

  constructor(private readonly options: FuzzRunnerOptions) {}

  async start(): Promise<void> {
    this.#observed = await this.options.observe();
  }

  async exercise(label: string, request: FuzzRequest, options: CaseOptions): Promise<RawResponse> {
    const committedBefore = this.options.committed?.();
    const response = await rawRequest(this.options.baseUrl, request);
    this.options.tally.record(label, response.status);
    // A generated id may turn the path into another route's ("/performances/" + "" is the listing).
    const served = operationFor(this.options.operations, request.method, request.path) ?? options.operation;
    const violations = contractViolations(response, {
      method: request.method,
      path: request.path,
      ...(served ? { operation: served } : {}),
    });
    // Node's HTTP parser answers headers too large itself, before any middleware gives an id.
    const requestId = response.headers['x-request-id'];
    const parserAnswer = response.status === 431;
    if (!parserAnswer && (typeof requestId !== 'string' || !SAFE_REQUEST_ID.test(requestId)))
      violations.push(`unsafe X-Request-Id echoed: ${requestId}`);
    if (response.status >= 400) {
      if (committedBefore !== undefined && this.options.committed?.() !== committedBefore) {
        violations.push(`a ${response.status} answer, yet a mutating use case completed`);
      }
      if (options.mutating) {
        const now = await this.options.observe();
        if (now !== this.#observed) violations.push(`a ${response.status} answer changed the observable state`);
        this.#observed = now;
      }
    } else if (options.mutating) {
      this.#observed = await this.options.observe();
    }
    if (violations.length > 0) {
      throw new Error(
        `${request.method} ${request.path.slice(0, 200)} → ${response.status}\n  ${violations.join('\n  ')}`,
      );
    }
    return response;
  }

  /** Runs `numRuns` generated requests against one route. */
  async fuzzRoute(
    shape: RouteShape,
    tokens: TokenMaterial,
    forged: Record<string, string>,
    parameters: fc.Parameters<[FuzzRequest]>,
    check: (request: FuzzRequest, response: RawResponse) => void = () => {},
  ): Promise<void> {
    const { operation } = shape;
    const label = `${operation.method} ${operation.path}`;
    const mutating = operation.method === 'POST' && operation.operationId !== 'logIn';
    await fc.assert(
      fc.asyncProperty(requestsFor(shape, tokens, forged), async (request) => {
        check(request, await this.exercise(label, request, { mutating, operation }));
      }),
      parameters,
    );
  }
}

/** fast-check parameters from FUZZ_RUNS-style settings: a run count, an optional replay seed, a time cap. */
export function fuzzParameters(numRuns: number, seed: number | undefined, timeLimitMs = 20_000): fc.Parameters<any> {
  return {
    numRuns,
    ...(seed !== undefined ? { seed } : {}),
    // Shrinking a failure re-sends requests; bound it in wall time.
    interruptAfterTimeLimit: timeLimitMs,
    markInterruptAsFailure: false,
  };
}
