import type { Db } from '../../db/db.js';
import type { TypedApp } from '../../kernel/http.js';
import { departmentRoutes } from './department.routes.js';

/** Mounts the department list. */
export function register(app: TypedApp, deps: { db: Db }): void {
  departmentRoutes(app, deps.db);
}
