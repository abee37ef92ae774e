import { defineError } from '../../lib/errors.js';

/** Errors of device registration and reading intake. */
export const DeviceErrors = {
  DeviceExists: defineError('DEVICE_EXISTS', 'conflict', {
    'zh-CN': '设备 {id} 已登记',
    en: 'Device {id} is already registered',
  }),
  DeviceNotFound: defineError('DEVICE_NOT_FOUND', 'not_found', {
    'zh-CN': '设备 {id} 不存在',
    en: 'Device {id} does not exist',
  }),
  DeviceTokenInvalid: defineError('DEVICE_TOKEN_INVALID', 'unauthenticated', {
    'zh-CN': '设备令牌无效（请求头 Authorization: Bearer <设备令牌>）',
    en: 'Invalid device token (header Authorization: Bearer <device token>)',
  }),
  ReadingMalformed: defineError('DEVICE_READING_MALFORMED', 'invalid', {
    'zh-CN': '读数格式错误：{reason}',
    en: 'Malformed reading: {reason}',
  }),
  InvalidDevice: defineError('DEVICE_INVALID', 'unprocessable', {
    'zh-CN': '设备登记信息不合法：{detail}',
    en: 'Invalid device: {detail}',
  }),
} as const;
