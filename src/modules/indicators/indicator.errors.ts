import { defineError } from '../../lib/errors.js';

/** Errors the indicators module raises besides access and validation. */
export const IndicatorErrors = {
  AreaNotFound: defineError('INDICATOR_AREA_NOT_FOUND', 'not_found', {
    'zh-CN': '区域 {code} 不存在',
    en: 'Area {code} does not exist',
  }),
  BadPeriod: defineError('INDICATOR_BAD_PERIOD', 'invalid', {
    'zh-CN': '统计期不合法：{detail}',
    en: 'Invalid period: {detail}',
  }),
  UnknownComposite: defineError('INDICATOR_UNKNOWN_COMPOSITE', 'not_found', {
    'zh-CN': '综合得分 {code} 不存在',
    en: 'Composite score {code} does not exist',
  }),
  BadWeights: defineError('INDICATOR_BAD_WEIGHTS', 'unprocessable', {
    'zh-CN': '权重不合法：{detail}',
    en: 'Invalid weights: {detail}',
  }),
} as const;
