import { ManualClock } from '../../../src/adapters/memory/manual-clock';
import { JoseTokenService } from '../../../src/adapters/security/jose-token.service';
import { T0 } from '../../support/builders';

const SECRET = 'a-unit-test-secret-that-is-long-enough-0123';

describe('verified tokens remembered until they expire', () => {
  it('answers a token verified before, and refuses it as expired once its exp has passed', async () => {
    const clock = new ManualClock(T0);
    const tokens = new JoseTokenService(SECRET, 60, clock);
    const { accessToken } = await tokens.issue({ memberId: 'member-1', role: 'USER' });

    expect(await tokens.verify(accessToken)).toEqual({ memberId: 'member-1', role: 'USER' });
    clock.advance(59_999);
    expect(await tokens.verify(accessToken)).toEqual({ memberId: 'member-1', role: 'USER' });
    clock.advance(1);
    await expect(tokens.verify(accessToken)).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
      message: 'The access token has expired',
    });
  });

  it('never answers a token that differs from a verified one, even by its signature alone', async () => {
    const tokens = new JoseTokenService(SECRET, 60);
    const { accessToken } = await tokens.issue({ memberId: 'member-1', role: 'ADMIN' });
    await tokens.verify(accessToken);
    const [header, payload, signature] = accessToken.split('.');
    const flipped = `${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BA' : 'AA'}`;
    const promoted = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'member-2' }),
    ).toString('base64url');

    await expect(tokens.verify(`${header}.${payload}.${flipped}`)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    await expect(tokens.verify(`${header}.${promoted}.${signature}`)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('keeps verifying other services’ tokens as forged, cached or not', async () => {
    const ours = new JoseTokenService(SECRET, 60);
    const theirs = new JoseTokenService(`${SECRET}-another-service`, 60);
    const { accessToken } = await theirs.issue({ memberId: 'member-1', role: 'USER' });
    await theirs.verify(accessToken);

    await expect(ours.verify(accessToken)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    await expect(ours.verify(accessToken)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });
});
