import type { Messages } from './messages';

const zh = {
  supervisorTitle: '督查核查',
  tabToVerify: '待核查',
  indicators: '考核指标',
  period: '统计期',
};

/** Strings of the supervisor workbench. */
export const supervisorMessages: Messages<keyof typeof zh> = {
  zh,
  en: {
    supervisorTitle: 'Supervision',
    tabToVerify: 'To verify',
    indicators: 'Indicators',
    period: 'Period',
  },
};
