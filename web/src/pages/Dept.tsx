import { useMemo } from 'react';
import { Workbench, type WorkTab } from '../components/Workbench';
import { useSession } from '../lib/session';

/** Department handler: tasks to accept, then report back (or return / ask for more time). */
export default function Dept() {
  const { grant } = useSession();
  const dept = grant('dept_handler')?.departmentCode ?? undefined;
  const tabs = useMemo<WorkTab[]>(
    () => [
      { id: 'accept', label: 'tabToAccept', query: { department: dept, state: ['dispatched'] } },
      { id: 'handling', label: 'tabHandling', query: { department: dept, state: ['handling'] } },
      { id: 'overdue', label: 'tabOverdue', query: { department: dept, deadlineStatus: 'overdue' } },
    ],
    [dept],
  );
  return (
    <Workbench
      title="deptTitle"
      tabs={tabs}
      actions={['accept', 'report_back', 'request_extension', 'return']}
    />
  );
}
