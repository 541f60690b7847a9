import { characterCount } from '../shared/text';
import { InvalidEmailError } from './member.errors';

/** What a mailbox address can be (RFC 5321's path limit) and what an email column holds. */
export const EMAIL_MAX_LENGTH = 254;
/** One @, no white space, a dot in the domain: the shape checked before any mail is sent. */
export const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Emails compare case-insensitively (RFC 5321 allows case-sensitive local parts, but no
 * real mailbox provider uses them, and two accounts differing only by case are a support
 * nightmare), so the canonical form is trimmed and lower-cased.
 */
export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (characterCount(email) > EMAIL_MAX_LENGTH || !EMAIL_SHAPE.test(email)) throw new InvalidEmailError();
  return email;
}

/** "jane.doe@example.com" → "j***@example.com": what logs may show of an address. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
