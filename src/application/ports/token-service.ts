import { Role } from '../../domain/identity/member';

/** Who is making a request, as proven by their token. */
export interface Actor {
  readonly memberId: string;
  readonly role: Role;
}

export interface IssuedToken {
  readonly accessToken: string;
  readonly expiresIn: number;
}

export interface TokenService {
  issue(actor: Actor): Promise<IssuedToken>;
  /** Throws InvalidTokenError for anything but a well-signed, unexpired token of ours. */
  verify(token: string): Promise<Actor>;
}
