import type { ApiRouter } from '../api-router';
import type { UseCases } from '../http-dependencies';
import { presentToken } from '../presenters/member.presenter';
import { LogInBody, TokenSchema } from '../schemas/member.schema';
import { API_PREFIX, ok } from './respond';

export function authRoutes(api: ApiRouter, useCases: UseCases): void {
  api.route(
    {
      method: 'post',
      path: `${API_PREFIX}/auth/login`,
      operationId: 'logIn',
      summary: 'Exchange email and password for a bearer access token',
      tag: 'Auth',
      access: 'anyone',
      body: LogInBody,
      responses: [{ status: 200, description: 'An access token', schema: TokenSchema }],
      errors: ['INVALID_CREDENTIALS'],
    },
    async (ctx, { body }) => {
      const token = await useCases.logIn.execute(body);
      ctx.set('Cache-Control', 'no-store');
      ok(ctx, presentToken(token));
    },
  );
}
