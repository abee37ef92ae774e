import { Type } from '@sinclair/typebox';
import type { Db } from '../../db/db.js';
import type { TypedApp } from '../../kernel/http.js';
import { localize } from '../../lib/i18n.js';
import { DepartmentRepository } from './department.repository.js';

/** HTTP for departments: the active list (public; forms and the routing screen need it). */
export function departmentRoutes(app: TypedApp, db: Db): void {
  const repo = new DepartmentRepository();
  app.get(
    '/api/departments',
    {
      config: { access: 'public' },
      schema: {
        tags: ['departments'],
        summary: 'Active departments, names in your language',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                code: Type.String(),
                name: Type.String(),
                nameZh: Type.String(),
                nameEn: Type.String(),
                kind: Type.String(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({
      items: (await repo.listActive(db)).map((d) => ({
        code: d.code,
        name: localize({ zh: d.nameZh, en: d.nameEn }, req.locale),
        nameZh: d.nameZh,
        nameEn: d.nameEn,
        kind: d.kind,
      })),
    }),
  );
}
