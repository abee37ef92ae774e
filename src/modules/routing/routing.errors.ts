import { defineError } from '../../lib/errors.js';

/** Errors of routing-rule administration. */
export const RoutingErrors = {
  InvalidRule: defineError('ROUTING_RULE_INVALID', 'unprocessable', {
    'zh-CN': '派遣规则不合法：{detail}',
    en: 'Invalid routing rule: {detail}',
  }),
  RuleNotFound: defineError('ROUTING_RULE_NOT_FOUND', 'not_found', {
    'zh-CN': '派遣规则 {id} 不存在',
    en: 'Routing rule {id} does not exist',
  }),
} as const;
