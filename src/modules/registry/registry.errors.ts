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
  PairNotFound: defineError('LINKAGE_PAIR_NOT_FOUND', 'not_found', {
    'zh-CN': '待审核的记录对 {id} 不存在',
    en: 'Review pair {id} does not exist',
  }),
  PairAlreadyResolved: defineError('LINKAGE_PAIR_RESOLVED', 'conflict', {
    'zh-CN': '记录对 {id} 已处理（{status}），当前状态见 details',
    en: 'Pair {id} is already resolved ({status}); details holds its current state',
  }),
  DifferentIdNumbers: defineError('LINKAGE_DIFFERENT_ID_NUMBERS', 'conflict', {
    'zh-CN': '两人持有不同的有效身份证号，不能合并',
    en: 'The two people hold different valid ID numbers and cannot be merged',
  }),
  MergeNotFound: defineError('PERSON_MERGE_NOT_FOUND', 'not_found', {
    'zh-CN': '合并记录 {id} 不存在',
    en: 'Merge {id} does not exist',
  }),
  UnmergeBlocked: defineError('PERSON_UNMERGE_BLOCKED', 'conflict', {
    'zh-CN': '合并 {id} 无法撤销：{reason}',
    en: 'Merge {id} cannot be undone: {reason}',
  }),
} as const;
