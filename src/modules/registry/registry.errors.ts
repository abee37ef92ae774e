import { defineError } from '../../lib/errors.js';

/** Errors the base-data registry raises. */
export const RegistryErrors = {
  UnknownSource: defineError('REGISTRY_UNKNOWN_SOURCE', 'unprocessable', {
    'zh-CN': '数据来源部门 {source} 不存在',
    en: 'Source department {source} does not exist',
  }),
  MissingColumn: defineError('REGISTRY_MISSING_COLUMN', 'unprocessable', {
    'zh-CN': '文件缺少必需的列：{column}',
    en: 'The file lacks the required column: {column}',
  }),
  UnsupportedFile: defineError('REGISTRY_UNSUPPORTED_FILE', 'unsupported_media', {
    'zh-CN': '只支持 CSV 和 XLSX 文件',
    en: 'Only CSV and XLSX files are supported',
  }),
  UnreadableFile: defineError('REGISTRY_UNREADABLE_FILE', 'unprocessable', {
    'zh-CN': '无法读取文件：{detail}',
    en: 'The file cannot be read: {detail}',
  }),
  PersonNotFound: defineError('PERSON_NOT_FOUND', 'not_found', {
    'zh-CN': '人员 {id} 不存在',
    en: 'Person {id} does not exist',
  }),
  ConflictNotFound: defineError('REGISTRY_CONFLICT_NOT_FOUND', 'not_found', {
    'zh-CN': '待处理的数据冲突 {id} 不存在',
    en: 'No open data conflict {id}',
  }),
} as const;
