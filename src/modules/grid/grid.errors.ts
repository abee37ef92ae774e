import { defineError } from '../../lib/errors.js';

/** Errors the grid module raises. */
export const GridErrors = {
  AreaNotFound: defineError('AREA_NOT_FOUND', 'not_found', {
    'zh-CN': '区域 {code} 不存在',
    en: 'Area {code} does not exist',
  }),
  OutsideCity: defineError('OUTSIDE_CITY', 'unprocessable', {
    'zh-CN': '坐标 ({lng}, {lat}) 不在本市任何网格内',
    en: 'The point ({lng}, {lat}) lies outside every grid of the city',
  }),
  AreaImportInvalid: defineError('AREA_IMPORT_INVALID', 'unprocessable', {
    'zh-CN':
      '区域文件有 {count} 个要素不合格，未导入任何数据（详见 details.errors；可用“跳过无效要素”导入其余要素）',
    en: '{count} feature(s) of the area file are invalid; nothing was imported (see details.errors; skip-invalid imports the rest)',
  }),
  AreaImportOutsideScope: defineError('AREA_IMPORT_OUTSIDE_SCOPE', 'forbidden', {
    'zh-CN': '区域文件中有 {count} 个区域不在您管辖的区域之下，未导入任何数据（详见 details）',
    en: '{count} area(s) of the file lie outside the area you administer; nothing was imported (see details)',
  }),
  NotAGrid: defineError('NOT_A_GRID', 'unprocessable', {
    'zh-CN': '{code} 不是当前有效的单元网格',
    en: '{code} is not a current unit grid',
  }),
  UserNotFound: defineError('GRID_MEMBER_USER_NOT_FOUND', 'unprocessable', {
    'zh-CN': '用户 {userId} 不存在',
    en: 'User {userId} does not exist',
  }),
  LeaderTaken: defineError('GRID_LEADER_TAKEN', 'conflict', {
    'zh-CN': '网格 {code} 已有网格长，请先撤销',
    en: 'Grid {code} already has a leader; remove them first',
  }),
  MemberNotFound: defineError('GRID_MEMBER_NOT_FOUND', 'not_found', {
    'zh-CN': '网格 {code} 中没有该成员',
    en: 'No such member in grid {code}',
  }),
} as const;
