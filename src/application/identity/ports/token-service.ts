import type { Actor } from '../../shared/actor';

export interface IssuedToken {
  readonly accessToken: string;
  readonly expiresIn: number;
}

export interface TokenService {
  issue(actor: Actor): Promise<IssuedToken>;
  /** Throws InvalidTokenError for anything but a well-signed, unexpired token of ours. */
  verify(token: string): Promise<Actor>;
}
