import { defineError } from '../../lib/errors.js';

/** Errors the emergency module raises (never naming a person or a household's occupants). */
export const EmergencyErrors = {
  AreaNotFound: defineError('EMERGENCY_AREA_NOT_FOUND', 'not_found', {
    'zh-CN': '区域 {code} 不存在',
    en: 'Area {code} does not exist',
  }),
  CampaignNotFound: defineError('EMERGENCY_CAMPAIGN_NOT_FOUND', 'not_found', {
    'zh-CN': '专项行动 {id} 不存在',
    en: 'Campaign {id} does not exist',
  }),
  CampaignClosed: defineError('EMERGENCY_CAMPAIGN_CLOSED', 'conflict', {
    'zh-CN': '专项行动 {id} 已结束',
    en: 'Campaign {id} is closed',
  }),
  TaskNotFound: defineError('EMERGENCY_TASK_NOT_FOUND', 'not_found', {
    'zh-CN': '任务 {id} 不存在',
    en: 'Task {id} does not exist',
  }),
  UserNotFound: defineError('EMERGENCY_USER_NOT_FOUND', 'not_found', {
    'zh-CN': '用户 {id} 不存在',
    en: 'User {id} does not exist',
  }),
  NotAMember: defineError('EMERGENCY_NOT_A_MEMBER', 'unprocessable', {
    'zh-CN': '用户 {id} 不是网格 {grid} 在本次行动中的成员',
    en: 'User {id} is not a member of grid {grid} for this campaign',
  }),
  GridOutsideCampaign: defineError('EMERGENCY_GRID_OUTSIDE', 'unprocessable', {
    'zh-CN': '网格 {grid} 不在专项行动的区域内',
    en: 'Grid {grid} is outside the campaign’s area',
  }),
  NeedsText: defineError('EMERGENCY_NEEDS_TEXT', 'invalid', {
    'zh-CN': '“需要帮助”必须填写需求内容和案件类别',
    en: '“Needs help” requires a description of the need and a case category',
  }),
  IdempotencyMismatch: defineError('EMERGENCY_IDEMPOTENCY_MISMATCH', 'conflict', {
    'zh-CN': '幂等键 {key} 已用于内容不同的任务更新',
    en: 'Idempotency key {key} was already used for a different task update',
  }),
  SameMode: defineError('EMERGENCY_SAME_MODE', 'conflict', {
    'zh-CN': '区域 {code} 已处于{mode}状态',
    en: 'Area {code} is already in {mode} mode',
  }),
  NothingUnreached: defineError('EMERGENCY_NOTHING_UNREACHED', 'unprocessable', {
    'zh-CN': '专项行动 {id} 没有未走访到的住户',
    en: 'Campaign {id} has no unreached household',
  }),
  BroadcastNotFound: defineError('EMERGENCY_BROADCAST_NOT_FOUND', 'not_found', {
    'zh-CN': '广播 {id} 不存在',
    en: 'Broadcast {id} does not exist',
  }),
  AlertNotFound: defineError('CAP_ALERT_NOT_FOUND', 'not_found', {
    'zh-CN': '预警 {id} 不存在',
    en: 'Alert {id} does not exist',
  }),
  HostileXml: defineError('CAP_HOSTILE_XML', 'invalid', {
    'zh-CN': '拒绝处理：XML 含有 {what}（不允许文档类型声明、实体声明和外部包含）',
    en: 'Refused: the XML contains {what} (DTDs, entity declarations and XInclude are not allowed)',
  }),
  InvalidCap: defineError('CAP_INVALID', 'unprocessable', {
    'zh-CN': 'CAP 1.2 消息无效：{detail}',
    en: 'Invalid CAP 1.2 message: {detail}',
  }),
  UnknownReference: defineError('CAP_UNKNOWN_REFERENCE', 'unprocessable', {
    'zh-CN': '引用的预警 {ref} 不存在',
    en: 'The referenced alert {ref} is unknown',
  }),
} as const;
