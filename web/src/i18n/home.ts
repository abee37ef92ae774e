import type { Messages } from './messages';

const zh = {
  appTagline: '随手拍、网格员、12345 与指挥调度，一张网办到底',
  homeResidentTitle: '居民服务',
  homeResidentText: '发现问题随手拍，附近已有人报过就点“我也遇到”，随时查询办理进度。',
  homeStaffTitle: '工作台',
  homeStaffText: '网格员、话务员、调度员、部门承办人、督查员与管理员各自的工作台。',
};

/** Strings of the home page. */
export const homeMessages: Messages<keyof typeof zh> = {
  zh,
  en: {
    appTagline: 'Resident reports, grid workers, the 12345 hotline and dispatch — one closed loop',
    homeResidentTitle: 'For residents',
    homeResidentText:
      'Snap a problem, press "me too" if a neighbour already reported it, and follow it until it is fixed.',
    homeStaffTitle: 'Workbenches',
    homeStaffText:
      'Grid workers, hotline operators, dispatchers, department handlers, supervisors and admins.',
  },
};
