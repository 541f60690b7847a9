import type { IssuedToken } from '../../../application/identity/ports/token-service';
import type { MemberSnapshot } from '../../../domain/identity/member';
import type { MemberJson, TokenJson } from '../schemas/member.schema';

/** Picks fields one by one: the password hash can never leak through a spread. */
export function presentMember(member: MemberSnapshot): MemberJson {
  return {
    id: member.id,
    email: member.email,
    name: member.name,
    role: member.role,
    createdAt: member.createdAt.toISOString(),
  };
}

export function presentToken(token: IssuedToken): TokenJson {
  return { accessToken: token.accessToken, tokenType: 'Bearer', expiresIn: token.expiresIn };
}
