import { sign, verify } from 'node:crypto';
import type { TicketClaims, TicketCodes } from '../../application/sales/ports/ticket-codes';
import { type Ed25519SigningKey, verificationKeysOf } from './ed25519-signing-key';

const ALGORITHM = 'EdDSA';
const TYPE = 'ticket+jwt';
/** A code is about 350 characters; anything far longer is not worth parsing. */
export const TICKET_CODE_MAX_LENGTH = 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Ids are at most 36 characters (the ID columns). */
const ID_MAX_LENGTH = 36;

/**
 * Ticket codes as compact JWS (a JWT, RFC 7519): header `{"alg":"EdDSA","kid",...,"typ":
 * "ticket+jwt"}`, claims `t` (ticket id), `p` (performance id), `s` (seat id), signed with
 * Ed25519. Short claim names keep the QR code small; no `exp`: a ticket is good until it is
 * voided, which only the service knows. Ed25519 signatures are deterministic, so a ticket's
 * code is the same on every read. Any JOSE library verifies one against
 * /.well-known/jwks.json; this class signs and checks them with node:crypto alone, pinning
 * the algorithm, the type and the keys (the current one and those given as previous).
 */
export class Ed25519TicketCodes implements TicketCodes {
  readonly #verificationKeys: ReadonlyMap<string, Ed25519SigningKey['publicKey']>;
  readonly #header: string;

  constructor(
    private readonly signingKey: Ed25519SigningKey,
    previousKeys: readonly Ed25519SigningKey[] = [],
  ) {
    this.#verificationKeys = verificationKeysOf(signingKey, previousKeys);
    this.#header = encode({ alg: ALGORITHM, kid: signingKey.publicJwk.kid, typ: TYPE });
  }

  sign(ticket: TicketClaims): string {
    const signingInput = `${this.#header}.${encode({ t: ticket.ticketId, p: ticket.performanceId, s: ticket.seatId })}`;
    const signature = sign(null, Buffer.from(signingInput), this.signingKey.privateKey);
    return `${signingInput}.${signature.toString('base64url')}`;
  }

  verify(code: string): TicketClaims | null {
    if (code.length > TICKET_CODE_MAX_LENGTH) return null;
    const parts = code.split('.');
    if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return null;
    const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
    const header = decode(encodedHeader);
    if (header?.alg !== ALGORITHM || header.typ !== TYPE || 'crit' in header) return null;
    const key = typeof header.kid === 'string' ? this.#verificationKeys.get(header.kid) : undefined;
    if (!key) return null;
    const signature = Buffer.from(encodedSignature, 'base64url');
    if (!verify(null, Buffer.from(`${encodedHeader}.${encodedPayload}`), key, signature)) return null;
    const payload = decode(encodedPayload);
    const { t, p, s } = payload ?? {};
    if (![t, p, s].every((id) => typeof id === 'string' && id.length > 0 && id.length <= ID_MAX_LENGTH)) return null;
    return { ticketId: t as string, performanceId: p as string, seatId: s as string };
  }
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A JSON object, or null for anything else. */
function decode(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
