/**
 * The public entry of the devices module: what other modules and the composition root (src/server)
 * may use. Everything else in src/modules/devices/ is internal (checked by `npm run lint:deps`).
 */

export { DEVICE_TYPES, type DeviceType } from './device-rules.js';
export type { DeviceServices } from './devices.module.js';
export { createDeviceServices, register } from './devices.module.js';
