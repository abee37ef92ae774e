/**
 * The public entry of the emergency module (area modes, campaigns, broadcasts, CAP 1.2): what the
 * composition root may use. Everything else in src/modules/emergency/ is internal.
 */
export type { EmergencyServices } from './emergency.module.js';
export { createEmergencyServices, register } from './emergency.module.js';
export type { CapSettings } from './emergency-support.js';
