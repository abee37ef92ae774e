/**
 * The public entry of the cases module: what other modules may use. Everything else in
 * src/modules/cases/ is internal (checked by `npm run lint:deps`).
 */

export { AREA_READER_ROLES } from './case.policy.js';
export { redactPendingCases } from './case.repository.js';
export type { CaseIntakeService, IntakeResult } from './case-intake.service.js';
export { localDay, metricsOfEvent } from './case-rollup.js';
export type { CaseEventMessage, CaseSupport } from './case-support.js';
export { actorColumns, CASE_EVENTS_CHANNEL } from './case-support.js';
export { casesDemoStep } from './cases.demo.js';
export type { CaseModuleDeps, CaseServices } from './cases.module.js';
export { createCaseServices, register } from './cases.module.js';
