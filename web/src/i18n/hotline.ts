import type { Messages } from './messages';

const zh = {
  hotlineTitle: '12345 热线受理',
  callerPhone: '来电号码',
  callerCases: '该来电人的历史工单',
  callerNoCases: '该号码没有历史工单',
  callerTypePhone: '输入来电号码后显示其历史工单',
  hotlineMapHint: '搜索街道或社区后，可在地图上点选具体位置',
  placeChosen: '位置',
  hotlineType: '诉求类型',
  areaSearch: '地址 / 区域搜索',
  areaSearchPlaceholder: '输入街道或社区名称',
  keyboardHint: '快捷键：Alt+1…5 选诉求类型，Ctrl+Enter 提交，Esc 清空',
  hotline_consultation: '咨询',
  hotline_help: '求助',
  hotline_complaint: '投诉',
  hotline_report: '举报',
  hotline_suggestion: '建议',
  created: '已受理',
};

/** Strings of the 12345 hotline intake. */
export const hotlineMessages: Messages<keyof typeof zh> = {
  zh,
  en: {
    hotlineTitle: '12345 hotline intake',
    callerPhone: 'Caller number',
    callerCases: "Caller's previous cases",
    callerNoCases: 'No earlier cases from this number',
    callerTypePhone: "Type the caller's number to see their earlier cases",
    hotlineMapHint: 'Find a street or community, then click the map for the exact spot',
    placeChosen: 'Place',
    hotlineType: 'Request type',
    areaSearch: 'Address / area search',
    areaSearchPlaceholder: 'Type a street or community name',
    keyboardHint: 'Keys: Alt+1…5 request type, Ctrl+Enter submit, Esc clear',
    hotline_consultation: 'Consultation',
    hotline_help: 'Request for help',
    hotline_complaint: 'Complaint',
    hotline_report: 'Report of wrongdoing',
    hotline_suggestion: 'Suggestion',
    created: 'Created',
  },
};
