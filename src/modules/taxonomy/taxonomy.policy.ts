import { Policy } from '../../kernel/policy.js';

/** Reading the active taxonomy is public (the resident form needs it); new versions are admin acts. */
export const taxonomyPolicy = new Policy('taxonomy').allow(['admin'], ['create_version']);
