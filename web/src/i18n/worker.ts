import type { Messages } from './messages';

const zh = {
  workerTitle: '网格员工作台',
  myGrids: '我的网格',
  myTasks: '待核查任务',
  patrol: '巡查上报',
  patrolSubmit: '上报',
  pending: '待同步',
  pendingNone: '全部已同步',
  failed: '未能提交',
  synced: '已同步',
  offline: '离线：操作会先保存在手机上，联网后自动同步',
  online: '在线',
  syncNow: '立即同步',
  queuedOk: '已保存，联网后同步',
  install: '安装到桌面',
  verifyPass: '核查通过',
  verifyFail: '核查不通过',
  verifyPhotoHint: '现场照片随“核查通过”一并提交；不通过时请在意见中说明原因',
};

/** Strings of the grid-worker workbench (patrol reports, offline queue, verification). */
export const workerMessages: Messages<keyof typeof zh> = {
  zh,
  en: {
    workerTitle: 'Grid worker',
    myGrids: 'My grids',
    myTasks: 'To verify',
    patrol: 'Patrol report',
    patrolSubmit: 'Report',
    pending: 'Pending sync',
    pendingNone: 'Everything is synced',
    failed: 'Could not be sent',
    synced: 'Synced',
    offline: 'Offline: actions are kept on this phone and sent when you are back online',
    online: 'Online',
    syncNow: 'Sync now',
    queuedOk: 'Saved; will sync when online',
    install: 'Install app',
    verifyPass: 'Verified',
    verifyFail: 'Not fixed',
    verifyPhotoHint: 'Photos go with "Verified"; if it is not fixed, say why in the note',
  },
};
