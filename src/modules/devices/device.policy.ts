import { Policy } from '../../kernel/policy.js';

/** Sensors are city infrastructure: admins register and list them (devices authenticate by token). */
export const devicePolicy = new Policy('device').allow(['admin'], ['register', 'list']);
