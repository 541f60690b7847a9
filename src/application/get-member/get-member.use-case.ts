import { MemberSnapshot } from '../../domain/identity/member';
import { MemberNotFoundError } from '../../domain/identity/member.errors';
import { MemberRepository } from '../../domain/identity/member.repository';
import { Actor } from '../ports/token-service';

export class GetMember {
  constructor(private readonly members: MemberRepository) {}

  async execute(actor: Actor): Promise<MemberSnapshot> {
    const member = await this.members.findById(actor.memberId);
    if (!member) throw new MemberNotFoundError(actor.memberId);
    return member.toSnapshot();
  }
}
