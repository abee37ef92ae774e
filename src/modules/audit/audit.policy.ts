import { type InArea, inScope, Policy } from '../../kernel/policy.js';

/** Who may read the audit trail: admins, and supervisors inside their areas. */
export const auditPolicy = new Policy<InArea>('audit').allow(['admin', 'supervisor'], ['read'], inScope);
