import { MemberSnapshot } from '../../../domain/identity/member';
import { MemberRepository } from '../../../domain/identity/member.repository';
import { Actor } from '../../shared/actor';
import { InvalidTokenError } from '../../shared/errors';
import { MEMBER_GONE } from '../../shared/existing-member';

export class GetMember {
  constructor(private readonly members: MemberRepository) {}

  /** A well-signed token of a member that no longer exists is no longer a credential: 401, not 404. */
  async execute(actor: Actor): Promise<MemberSnapshot> {
    const member = await this.members.findById(actor.memberId);
    if (!member) throw new InvalidTokenError(MEMBER_GONE);
    return member.toSnapshot();
  }
}
