import { type InArea, inScope, Policy } from '../../kernel/policy.js';

/**
 * Open311 API keys give outside systems a reporting channel: admins issue and revoke them, scoped
 * like every admin act — an admin lists, issues and revokes only keys whose jurisdiction lies
 * inside their areas (a key for the whole city only a city-level admin).
 */
export const open311KeyPolicy = new Policy<InArea>('open311_key').allow(
  ['admin'],
  ['create', 'list', 'revoke'],
  inScope,
);
