import { defineError } from '../../lib/errors.js';

/** Errors the identity module raises (sign-in, sessions, users and grants). */
export const IdentityErrors = {
  InvalidCredentials: defineError('AUTH_INVALID_CREDENTIALS', 'unauthenticated', {
    'zh-CN': '用户名或密码错误',
    en: 'Wrong username or password',
  }),
  TooManyAttempts: defineError('AUTH_TOO_MANY_ATTEMPTS', 'rate_limited', {
    'zh-CN': '尝试次数过多，请 {seconds} 秒后再试',
    en: 'Too many attempts, try again in {seconds} s',
  }),
  CsrfFailed: defineError('AUTH_CSRF_FAILED', 'forbidden', {
    'zh-CN': '缺少或无效的 CSRF 令牌（请求头 x-csrf-token）',
    en: 'Missing or invalid CSRF token (x-csrf-token header)',
  }),
  SessionInvalid: defineError('AUTH_SESSION_INVALID', 'unauthenticated', {
    'zh-CN': '登录已失效，请重新登录',
    en: 'Your session has ended; sign in again',
  }),
  TokenInvalid: defineError('AUTH_TOKEN_INVALID', 'unauthenticated', {
    'zh-CN': '访问令牌无效或已过期',
    en: 'The access token is invalid or has expired',
  }),
  OtpInvalid: defineError('AUTH_OTP_INVALID', 'unauthenticated', {
    'zh-CN': '验证码错误或已过期',
    en: 'The code is wrong or has expired',
  }),
  AccessUndeclared: defineError('ACCESS_UNDECLARED', 'forbidden', {
    'zh-CN': '该接口未声明访问规则，已拒绝',
    en: 'This endpoint declares no access rule and is refused',
  }),
  UserNotFound: defineError('USER_NOT_FOUND', 'not_found', {
    'zh-CN': '用户 {id} 不存在',
    en: 'User {id} does not exist',
  }),
  UsernameTaken: defineError('USERNAME_TAKEN', 'conflict', {
    'zh-CN': '用户名 {username} 已被使用',
    en: 'Username {username} is already taken',
  }),
  PhoneTaken: defineError('PHONE_TAKEN', 'conflict', {
    'zh-CN': '该手机号已属于另一个用户',
    en: 'This phone number already belongs to another user',
  }),
  GrantNotFound: defineError('GRANT_NOT_FOUND', 'not_found', {
    'zh-CN': '授权 {id} 不存在或已撤销',
    en: 'Grant {id} does not exist or was already revoked',
  }),
  GrantInvalid: defineError('GRANT_INVALID', 'invalid', {
    'zh-CN': '授权不合法：{detail}',
    en: 'Invalid grant: {detail}',
  }),
  GrantExists: defineError('GRANT_EXISTS', 'conflict', {
    'zh-CN': '该用户已有相同的授权',
    en: 'The user already holds this grant',
  }),
  NoPhone: defineError('USER_NO_PHONE', 'not_found', {
    'zh-CN': '该用户没有登记手机号',
    en: 'This user has no phone number on record',
  }),
  CannotDisableSelf: defineError('USER_CANNOT_DISABLE_SELF', 'conflict', {
    'zh-CN': '不能停用自己的账号',
    en: 'You cannot disable your own account',
  }),
} as const;
