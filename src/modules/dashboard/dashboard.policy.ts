import { Policy } from '../../kernel/policy.js';
import { AREA_READER_ROLES } from '../cases/index.js';

/** Staff who read area dashboards (counts only, no personal data); rows are cut to their area scope. */
export const dashboardPolicy = new Policy('dashboard').allow([...AREA_READER_ROLES], ['read']);
