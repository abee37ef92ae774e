import type { Messages } from './messages';

const zh = {
  trackTitle: '进度查询',
  trackPlaceholder: '输入查询码，如 NH261130-ABC123',
  search: '查询',
  notFound: '未找到',
  evaluateTitle: '评价办理结果',
  evaluateNeedSignIn: '用报事时的手机号登录后可评价',
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
  comment: '留言（可选）',
  thanks: '感谢您的评价',
  mineTitle: '我的报事',
  mineEmpty: '还没有报事记录',
  mineNeedSignIn: '登录后查看您提交的所有问题',
};

/** Strings of progress tracking by code, evaluation, and "my reports". */
export const trackMessages: Messages<keyof typeof zh> = {
  zh,
  en: {
    trackTitle: 'Track a report',
    trackPlaceholder: 'Tracking code, e.g. NH261130-ABC123',
    search: 'Search',
    notFound: 'Not found',
    evaluateTitle: 'Rate the result',
    evaluateNeedSignIn: 'Sign in with the phone you reported with to rate it',
    satisfied: 'Satisfied',
    basically_satisfied: 'Mostly satisfied',
    dissatisfied: 'Dissatisfied',
    comment: 'Comment (optional)',
    thanks: 'Thank you for your feedback',
    mineTitle: 'My reports',
    mineEmpty: 'No reports yet',
    mineNeedSignIn: 'Sign in to see all your reports',
  },
};
