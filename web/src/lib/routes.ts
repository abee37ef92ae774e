/** The workbench pages, the role each needs, and their navigation labels (App and Home share them). */
import type { MsgKey } from './i18n';
import type { RoleName } from './types';

export interface RouteDef {
  path: string;
  nav: MsgKey;
  role?: RoleName;
  staff?: boolean;
}

/** Workbench pages and the role each needs (admins may open all). */
export const STAFF_ROUTES: RouteDef[] = [
  { path: '/worker', nav: 'navWorker', role: 'grid_worker', staff: true },
  { path: '/hotline', nav: 'navHotline', role: 'hotline_operator', staff: true },
  { path: '/dispatch', nav: 'navDispatch', role: 'dispatcher', staff: true },
  { path: '/dept', nav: 'navDept', role: 'dept_handler', staff: true },
  { path: '/supervisor', nav: 'navSupervisor', role: 'supervisor', staff: true },
  { path: '/dashboard', nav: 'navDashboard', staff: true },
  { path: '/admin', nav: 'navAdmin', role: 'admin', staff: true },
];
