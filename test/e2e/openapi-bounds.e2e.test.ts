import { LAYOUT_LIMITS } from '../../src/domain/catalog/performance';
import { EMAIL_MAX_LENGTH } from '../../src/domain/identity/email';
import { MEMBER_NAME_MAX_LENGTH } from '../../src/domain/identity/member';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../src/domain/identity/password-policy';
import { startTestApp, type TestApp } from '../support/service';
import type { Json } from '../../testkit/api-client';

/**
 * The document states the bounds the service enforces: a value inside a documented bound is
 * not refused for it, a value past it is. Each test reads the bound from /openapi.json and
 * sends values at and past it.
 */
describe('the OpenAPI document states the bounds the service enforces', () => {
  let app: TestApp;
  let doc: Json;
  const schema = (name: string) => doc.components.schemas[name];

  beforeAll(async () => {
    app = await startTestApp({ policy: { maxSeatsPerReservation: 3 } });
    doc = (await app.request('GET', '/openapi.json')).body;
  });
  afterAll(() => app.close());

  describe('holds', () => {
    it('seatIds: maxItems is the configured MAX_SEATS_PER_RESERVATION, items unique, at least one', async () => {
      const seatIds = schema('HoldSeatsRequest').properties.seatIds;
      expect(seatIds).toMatchObject({ minItems: 1, maxItems: 3, uniqueItems: true });

      const performance = await app.createPerformance();
      const seats = await app.seatIds(performance.id);
      const member = await app.newMember();
      const hold = (ids: string[]) =>
        app.request('POST', '/api/v1/reservations', {
          token: member.token,
          body: { performanceId: performance.id, seatIds: ids },
        });
      expect((await hold(seats.slice(0, seatIds.maxItems))).status).toBe(201);
      expect((await hold(seats.slice(3, 4 + seatIds.maxItems))).body.code).toBe('TOO_MANY_SEATS');
      expect((await hold([seats[5]!, seats[5]!])).body.code).toBe('DUPLICATE_SEATS');
    });

    it('follows the configuration: another MAX_SEATS_PER_RESERVATION, another maxItems', async () => {
      const other = await startTestApp({ policy: { maxSeatsPerReservation: 6 } });
      try {
        const otherDoc = (await other.request('GET', '/openapi.json')).body;
        expect(otherDoc.components.schemas.HoldSeatsRequest.properties.seatIds.maxItems).toBe(6);
      } finally {
        await other.close();
      }
    });
  });

  describe('performances', () => {
    const create = async (overrides: Json) => {
      const response = await app.request('POST', '/api/v1/performances', {
        token: await app.adminToken(),
        body: app.performanceInput(overrides),
      });
      return response.status === 201 ? 'accepted' : `${response.status} ${String(response.body.code)}`;
    };
    const section = (fields: Json) => ({
      grades: [{ name: 'VIP', price: 1000 }],
      sections: [{ name: 'A', grade: 'VIP', rows: 1, seatsPerRow: 1, ...fields }],
    });

    it('rows and seatsPerRow: minimum and maximum are the layout limits of the domain', async () => {
      const { rows, seatsPerRow } = schema('NewSection').properties;
      expect([rows.minimum, rows.maximum]).toEqual([1, LAYOUT_LIMITS.maxRows]);
      expect([seatsPerRow.minimum, seatsPerRow.maximum]).toEqual([1, LAYOUT_LIMITS.maxSeatsPerRow]);
      for (const field of ['rows', 'seatsPerRow']) {
        const { minimum, maximum } = schema('NewSection').properties[field];
        expect(await create(section({ [field]: minimum }))).toBe('accepted');
        expect(await create(section({ [field]: maximum }))).toBe('accepted');
        expect(await create(section({ [field]: minimum - 1 }))).toBe('422 INVALID_PERFORMANCE');
        expect(await create(section({ [field]: maximum + 1 }))).toBe('422 INVALID_PERFORMANCE');
      }
    });

    it('price: 0 to 2^53 - 1', async () => {
      const { minimum, maximum } = schema('NewGrade').properties.price;
      const priced = (price: number) => ({ ...section({}), grades: [{ name: 'VIP', price }] });
      expect([minimum, maximum]).toEqual([0, Number.MAX_SAFE_INTEGER]);
      expect(await create(priced(minimum))).toBe('accepted');
      expect(await create(priced(maximum))).toBe('accepted');
      expect(await create(priced(minimum - 1))).toBe('400 VALIDATION_FAILED');
      expect(await create(priced(maximum + 1))).toBe('400 VALIDATION_FAILED');
    });

    it('names: the documented patterns accept exactly what the domain accepts', async () => {
      const gradeName = new RegExp(schema('NewGrade').properties.name.pattern, 'u');
      const sectionName = new RegExp(schema('NewSection').properties.name.pattern, 'u');
      for (const name of ['VIP', 'Balcony Left', 'A', ' VIP', 'VIP ', '', ' ', 'R-1', 'Über']) {
        const grade = await create({
          grades: [{ name, price: 1 }],
          sections: [{ name: 'A', grade: name, rows: 1, seatsPerRow: 1 }],
        });
        expect([name, grade === 'accepted']).toEqual([name, gradeName.test(name)]);
        const sectionAnswer = await create(section({ name }));
        expect([name, sectionAnswer === 'accepted']).toEqual([name, sectionName.test(name)]);
      }
      const title = new RegExp(schema('CreatePerformanceRequest').properties.title.pattern, 'u');
      for (const text of ['Gala', ' Gala ', '   ', '']) {
        expect([text, (await create({ title: text })) === 'accepted']).toEqual([text, title.test(text)]);
      }
    });

    it('the seat map is bounded by the largest hall allowed', () => {
      expect(schema('SeatMap').properties.seats.maxItems).toBe(LAYOUT_LIMITS.maxSeats);
    });
  });

  describe('members', () => {
    let serial = 0;
    const signUp = async (fields: Json) => {
      serial++;
      const response = await app.request('POST', '/api/v1/members', {
        body: { email: `bounds-${serial}@example.com`, password: 'correct horse battery', name: 'Jane', ...fields },
      });
      return response.status === 201 ? 'accepted' : `${response.status} ${String(response.body.code)}`;
    };

    it('password: minLength and maxLength are the password policy, counted in characters', async () => {
      const password = schema('RegisterMemberRequest').properties.password;
      expect([password.minLength, password.maxLength]).toEqual([PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH]);
      const of = (length: number, alphabet = 'abcdefgh') =>
        Array.from({ length }, (_, i) => [...alphabet][i % [...alphabet].length]).join('');
      expect(await signUp({ password: of(password.minLength) })).toBe('accepted');
      expect(await signUp({ password: of(password.maxLength) })).toBe('accepted');
      // An emoji is one character to JSON Schema, as to the service.
      expect(await signUp({ password: of(password.maxLength, '😀😁😂🤣') })).toBe('accepted');
      expect(await signUp({ password: of(password.minLength - 1) })).toBe('422 WEAK_PASSWORD');
      expect(await signUp({ password: of(password.maxLength + 1) })).toBe('422 WEAK_PASSWORD');
    });

    it('email: the documented pattern accepts exactly what the service accepts', async () => {
      const email = schema('RegisterMemberRequest').properties.email;
      expect(email.format).toBe('email');
      const pattern = new RegExp(email.pattern, 'u');
      const local = (length: number) => 'x'.repeat(length);
      const samples = [
        'jane@example.com',
        '  padded@example.com  ',
        'not-an-email',
        'jane@localhost',
        'two@@example.com',
        'with space@example.com',
        `${local(EMAIL_MAX_LENGTH - '@example.com'.length)}@example.com`,
        `${local(EMAIL_MAX_LENGTH - '@example.com'.length + 1)}@example.com`,
        ` ${local(EMAIL_MAX_LENGTH - '@example.com'.length - 1)}@example.com `,
      ];
      for (const sample of samples) {
        const accepted = (await signUp({ email: sample })) === 'accepted';
        expect([sample, accepted]).toEqual([sample, pattern.test(sample)]);
      }
    });

    it('name: the documented pattern accepts exactly what the service accepts, trimmed and in characters', async () => {
      const name = schema('RegisterMemberRequest').properties.name;
      const pattern = new RegExp(name.pattern, 'u');
      const samples = [
        'J',
        '  Jane  ',
        '',
        '   ',
        'n'.repeat(MEMBER_NAME_MAX_LENGTH),
        'n'.repeat(MEMBER_NAME_MAX_LENGTH + 1),
        ` ${'n'.repeat(MEMBER_NAME_MAX_LENGTH)} `,
        '😀'.repeat(MEMBER_NAME_MAX_LENGTH),
        '😀'.repeat(MEMBER_NAME_MAX_LENGTH + 1),
      ];
      for (const sample of samples) {
        const accepted = (await signUp({ name: sample })) === 'accepted';
        expect([sample, accepted]).toEqual([sample, pattern.test(sample)]);
      }
    });
  });
});

describe('the OpenAPI document bounds and describes everything', () => {
  let app: TestApp;
  let doc: Json;

  beforeAll(async () => {
    app = await startTestApp();
    doc = (await app.request('GET', '/openapi.json')).body;
  });
  afterAll(() => app.close());

  /** Every schema object in the document, with where it is. */
  function* schemas(node: Json, where: string): Generator<[string, Json]> {
    if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) yield* schemas(item, `${where}/${index}`);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const types = [node.type].flat();
    if (types.some((type: unknown) => ['string', 'integer', 'array'].includes(type as string))) yield [where, node];
    for (const [key, value] of Object.entries(node)) {
      if (key !== 'example' && key !== 'default') yield* schemas(value, `${where}/${key}`);
    }
  }

  it('bounds every string, integer and array', () => {
    for (const [where, node] of schemas(doc, '#')) {
      const types = [node.type].flat();
      if (types.includes('string')) {
        expect([where, node.maxLength !== undefined || node.enum !== undefined || node.const !== undefined]).toEqual([
          where,
          true,
        ]);
      }
      if (types.includes('integer')) {
        expect([where, node.minimum !== undefined && node.maximum !== undefined && node.format !== undefined]).toEqual([
          where,
          true,
        ]);
      }
      if (types.includes('array')) expect([where, node.maxItems !== undefined]).toEqual([where, true]);
    }
  });

  it('declares X-Request-Id on every answer, Retry-After on every 429 and 503', () => {
    for (const [path, item] of Object.entries<Json>(doc.paths)) {
      for (const [method, operation] of Object.entries<Json>(item)) {
        for (const [status, response] of Object.entries<Json>(operation.responses)) {
          const where = `${method} ${path} ${status}`;
          expect([where, response.headers?.['X-Request-Id']]).toEqual([
            where,
            { $ref: '#/components/headers/X-Request-Id' },
          ]);
          if (status === '429' || status === '503')
            expect([where, Boolean(response.headers['Retry-After'])]).toEqual([where, true]);
        }
      }
    }
    expect(doc.components.headers['X-Request-Id'].required).toBe(true);
  });

  it('declares Idempotent-Replayed on the answers of the idempotent routes', () => {
    for (const path of ['/api/v1/reservations', '/api/v1/reservations/{id}/confirm']) {
      const responses = doc.paths[path].post.responses;
      for (const status of ['200', '201', '409', '422'].filter((status) => responses[status])) {
        expect(responses[status].headers['Idempotent-Replayed']).toBeDefined();
      }
    }
    expect(doc.paths['/api/v1/performances'].get.responses['200'].headers['Idempotent-Replayed']).toBeUndefined();
  });

  it('documents the idempotent answer of a repeated cancel', () => {
    const cancel = doc.paths['/api/v1/reservations/{id}/cancel'].post;
    expect(cancel.responses['200'].description).toMatch(/already cancelled/i);
    expect(cancel.description).toMatch(/idempotent/i);
  });

  it('pages the member reservations like the performances', () => {
    const list = doc.paths['/api/v1/members/me/reservations'].get;
    expect(list.parameters.map((parameter: Json) => parameter.name).sort()).toEqual(['page', 'size']);
    expect(doc.components.schemas.ReservationPage.required).toEqual(
      expect.arrayContaining(['items', 'page', 'size', 'total']),
    );
  });

  it('has servers, sorted tags with descriptions, contact, licence, and the bearer scheme per RFC 8725', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/', description: expect.any(String) })]);
    const tags = doc.tags.map((tag: Json) => tag.name);
    expect(tags).toEqual([...tags].sort());
    for (const tag of doc.tags) expect(tag.description).toEqual(expect.any(String));
    const used = new Set(
      Object.values<Json>(doc.paths).flatMap((item) => Object.values<Json>(item).flatMap((op) => op.tags)),
    );
    expect([...used].sort()).toEqual([...tags].sort());
    expect(doc.info.contact).toEqual(
      expect.objectContaining({ name: expect.any(String), email: expect.any(String), url: expect.any(String) }),
    );
    expect(doc.info.license).toEqual(expect.objectContaining({ name: 'MIT', url: expect.any(String) }));
    expect(doc.components.securitySchemes.bearerAuth.description).toMatch(/RFC8725.*algorithm.*exp/s);
  });

  it('describes every operation and every parameter', () => {
    for (const [path, item] of Object.entries<Json>(doc.paths)) {
      for (const [method, operation] of Object.entries<Json>(item)) {
        expect([method, path, typeof operation.description]).toEqual([method, path, 'string']);
        for (const parameter of operation.parameters ?? []) {
          expect([method, path, parameter.name, typeof parameter.description]).toEqual([
            method,
            path,
            parameter.name,
            'string',
          ]);
        }
      }
    }
  });
});
