/** What the OpenAPI document says about the API as a whole, beside its operations. */

export const API_CONTACT = {
  name: 'Ticketing service maintainers',
  url: 'https://ticketing.example/support',
  email: 'api@ticketing.example',
};

export const API_LICENSE = { name: 'MIT', url: 'https://opensource.org/licenses/MIT' };

/**
 * Relative to wherever the document is served from: the same instance answers it and the API,
 * whether it runs locally, in staging or in production.
 */
export const API_SERVERS = [
  {
    url: '/',
    description: 'The instance serving this document (local, staging or production alike)',
    'x-internal': false,
  },
];

/** Every tag an operation uses, alphabetically, each with what it groups. */
export const API_TAGS = [
  { name: 'Auth', description: 'Log in: exchange an email and a password for a bearer access token' },
  { name: 'Documentation', description: 'This document and its interactive page' },
  { name: 'Members', description: 'Sign up, and the calling member' },
  { name: 'Operations', description: 'Probes and metrics for orchestrators and monitoring; never rate limited' },
  {
    name: 'Payments',
    description: "Payment providers' signed webhooks: how a checkout's outcome reaches the service",
  },
  {
    name: 'Performances',
    description: 'Performances on sale, their price grades, halls and live seat maps; admins create them',
  },
  {
    name: 'Reservations',
    description: 'Hold seats, then check out (pay) or confirm, or cancel; a member reads their own reservations',
  },
  {
    name: 'Tickets',
    description: 'Tickets of confirmed reservations: their QR codes for the owner, and check-in at the doors by staff',
  },
  {
    name: 'Waiting room',
    description:
      'Queue for a performance sold through a waiting room, get an admission token, and the public keys that verify it',
  },
  {
    name: 'Webhooks',
    description:
      'Signed Standard Webhooks of every reservation change, delivered at least once; admins register receivers',
  },
];
