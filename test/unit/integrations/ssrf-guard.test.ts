import { forbiddenAddressReason, SsrfGuard, type Resolver } from '../../../src/adapters/webhooks/ssrf-guard';
import { NodeHttpWebhookSender } from '../../../src/adapters/webhooks/node-http-webhook.sender';
import { WebhookUrlForbiddenError } from '../../../src/domain/integrations/webhook.errors';

/** Names as a DNS server would answer them, without asking one. */
const fakeDns: Resolver = async (hostname) => {
  const answers: Record<string, string[]> = {
    'public.example': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    'loopback.example': ['127.0.0.1'],
    'private.example': ['10.1.2.3'],
    'metadata.example': ['169.254.169.254'],
    'mixed.example': ['93.184.215.14', '192.168.1.10'],
    'v6-loopback.example': ['::1'],
    'mapped.example': ['::ffff:127.0.0.1'],
  };
  const found = answers[hostname];
  if (!found) throw new Error('ENOTFOUND');
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const guard = new SsrfGuard(false, fakeDns);
const refusal = async (url: string) => {
  try {
    await guard.assertAllowed(url);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookUrlForbiddenError);
    return (error as WebhookUrlForbiddenError).code;
  }
};

describe('the SSRF guard', () => {
  it.each([
    'https://127.0.0.1/hook',
    'https://127.1.2.3/hook',
    'https://10.0.0.1/hook',
    'https://172.16.5.4/hook',
    'https://192.168.0.1/hook',
    'https://169.254.169.254/latest/meta-data/',
    'https://100.64.0.1/hook',
    'https://0.0.0.0/hook',
    'https://[::1]/hook',
    'https://[::]/hook',
    'https://[fe80::1]/hook',
    'https://[fd00::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://[::ffff:a9fe:a9fe]/hook',
    'https://[64:ff9b::10.0.0.1]/hook',
    'https://[2002:0a00:0001::1]/hook',
    'https://loopback.example/hook',
    'https://private.example/hook',
    'https://metadata.example/hook',
    'https://mixed.example/hook',
    'https://v6-loopback.example/hook',
    'https://mapped.example/hook',
    'https://unknown.example/hook',
  ])('refuses %s with WEBHOOK_URL_FORBIDDEN', async (url) => {
    expect(await refusal(url)).toBe('WEBHOOK_URL_FORBIDDEN');
  });

  it.each([
    'http://public.example/hook',
    'ftp://public.example/hook',
    'https://user:pass@public.example/hook',
    'not a url',
  ])('refuses %s: https only, no credentials', async (url) => {
    expect(await refusal(url)).toBe('WEBHOOK_URL_FORBIDDEN');
  });

  it('allows https to a name that resolves only to public addresses, and a public literal', async () => {
    expect(await refusal('https://public.example/hook?x=1')).toBeNull();
    expect(await refusal('https://93.184.215.14:8443/hook')).toBeNull();
    expect(await refusal('https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hook')).toBeNull();
  });

  it('names the address a refused name resolves to', async () => {
    await expect(guard.assertAllowed('https://metadata.example/')).rejects.toThrow(/169\.254\.169\.254/);
  });

  it('lets anything http(s) through with WEBHOOK_ALLOW_PRIVATE, but still no other scheme', async () => {
    const open = new SsrfGuard(true, fakeDns);
    await expect(open.assertAllowed('http://127.0.0.1:8080/hook')).resolves.toBeUndefined();
    await expect(open.assertAllowed('http://loopback.example/hook')).resolves.toBeUndefined();
    await expect(open.assertAllowed('file:///etc/passwd')).rejects.toBeInstanceOf(WebhookUrlForbiddenError);
  });

  it('judges each address, IPv4 embedded in IPv6 by the IPv4 inside', () => {
    expect(forbiddenAddressReason('8.8.8.8')).toBeNull();
    expect(forbiddenAddressReason('::ffff:8.8.8.8')).toBeNull();
    expect(forbiddenAddressReason('::ffff:10.0.0.1')).toMatch(/not a public address/);
    expect(forbiddenAddressReason('2001:db8::1')).toMatch(/not a public address/);
  });

  it('checks again before every send: a name that now resolves to loopback is not called', async () => {
    let answer = '93.184.215.14';
    const changing = new SsrfGuard(false, async () => [{ address: answer, family: 4 }]);
    await expect(changing.assertAllowed('https://rebinding.example/hook')).resolves.toBeUndefined();
    answer = '127.0.0.1';
    const sender = new NodeHttpWebhookSender(changing);
    const result = await sender.send({ url: 'https://rebinding.example/hook', headers: {}, body: '{}' });
    sender.close();
    expect(result).toEqual({ kind: 'forbidden', reason: expect.stringMatching(/127\.0\.0\.1/) });
  });
});
