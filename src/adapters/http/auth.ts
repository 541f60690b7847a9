import { ForbiddenError, InvalidTokenError } from '../../application/shared/errors';
import type { Actor } from '../../application/shared/actor';
import type { TokenService } from '../../application/identity/ports/token-service';
import { RequestError } from './error-codes';
import type { HttpContext } from './http-context';

/** Who may call a route: `staff` is STAFF or ADMIN (the doors), `admin` ADMIN alone. */
export type Access = 'anyone' | 'member' | 'staff' | 'admin';

/** Our tokens are a few hundred bytes; anything far larger is not worth a signature check. */
const MAX_TOKEN_LENGTH = 4096;
const BEARER = /^Bearer +(\S+) *$/i;

/**
 * No Authorization header, or one of another scheme, is UNAUTHENTICATED; a bearer token
 * that is malformed, expired, of another algorithm or signed with another key is
 * INVALID_TOKEN (thrown by the token service). Both are 401 with WWW-Authenticate.
 */
export async function authenticate(
  ctx: HttpContext,
  tokens: TokenService,
  access: Exclude<Access, 'anyone'>,
): Promise<Actor> {
  const header = ctx.get('Authorization');
  if (!header) throw new RequestError('UNAUTHENTICATED', 'Send an access token as "Authorization: Bearer <token>"');
  const match = BEARER.exec(header);
  if (!match) throw new RequestError('UNAUTHENTICATED', 'Only the Bearer authorization scheme is supported');
  const token = match[1]!;
  if (token.length > MAX_TOKEN_LENGTH) throw new InvalidTokenError();
  const actor = await tokens.verify(token);
  // Checked before the body is read, so a non-admin learns nothing from validation errors.
  if (access === 'admin' && actor.role !== 'ADMIN') throw new ForbiddenError('use this endpoint');
  if (access === 'staff' && actor.role !== 'STAFF' && actor.role !== 'ADMIN') {
    throw new ForbiddenError('use this endpoint');
  }
  ctx.state.actor = actor;
  return actor;
}
