import type { DemoStep } from '../../kernel/demo-step.js';
import { DepartmentRepository } from './department.repository.js';
import { DEPARTMENTS } from './departments.seed.js';

/** Demo step: the city's departments. */
export const departmentsDemoStep: DemoStep = {
  name: 'departments',
  async run(tx) {
    await new DepartmentRepository().upsertMany(tx, DEPARTMENTS);
    return `${DEPARTMENTS.length} departments`;
  },
};
