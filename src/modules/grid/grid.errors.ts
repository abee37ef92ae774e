import { defineError } from '../../lib/errors.js';

/** Errors the grid module raises. */
export const GridErrors = {
  AreaNotFound: defineError('AREA_NOT_FOUND', 'not_found', {
    'zh-CN': '区域 {code} 不存在',
    en: 'Area {code} does not exist',
  }),
} as const;
