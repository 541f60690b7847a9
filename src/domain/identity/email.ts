import { InvalidEmailError } from './member.errors';

/**
 * Emails compare case-insensitively (RFC 5321 allows case-sensitive local parts, but no
 * real mailbox provider uses them, and two accounts differing only by case are a support
 * nightmare), so the canonical form is trimmed and lower-cased.
 */
export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new InvalidEmailError();
  return email;
}

/** "jane.doe@example.com" → "j***@example.com": what logs may show of an address. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
