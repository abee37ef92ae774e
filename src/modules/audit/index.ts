/**
 * The public entry of the audit module: what other modules and the composition root (src/server)
 * may use. Everything else in src/modules/audit/ is internal (checked by `npm run lint:deps`).
 */

export { register } from './audit.module.js';
export { AuditService, describeVerify } from './audit.service.js';
export {
  AuditCheckpointer,
  CheckpointDir,
  describeCheckpointVerify,
  verifyWithCheckpoints,
} from './audit-checkpoint.js';
