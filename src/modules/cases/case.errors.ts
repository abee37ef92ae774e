import { defineError } from '../../lib/errors.js';

/** Errors the case module raises (every way a case call can fail besides access and validation). */
export const CaseErrors = {
  CaseNotFound: defineError('CASE_NOT_FOUND', 'not_found', {
    'zh-CN': '案件 {id} 不存在或不在您的管辖范围内',
    en: 'Case {id} does not exist or is outside your area',
  }),
  OutsideCity: defineError('OUTSIDE_CITY', 'unprocessable', {
    'zh-CN': '位置（{lng}, {lat}）不在本市任何网格内',
    en: 'The location ({lng}, {lat}) is not inside any grid of the city',
  }),
  UnknownCategory: defineError('UNKNOWN_CATEGORY', 'unprocessable', {
    'zh-CN': '事部件类别 {code} 不存在',
    en: 'Category {code} does not exist',
  }),
  CategoryRequired: defineError('CATEGORY_REQUIRED', 'unprocessable', {
    'zh-CN': '此渠道上报必须选择类别',
    en: 'A category is required for reports from this channel',
  }),
  PhotoRequired: defineError('PHOTO_REQUIRED', 'unprocessable', {
    'zh-CN': '类别 {code} 要求附照片',
    en: 'Category {code} requires a photo',
  }),
  UnknownPhoto: defineError('UNKNOWN_PHOTO', 'unprocessable', {
    'zh-CN': '照片 {id} 不存在、已被使用或不是您上传的（匿名上传须提供上传密钥 photoKey）',
    en: 'Photo {id} does not exist, is already attached or was not uploaded by you (anonymous uploads need their photoKey)',
  }),
  AnonReportLimit: defineError('ANON_REPORT_LIMIT', 'rate_limited', {
    'zh-CN': '匿名上报过于频繁，请 {seconds} 秒后再试（登录后上报不受此限制）',
    en: 'Too many anonymous reports, try again in {seconds} s (signed-in reports are not limited by this)',
  }),
  IdempotencyKeyReused: defineError('IDEMPOTENCY_KEY_REUSED', 'conflict', {
    'zh-CN': '幂等键 {key} 已用于另一个不同的请求',
    en: 'Idempotency key {key} was already used for a different request',
  }),
  IllegalTransition: defineError('ILLEGAL_TRANSITION', 'conflict', {
    'zh-CN': '案件当前状态为「{state}」，不能执行「{action}」（{reason}）',
    en: 'Cannot {action} a case in state "{state}" ({reason})',
  }),
  UnknownDepartment: defineError('UNKNOWN_DEPARTMENT', 'unprocessable', {
    'zh-CN': '部门 {code} 不存在',
    en: 'Department {code} does not exist',
  }),
  NotYourTask: defineError('NOT_YOUR_TASK', 'forbidden', {
    'zh-CN': '该案件没有分派给您的部门',
    en: 'This case has no task for your department',
  }),
  AlreadyJoined: defineError('ALREADY_JOINED', 'conflict', {
    'zh-CN': '您已经是该案件的上报人',
    en: 'You already reported this case',
  }),
  NotJoinable: defineError('NOT_JOINABLE', 'conflict', {
    'zh-CN': '案件已结束，不能再附议',
    en: 'The case is finished and can no longer be joined',
  }),
  ReopenWindowPassed: defineError('REOPEN_WINDOW_PASSED', 'conflict', {
    'zh-CN': '评价后 {days} 天内才能要求重新办理',
    en: 'A case can only be reopened within {days} days of its evaluation',
  }),
  MergeTarget: defineError('INVALID_MERGE_TARGET', 'unprocessable', {
    'zh-CN': '不能合并到案件 {id}',
    en: 'Cannot merge into case {id}',
  }),
} as const;
