import type { MemberRepository } from '../../domain/identity/member.repository';
import type { Actor } from './actor';
import { InvalidTokenError } from './errors';

/** Why a well-signed token is refused once its member is gone (deleted, or another environment's). */
export const MEMBER_GONE = 'The member this access token was issued to does not exist';

/**
 * A token outlives its member; every route that acts for a member answers such a token 401
 * INVALID_TOKEN, never 404 or an empty 200. It costs a primary-key read, so callers make it
 * only where nothing cheaper has proved the member exists already: a reservation the member
 * owns proves it (its foreign key), and so does the insert of a hold.
 */
export async function assertMemberExists(members: MemberRepository, actor: Actor): Promise<void> {
  if (!(await members.findById(actor.memberId))) throw new InvalidTokenError(MEMBER_GONE);
}
