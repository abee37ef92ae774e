import type { Messages } from './messages';

const zh = {
  dispatchTitle: '调度派遣',
  tabNew: '待立案',
  tabFiled: '待派遣',
  tabDueSoon: '即将到期',
  suggested: '建议部门',
  whistleDepts: '吹哨：召集多个部门',
};

/** Strings of the dispatcher workbench. */
export const dispatchMessages: Messages<keyof typeof zh> = {
  zh,
  en: {
    dispatchTitle: 'Dispatch',
    tabNew: 'To file',
    tabFiled: 'To dispatch',
    tabDueSoon: 'Due soon',
    suggested: 'Suggested department',
    whistleDepts: 'Whistle: summon several departments',
  },
};
