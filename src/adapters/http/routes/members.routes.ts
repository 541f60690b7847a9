import type { ApiRouter } from '../api-router';
import type { UseCases } from '../http-dependencies';
import { presentMember } from '../presenters/member.presenter';
import { MemberSchema, RegisterMemberBody } from '../schemas/member.schema';
import { API_PREFIX, LOCATION_HEADER, created, ok } from './respond';

export function memberRoutes(api: ApiRouter, useCases: UseCases): void {
  api.route(
    {
      method: 'post',
      path: `${API_PREFIX}/members`,
      operationId: 'registerMember',
      summary: 'Sign up',
      description: 'Creates a member with the USER role; roles are never chosen by the client.',
      tag: 'Members',
      access: 'anyone',
      body: RegisterMemberBody,
      responses: [{ status: 201, description: 'The new member', schema: MemberSchema, headers: LOCATION_HEADER }],
      errors: ['EMAIL_TAKEN', 'WEAK_PASSWORD', 'INVALID_EMAIL', 'VALIDATION_FAILED'],
    },
    async (_ctx, { body }) => {
      const member = await useCases.registerMember.execute(body);
      // There is no public per-id member resource: a member reads itself at /members/me.
      return created(`${API_PREFIX}/members/me`, presentMember(member));
    },
  );

  api.route(
    {
      method: 'get',
      path: `${API_PREFIX}/members/me`,
      operationId: 'getCurrentMember',
      summary: 'The member the token belongs to',
      description:
        'The calling member: id, email, name, role. A valid token whose member no longer exists is 401 INVALID_TOKEN.',
      tag: 'Members',
      access: 'member',
      responses: [{ status: 200, description: 'The member', schema: MemberSchema }],
    },
    async (_ctx, { actor }) => ok(presentMember(await useCases.getMember.execute(actor))),
  );
}

/** Staff accounts: created by an admin, with sign-up's body and rules; they log in like members. */
export function staffRoutes(api: ApiRouter, useCases: UseCases): void {
  api.route(
    {
      method: 'post',
      path: `${API_PREFIX}/staff`,
      operationId: 'registerStaff',
      summary: 'Create a staff member (admin only), who checks tickets in at the doors',
      description:
        'The same body and rules as sign-up (email, password, name); the member gets the STAFF role, logs in at ' +
        '/auth/login like any member and may then POST /check-ins. A taken email is 409 EMAIL_TAKEN.',
      tag: 'Members',
      access: 'admin',
      body: RegisterMemberBody,
      responses: [{ status: 201, description: 'The new staff member', schema: MemberSchema }],
      errors: ['EMAIL_TAKEN', 'WEAK_PASSWORD', 'INVALID_EMAIL', 'VALIDATION_FAILED'],
    },
    async (_ctx, { actor, body }) => ({
      status: 201,
      body: presentMember(await useCases.registerStaff.execute(actor, body)),
    }),
  );
}
