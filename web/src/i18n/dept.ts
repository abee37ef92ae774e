import type { Messages } from './messages';

const zh = {
  deptTitle: '部门处置',
  tabToAccept: '待签收',
  tabHandling: '处置中',
  extensionMinutes: '延期（分钟）',
};

/** Strings of the department handler workbench. */
export const deptMessages: Messages<keyof typeof zh> = {
  zh,
  en: {
    deptTitle: 'Department tasks',
    tabToAccept: 'To accept',
    tabHandling: 'Handling',
    extensionMinutes: 'Extension (minutes)',
  },
};
