import { Policy } from '../identity/policy.js';

/** Open311 API keys give outside systems a reporting channel: admins issue and revoke them. */
export const open311KeyPolicy = new Policy('open311_key').allow(['admin'], ['create', 'list', 'revoke']);
