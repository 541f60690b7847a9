import { ConfigError, loadConfig } from '../../../src/bootstrap/config';

const secrets = { STRIPE_SECRET_KEY: 'sk_test_config_key', STRIPE_WEBHOOK_SECRET: 'whsec_config_secret' };

function configError(source: NodeJS.ProcessEnv): string {
  try {
    loadConfig(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('the configuration was accepted');
}

describe('configuration of the Stripe payment provider', () => {
  it('is null without its settings', () => {
    expect(loadConfig({}).stripe).toBeNull();
  });

  it('reads both secrets, and talks to Stripe itself unless STRIPE_API_BASE says otherwise', () => {
    expect(loadConfig(secrets).stripe).toEqual({
      secretKey: 'sk_test_config_key',
      webhookSecret: 'whsec_config_secret',
      apiBase: null,
    });
  });

  it.each([
    ['http://127.0.0.1:12111', { host: '127.0.0.1', port: 12111, protocol: 'http' }],
    ['https://stripe-proxy.internal', { host: 'stripe-proxy.internal', port: 443, protocol: 'https' }],
    ['http://localhost/', { host: 'localhost', port: 80, protocol: 'http' }],
    ['https://[::1]:8443', { host: '::1', port: 8443, protocol: 'https' }],
  ])('turns STRIPE_API_BASE=%s into the host, port and protocol the SDK takes', (base, apiBase) => {
    expect(loadConfig({ ...secrets, STRIPE_API_BASE: base }).stripe?.apiBase).toEqual(apiBase);
  });

  it.each(['ftp://stripe.example', 'https://proxy.example/stripe', 'https://user:pw@proxy.example', 'not a url'])(
    'refuses STRIPE_API_BASE=%s',
    (base) => {
      expect(configError({ ...secrets, STRIPE_API_BASE: base })).toMatch(/STRIPE_API_BASE/);
    },
  );

  it('requires both secrets when PAYMENT_PROVIDER=stripe, naming the variables and never their values', () => {
    const message = configError({ PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_test_config_key' });
    expect(message).toMatch(/STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET/);
    expect(message).not.toContain('sk_test_config_key');
    expect(configError({ PAYMENT_PROVIDER: 'stripe' })).toMatch(/PAYMENT_PROVIDER=stripe/);
    expect(loadConfig({ PAYMENT_PROVIDER: 'stripe', ...secrets }).stripe?.secretKey).toBe('sk_test_config_key');
  });

  it('refuses one secret without the other, or a base without them, whatever the provider', () => {
    expect(configError({ STRIPE_WEBHOOK_SECRET: 'whsec_config_secret' })).toMatch(/both/);
    expect(configError({ STRIPE_API_BASE: 'http://127.0.0.1:1' })).toMatch(/STRIPE_API_BASE/);
  });
});
