/**
 * The public entry of the org module: what other modules may use. Everything else in
 * src/modules/org/ is internal (checked by `npm run lint:deps`).
 */

export type { DepartmentCode } from './departments.seed.js';
export { findDepartment } from './departments.seed.js';
export { departmentsDemoStep } from './org.demo.js';
export { register } from './org.module.js';
