import * as argon2 from 'argon2';
import { Argon2PasswordHasher, OWASP_ARGON2ID } from '../../../src/adapters/security/argon2-password.hasher';

/** argon2's own calls, held open until the test finishes them: what is in flight is then observable. */
const mockInFlight: { finish: () => void; fail: () => void }[] = [];
jest.mock('argon2', () => {
  const held = <T>(value: T) =>
    new Promise<T>((resolve, reject) =>
      mockInFlight.push({ finish: () => resolve(value), fail: () => reject(new Error('malformed hash')) }),
    );
  return { argon2id: 2, hash: jest.fn(() => held('$argon2id$hash')), verify: jest.fn(() => held(true)) };
});

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Argon2PasswordHasher concurrency', () => {
  beforeEach(() => {
    mockInFlight.length = 0;
    jest.mocked(argon2.hash).mockClear();
    jest.mocked(argon2.verify).mockClear();
  });

  afterEach(() => jest.spyOn(performance, 'now').mockRestore());

  it('runs at most `concurrency` hashes and verifies at once, the rest in order as slots free', async () => {
    const hasher = new Argon2PasswordHasher({ ...OWASP_ARGON2ID, concurrency: 2 });
    const answers = [hasher.hash('a'), hasher.verify('$h', 'b'), hasher.hash('c'), hasher.verify('$h', 'd')];
    await settle();
    expect(mockInFlight).toHaveLength(2);

    mockInFlight[0]!.finish();
    await settle();
    expect(mockInFlight).toHaveLength(3);
    expect(jest.mocked(argon2.hash).mock.calls.map((call) => call[0])).toEqual(['a', 'c']);

    mockInFlight[1]!.finish();
    mockInFlight[2]!.finish();
    await settle();
    expect(mockInFlight).toHaveLength(4);
    mockInFlight[3]!.finish();
    await expect(Promise.all(answers)).resolves.toEqual(['$argon2id$hash', true, '$argon2id$hash', true]);
  });

  it('frees the slot of a verify that failed on a malformed hash, answering false', async () => {
    const hasher = new Argon2PasswordHasher({ ...OWASP_ARGON2ID, concurrency: 1 });
    const malformed = hasher.verify('not-a-hash', 'x');
    const next = hasher.hash('y');
    await settle();
    expect(mockInFlight).toHaveLength(1);

    mockInFlight[0]!.fail();
    await expect(malformed).resolves.toBe(false);
    await settle();
    expect(mockInFlight).toHaveLength(2);
    mockInFlight[1]!.finish();
    await expect(next).resolves.toBe('$argon2id$hash');
  });

  it('keeps the OWASP parameters whatever the concurrency', async () => {
    const hasher = new Argon2PasswordHasher({ ...OWASP_ARGON2ID, concurrency: 3 });
    const hashed = hasher.hash('p');
    await settle();
    mockInFlight[0]!.finish();
    await hashed;
    expect(argon2.hash).toHaveBeenCalledWith('p', {
      memoryCost: 19_456,
      timeCost: 2,
      parallelism: 1,
      type: 2,
      salt: expect.any(Buffer),
    });
    // A fresh 16-byte salt for every hash, drawn without a trip through libuv's pool.
    const salts = jest.mocked(argon2.hash).mock.calls.map((call) => (call[1] as { salt: Buffer }).salt);
    expect(salts[0]).toHaveLength(16);
  });

  it('refuses with SERVICE_UNAVAILABLE, without hashing, what waited longer than maxQueueWaitMs; later ones still run', async () => {
    let now = 0;
    jest.spyOn(performance, 'now').mockImplementation(() => now);
    const hasher = new Argon2PasswordHasher({ ...OWASP_ARGON2ID, concurrency: 1, maxQueueWaitMs: 100 });
    const first = hasher.hash('first');
    const stale = hasher.verify('$h', 'stale');
    now = 150;
    const fresh = hasher.hash('fresh');
    await settle();

    now = 200; // stale has waited 200 ms, fresh 50 ms
    mockInFlight[0]!.finish();
    await expect(first).resolves.toBe('$argon2id$hash');
    await expect(stale).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await settle();
    expect(argon2.verify).not.toHaveBeenCalled();
    expect(jest.mocked(argon2.hash).mock.calls.map((call) => call[0])).toEqual(['first', 'fresh']);
    mockInFlight[1]!.finish();
    await expect(fresh).resolves.toBe('$argon2id$hash');
  });

  it('draws a different salt for every hash', async () => {
    const hasher = new Argon2PasswordHasher(OWASP_ARGON2ID);
    const hashes = [hasher.hash('same'), hasher.hash('same')];
    await settle();
    mockInFlight.forEach((call) => call.finish());
    await Promise.all(hashes);
    const [first, second] = jest.mocked(argon2.hash).mock.calls.map((call) => (call[1] as { salt: Buffer }).salt);
    expect(first!.equals(second!)).toBe(false);
  });

  it('refuses a concurrency below one', () => {
    expect(() => new Argon2PasswordHasher({ ...OWASP_ARGON2ID, concurrency: 0 })).toThrow(/at least 1/);
  });
});
