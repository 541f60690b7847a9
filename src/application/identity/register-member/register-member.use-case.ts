import { MemberSnapshot } from '../../../domain/identity/member';
import { MemberRegistration, RegistrationInput } from '../member-registration';

export type RegisterMemberInput = RegistrationInput;

export class RegisterMember {
  constructor(private readonly registration: MemberRegistration) {}

  /** Everyone who signs up is a USER: roles are never chosen by the client. */
  execute(input: RegisterMemberInput): Promise<MemberSnapshot> {
    return this.registration.register(input, 'USER');
  }
}
