import type { ApiResponse, Json } from '../../testkit/api-client';

/**
 * Asserts an RFC 9457 problem response: status, content type, the fixed members, a code,
 * a traceId equal to the X-Request-Id header, and no stack trace anywhere in the body.
 */
export function expectProblem(response: ApiResponse, status: number, code: string): Record<string, Json> {
  const body = response.body as Record<string, Json>;
  expect({ status: response.status, code: body?.code }).toEqual({ status, code });
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(body).toMatchObject({
    type: expect.stringMatching(/^\/problems\/[a-z-]+$/),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code,
    instance: expect.stringMatching(/^\//),
    traceId: response.headers.get('x-request-id'),
  });
  expect(body.type).toBe(`/problems/${code.toLowerCase().replaceAll('_', '-')}`);
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/\bstack\b| {4}at |\.ts:\d+/);
  return body;
}
