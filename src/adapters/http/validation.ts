import type { z } from 'zod';
import { PROBLEM_LIMITS, RequestError, truncate } from './error-codes';

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Zod issues as the problem body lists them: `grades.0.price`, never the offending value; the
 * first PROBLEM_LIMITS.issues of them, each cut to its documented size.
 */
export function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.slice(0, PROBLEM_LIMITS.issues).map((issue) => ({
    path: truncate(issue.path.map(String).join('.'), PROBLEM_LIMITS.issuePathLength),
    message: truncate(issue.message, PROBLEM_LIMITS.issueMessageLength),
  }));
}

/** Parses a query string or body against its schema; a mismatch is a 400 VALIDATION_FAILED. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where: 'body' | 'query'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new RequestError('VALIDATION_FAILED', `The request ${where} does not match its schema`, {
    errors: issuesOf(result.error),
  });
}

/** Path parameters are ids; a malformed one is a 400 INVALID_ID, so it never reaches a store. */
export function parseParams<S extends z.ZodType>(schema: S, params: unknown): z.output<S> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  throw new RequestError('INVALID_ID', 'A path parameter is not a well-formed UUID', {
    errors: issuesOf(result.error),
  });
}
