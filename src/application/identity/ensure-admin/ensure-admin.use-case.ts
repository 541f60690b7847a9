import { normalizeEmail } from '../../../domain/identity/email';
import { EmailTakenError } from '../../../domain/identity/member.errors';
import { MemberRepository } from '../../../domain/identity/member.repository';
import { MemberRegistration } from '../member-registration';

export interface EnsuredAdmin {
  readonly outcome: 'created' | 'exists';
  /** The admin's id: start-up tasks (the embedded demo data) act as this member. */
  readonly memberId: string;
}

/**
 * Makes sure the configured admin account exists. Idempotent and safe when several
 * instances start at once: the unique email decides who creates it.
 */
export class EnsureAdmin {
  constructor(
    private readonly members: MemberRepository,
    private readonly registration: MemberRegistration,
  ) {}

  async execute(email: string, password: string): Promise<EnsuredAdmin> {
    const normalized = normalizeEmail(email);
    const existing = await this.members.findByEmail(normalized);
    if (existing) return { outcome: 'exists', memberId: existing.id };
    try {
      const created = await this.registration.register({ email, password, name: 'Administrator' }, 'ADMIN');
      return { outcome: 'created', memberId: created.id };
    } catch (error) {
      if (!(error instanceof EmailTakenError)) throw error;
      // Another instance created it a moment ago.
      const winner = await this.members.findByEmail(normalized);
      if (!winner) throw error;
      return { outcome: 'exists', memberId: winner.id };
    }
  }
}
