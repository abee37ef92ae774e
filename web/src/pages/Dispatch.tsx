import { useMemo } from 'react';
import { Workbench, type WorkTab } from '../components/Workbench';

/** Dispatcher: new reports to file or reject, filed cases to dispatch (or whistle), deadlines. */
export default function Dispatch() {
  const tabs = useMemo<WorkTab[]>(
    () => [
      { id: 'new', label: 'tabNew', query: { state: ['reported'] } },
      { id: 'filed', label: 'tabFiled', query: { state: ['filed'] } },
      { id: 'overdue', label: 'tabOverdue', query: { deadlineStatus: 'overdue' } },
      { id: 'soon', label: 'tabDueSoon', query: { deadlineStatus: 'due_soon' } },
      {
        id: 'ext',
        label: 'tabExtension',
        query: { state: ['dispatched', 'handling'] },
        filter: (c) => c.extensionRequested,
      },
    ],
    [],
  );
  return (
    <Workbench
      title="dispatchTitle"
      tabs={tabs}
      actions={[
        'file',
        'dispatch',
        'whistle',
        'approve_extension',
        'deny_extension',
        'reject',
        'suspend',
        'resume',
        'void',
      ]}
    />
  );
}
