import type { ApiRouter } from '../api-router';
import type { UseCases } from '../http-dependencies';
import { presentToken } from '../presenters/member.presenter';
import type { HttpRateLimits } from '../rate-limits';
import { LogInBody, TokenSchema } from '../schemas/member.schema';
import { API_PREFIX, NO_STORE, ok } from './respond';

export function authRoutes(api: ApiRouter, useCases: UseCases, rateLimits: HttpRateLimits): void {
  api.route(
    {
      method: 'post',
      path: `${API_PREFIX}/auth/login`,
      operationId: 'logIn',
      summary: 'Exchange email and password for a bearer access token',
      description:
        'Rate limited per client IP; after too many attempts without a success for one account (per address, and ' +
        'from anywhere), further attempts are refused with 429 RATE_LIMITED for a while. A success resets them.',
      tag: 'Auth',
      access: 'anyone',
      body: LogInBody,
      rateLimit: 'login',
      responses: [{ status: 200, description: 'An access token', schema: TokenSchema }],
      errors: ['INVALID_CREDENTIALS'],
    },
    async (ctx, { body }) => {
      const token = await rateLimits.guardLogin(body.email, ctx, () => useCases.logIn.execute(body));
      return ok(presentToken(token), NO_STORE);
    },
  );
}
