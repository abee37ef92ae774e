/**
 * The public entry of the identity module: what other modules may use. Everything else in
 * src/modules/identity/ is internal (checked by `npm run lint:deps`).
 */

export { installAuth } from './auth.hook.js';
export { identityDemoStep } from './identity.demo.js';
export type { PhoneVerified } from './identity.events.js';
export type { IdentityServices } from './identity.module.js';
export { createIdentityServices, register } from './identity.module.js';
export { auditPurpose, RevealPurpose } from './reveal-purpose.js';
