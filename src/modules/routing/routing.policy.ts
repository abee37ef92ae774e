import { Policy } from '../identity/policy.js';

/** Routing rules (category × area → department) are city configuration: admins only. */
export const routingPolicy = new Policy('routing_rule').allow(['admin'], ['list', 'create', 'delete']);
