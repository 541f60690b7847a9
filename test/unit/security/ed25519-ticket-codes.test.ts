import { sign } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { generateEd25519Key } from '../../../src/adapters/security/ed25519-signing-key';
import { Ed25519TicketCodes, TICKET_CODE_MAX_LENGTH } from '../../../src/adapters/security/ed25519-ticket-codes';

const ticket = {
  ticketId: '0190f2c4-1d5e-8a3b-9c1d-2e3f4a5b6c7d',
  performanceId: '0190f2c4-1d5e-7a3b-9c1d-2e3f4a5b6c7e',
  seatId: '0190f2c4-1d5e-7a3b-9c1d-2e3f4a5b6c7f',
};

describe('Ed25519 ticket codes', () => {
  const key = generateEd25519Key();
  const codes = new Ed25519TicketCodes(key);

  it('round-trips: a code it signed verifies to the same claims, and signing again gives the same code', () => {
    const code = codes.sign(ticket);
    expect(code).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(code.length).toBeLessThan(400);
    expect(codes.verify(code)).toEqual(ticket);
    expect(codes.sign(ticket)).toBe(code);
  });

  it('is a compact JWS that jose verifies with the served JWK Set alone', async () => {
    const code = codes.sign(ticket);
    const jwks = createLocalJWKSet({ keys: [generateEd25519Key().publicJwk, key.publicJwk] as never });
    const { payload, protectedHeader } = await jwtVerify(code, jwks, { algorithms: ['EdDSA'], typ: 'ticket+jwt' });
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: key.publicJwk.kid, typ: 'ticket+jwt' });
    expect(payload).toEqual({ t: ticket.ticketId, p: ticket.performanceId, s: ticket.seatId });
  });

  it('refuses a forged signature, a changed claim, and a signature from another key', () => {
    const code = codes.sign(ticket);
    const [header, payload, signature] = code.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expect(codes.verify(`${header}.${payload}.${flipped}`)).toBeNull();
    const otherSeat = Buffer.from(JSON.stringify({ t: ticket.ticketId, p: ticket.performanceId, s: 'x' })).toString(
      'base64url',
    );
    expect(codes.verify(`${header}.${otherSeat}.${signature}`)).toBeNull();
    const stranger = new Ed25519TicketCodes(generateEd25519Key());
    expect(codes.verify(stranger.sign(ticket))).toBeNull();
    // Another key under our kid is still another key.
    const [, strangePayload, strangeSignature] = stranger.sign(ticket).split('.');
    expect(codes.verify(`${header}.${strangePayload}.${strangeSignature}`)).toBeNull();
  });

  it('accepts a code of a previous key given to it, so a rotation keeps sold tickets valid', () => {
    const previousKey = generateEd25519Key();
    const code = new Ed25519TicketCodes(previousKey).sign(ticket);
    const rotated = new Ed25519TicketCodes(generateEd25519Key(), [previousKey]);
    expect(rotated.verify(code)).toEqual(ticket);
  });

  it('answers null, never throws, for anything malformed', () => {
    const code = codes.sign(ticket);
    const [header, payload] = code.split('.') as [string, string, string];
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const malformed = [
      '',
      'abc',
      'a.b',
      'a.b.c.d',
      '...',
      `${header}.${payload}.`,
      `${header}.${payload}.!!!`,
      `${encode({ alg: 'none', kid: '', typ: 'ticket+jwt' })}.${payload}.`,
      `${encode({ alg: 'HS256', kid: 'x', typ: 'ticket+jwt' })}.${payload}.AAAA`,
      `${encode({ alg: 'EdDSA', typ: 'ticket+jwt' })}.${payload}.AAAA`,
      `${encode([1, 2])}.${payload}.AAAA`,
      `${Buffer.from('not json').toString('base64url')}.${payload}.AAAA`,
      `${header}.${payload}.${'A'.repeat(TICKET_CODE_MAX_LENGTH)}`,
    ];
    for (const candidate of malformed) expect(codes.verify(candidate)).toBeNull();
  });

  it('refuses a well-signed token of another type or with missing claims (an admission token under the same key)', () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const signed = (header: object, payload: object) => {
      const input = `${encode(header)}.${encode(payload)}`;
      return `${input}.${sign(null, Buffer.from(input), key.privateKey).toString('base64url')}`;
    };
    const kid = key.publicJwk.kid;
    expect(codes.verify(signed({ alg: 'EdDSA', kid, typ: 'ticket+jwt' }, { t: 'a', p: 'b', s: 'c' }))).toEqual({
      ticketId: 'a',
      performanceId: 'b',
      seatId: 'c',
    });
    expect(codes.verify(signed({ alg: 'EdDSA', kid, typ: 'admission+jwt' }, { t: 'a', p: 'b', s: 'c' }))).toBeNull();
    expect(codes.verify(signed({ alg: 'EdDSA', kid, typ: 'ticket+jwt' }, { t: 'a', p: 'b' }))).toBeNull();
    expect(codes.verify(signed({ alg: 'EdDSA', kid, typ: 'ticket+jwt' }, { t: 'a', p: 'b', s: 7 }))).toBeNull();
    expect(
      codes.verify(signed({ alg: 'EdDSA', kid, typ: 'ticket+jwt', crit: ['exp'] }, { t: 'a', p: 'b', s: 'c' })),
    ).toBeNull();
  });
});
