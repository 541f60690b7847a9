import { MemberSnapshot } from '../../../domain/identity/member';
import { MemberRepository } from '../../../domain/identity/member.repository';
import { InvalidTokenError } from '../../shared/errors';
import { Actor } from '../../shared/actor';

export class GetMember {
  constructor(private readonly members: MemberRepository) {}

  /** A well-signed token of a member that no longer exists is no longer a credential: 401, not 404. */
  async execute(actor: Actor): Promise<MemberSnapshot> {
    const member = await this.members.findById(actor.memberId);
    if (!member) throw new InvalidTokenError('The member this access token was issued to does not exist');
    return member.toSnapshot();
  }
}
