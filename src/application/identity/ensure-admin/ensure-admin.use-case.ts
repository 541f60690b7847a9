import { normalizeEmail } from '../../../domain/identity/email';
import { EmailTakenError } from '../../../domain/identity/member.errors';
import { MemberRepository } from '../../../domain/identity/member.repository';
import { MemberRegistration } from '../member-registration';

/**
 * Makes sure the configured admin account exists. Idempotent and safe when several
 * instances start at once: the unique email decides who creates it.
 */
export class EnsureAdmin {
  constructor(
    private readonly members: MemberRepository,
    private readonly registration: MemberRegistration,
  ) {}

  async execute(email: string, password: string): Promise<'created' | 'exists'> {
    if (await this.members.findByEmail(normalizeEmail(email))) return 'exists';
    try {
      await this.registration.register({ email, password, name: 'Administrator' }, 'ADMIN');
      return 'created';
    } catch (error) {
      if (error instanceof EmailTakenError) return 'exists';
      throw error;
    }
  }
}
