import { normalizeEmail } from '../../../domain/identity/email';
import { MemberRepository } from '../../../domain/identity/member.repository';
import { DomainError } from '../../../domain/shared/domain-error';
import { InvalidCredentialsError } from '../../shared/errors';
import { PasswordHasher } from '../ports/password-hasher';
import { IssuedToken, TokenService } from '../ports/token-service';

export interface LogInInput {
  readonly email: string;
  readonly password: string;
}

export class LogIn {
  /** Verified against when the email is unknown, so both failures cost the same time. */
  #decoyHash: Promise<string> | undefined;

  constructor(
    private readonly members: MemberRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
  ) {}

  async execute(input: LogInInput): Promise<IssuedToken> {
    let email: string;
    try {
      email = normalizeEmail(input.email);
    } catch (error) {
      if (error instanceof DomainError) throw new InvalidCredentialsError();
      throw error;
    }
    const member = await this.members.findByEmail(email);
    if (!member) {
      // Spend the same hashing time as a real check, so response times do not reveal
      // which emails have accounts.
      // A hash refused while the service is saturated is not kept: the next unknown email tries again.
      this.#decoyHash ??= this.hasher.hash('decoy-password-for-timing').catch((error: unknown) => {
        this.#decoyHash = undefined;
        throw error;
      });
      await this.hasher.verify(await this.#decoyHash, input.password);
      throw new InvalidCredentialsError();
    }
    if (!(await this.hasher.verify(member.passwordHash, input.password))) throw new InvalidCredentialsError();
    return this.tokens.issue({ memberId: member.id, role: member.role });
  }
}
