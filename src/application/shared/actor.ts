import type { Role } from '../../domain/identity/member';

/** Who is making a request, as proven by their access token. */
export interface Actor {
  readonly memberId: string;
  readonly role: Role;
}
