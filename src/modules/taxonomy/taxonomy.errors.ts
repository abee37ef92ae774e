import { defineError } from '../../lib/errors.js';

/** Errors of taxonomy administration. */
export const TaxonomyErrors = {
  Invalid: defineError('TAXONOMY_INVALID', 'unprocessable', {
    'zh-CN': '分类版本不合法：{detail}',
    en: 'Invalid taxonomy version: {detail}',
  }),
  NoActiveVersion: defineError('TAXONOMY_NOT_LOADED', 'not_found', {
    'zh-CN': '尚未加载事部件分类',
    en: 'No taxonomy has been loaded yet',
  }),
} as const;
