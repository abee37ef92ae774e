import { defineError } from '../../lib/errors.js';

/**
 * Errors of the Open311 channel. On `/open311/` routes they are written as the spec's error list
 * (`[{code, description}]`, code = HTTP status); on the admin API as CivicGrid errors.
 */
export const Open311Errors = {
  ApiKeyMissing: defineError('OPEN311_API_KEY_MISSING', 'invalid', {
    'zh-CN': '缺少 api_key 参数，无法提交请求',
    en: "api_key is required -- can't proceed with create_request",
  }),
  ApiKeyInvalid: defineError('OPEN311_API_KEY_INVALID', 'forbidden', {
    'zh-CN': 'api_key 无效或已吊销',
    en: "Invalid api_key received -- can't proceed",
  }),
  MissingParameter: defineError('OPEN311_MISSING_PARAMETER', 'invalid', {
    'zh-CN': '缺少参数：{name}',
    en: '{name} was not provided',
  }),
  InvalidParameter: defineError('OPEN311_INVALID_PARAMETER', 'invalid', {
    'zh-CN': '参数 {name} 不合法：{detail}',
    en: 'Invalid {name}: {detail}',
  }),
  ServiceNotFound: defineError('OPEN311_SERVICE_NOT_FOUND', 'not_found', {
    'zh-CN': '服务 {code} 不存在',
    en: 'service_code {code} not found',
  }),
  RequestNotFound: defineError('OPEN311_REQUEST_NOT_FOUND', 'not_found', {
    'zh-CN': '服务请求 {id} 不存在',
    en: 'service_request_id {id} not found',
  }),
  TokenNotFound: defineError('OPEN311_TOKEN_NOT_FOUND', 'not_found', {
    'zh-CN': '令牌 {token} 不存在',
    en: 'token {token} not found',
  }),
  FormatNotFound: defineError('OPEN311_FORMAT_NOT_FOUND', 'not_found', {
    'zh-CN': '不支持的格式 {format}（仅 json、xml）',
    en: 'Unsupported format {format} (json or xml)',
  }),
  JurisdictionNotServed: defineError('OPEN311_JURISDICTION_NOT_SERVED', 'not_found', {
    'zh-CN': '不服务该辖区：{id}',
    en: 'jurisdiction_id {id} is not served here',
  }),
  JurisdictionForbidden: defineError('OPEN311_JURISDICTION_FORBIDDEN', 'forbidden', {
    'zh-CN': '该 api_key 无权向辖区 {id} 提交',
    en: 'This api_key may not submit to jurisdiction {id}',
  }),
  OutsideJurisdiction: defineError('OPEN311_OUTSIDE_JURISDICTION', 'invalid', {
    'zh-CN': '位置不在辖区 {id} 内',
    en: 'The location is outside jurisdiction {id}',
  }),
  AddressNotGeocoded: defineError('OPEN311_ADDRESS_NOT_GEOCODED', 'invalid', {
    'zh-CN': '无法定位地址“{address}”，请提供 lat 和 long',
    en: 'address_string "{address}" could not be geocoded; send lat and long',
  }),
  KeyNotFound: defineError('OPEN311_KEY_NOT_FOUND', 'not_found', {
    'zh-CN': 'API 密钥 {id} 不存在或已吊销',
    en: 'API key {id} does not exist or is already revoked',
  }),
  InvalidKey: defineError('OPEN311_KEY_INVALID', 'unprocessable', {
    'zh-CN': 'API 密钥设置不合法：{detail}',
    en: 'Invalid API key settings: {detail}',
  }),
} as const;
