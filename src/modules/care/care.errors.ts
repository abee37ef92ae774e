import { defineError } from '../../lib/errors.js';

/** Errors the special-group care module raises (never naming a cohort label or a person). */
export const CareErrors = {
  UnknownRuleField: defineError('CARE_RULE_UNKNOWN_FIELD', 'invalid', {
    'zh-CN': '规则字段 {name} 不存在',
    en: 'The rule field {name} does not exist',
  }),
  BadRuleValue: defineError('CARE_RULE_BAD_VALUE', 'invalid', {
    'zh-CN': '规则字段 {name} 的条件无效：{detail}',
    en: 'The test of rule field {name} is invalid: {detail}',
  }),
  CohortNotFound: defineError('CARE_COHORT_NOT_FOUND', 'not_found', {
    'zh-CN': '重点人群 {id} 不存在',
    en: 'Cohort {id} does not exist',
  }),
  MemberNotFound: defineError('CARE_MEMBER_NOT_FOUND', 'not_found', {
    'zh-CN': '该重点人群中没有人员 {id}',
    en: 'Person {id} is not in this cohort',
  }),
  PersonNotFound: defineError('CARE_PERSON_NOT_FOUND', 'not_found', {
    'zh-CN': '人员 {id} 不存在',
    en: 'Person {id} does not exist',
  }),
  NoPlan: defineError('CARE_NO_PLAN', 'unprocessable', {
    'zh-CN': '重点人群 {id} 还没有走访计划',
    en: 'Cohort {id} has no visit plan yet',
  }),
  TaskMismatch: defineError('CARE_TASK_MISMATCH', 'unprocessable', {
    'zh-CN': '走访任务 {id} 不属于该人员和人群',
    en: 'Visit task {id} is not for this person and cohort',
  }),
  CaseNeeds: defineError('CARE_CASE_NEEDS', 'invalid', {
    'zh-CN': '发现需求并立案时必须填写需求内容和案件类别',
    en: 'Raising a case for a need requires the needs text and a case category',
  }),
  IdempotencyMismatch: defineError('CARE_IDEMPOTENCY_MISMATCH', 'conflict', {
    'zh-CN': '幂等键 {key} 已用于内容不同的走访记录',
    en: 'Idempotency key {key} was already used for a different visit',
  }),
  UserNotFound: defineError('CARE_USER_NOT_FOUND', 'not_found', {
    'zh-CN': '用户 {id} 不存在',
    en: 'User {id} does not exist',
  }),
  GrantNotFound: defineError('CARE_GRANT_NOT_FOUND', 'not_found', {
    'zh-CN': '授权 {id} 不存在',
    en: 'Grant {id} does not exist',
  }),
  BadPeriod: defineError('CARE_BAD_PERIOD', 'invalid', {
    'zh-CN': '统计期无效：{from} 至 {to}',
    en: 'Invalid period: {from} to {to}',
  }),
} as const;
