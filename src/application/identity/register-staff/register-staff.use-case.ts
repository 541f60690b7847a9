import { MemberSnapshot } from '../../../domain/identity/member';
import { MemberRepository } from '../../../domain/identity/member.repository';
import { Actor } from '../../shared/actor';
import { assertMemberExists } from '../../shared/existing-member';
import { MemberRegistration, RegistrationInput } from '../member-registration';

export type RegisterStaffInput = RegistrationInput;

export class RegisterStaff {
  constructor(
    private readonly members: MemberRepository,
    private readonly registration: MemberRegistration,
  ) {}

  /** An admin creates a STAFF member (checks tickets in at the doors), with sign-up's rules. */
  async execute(admin: Actor, input: RegisterStaffInput): Promise<MemberSnapshot> {
    await assertMemberExists(this.members, admin);
    return this.registration.register(input, 'STAFF');
  }
}
