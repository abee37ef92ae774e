import { defineError } from '../../lib/errors.js';

/** Errors the photo module raises (every way an upload or a download can fail besides access). */
export const PhotoErrors = {
  TypeMismatch: defineError('PHOTO_TYPE_MISMATCH', 'unsupported_media', {
    'zh-CN': '文件内容不是声明的图片类型（{declared}），仅支持 JPEG、PNG、WebP',
    en: 'The file is not the declared image type ({declared}); JPEG, PNG and WebP are accepted',
  }),
  Corrupt: defineError('PHOTO_CORRUPT', 'unprocessable', {
    'zh-CN': '图片文件已损坏：{detail}',
    en: 'The image file is damaged: {detail}',
  }),
  Empty: defineError('PHOTO_EMPTY', 'invalid', {
    'zh-CN': '请求体中没有图片',
    en: 'The request body holds no image',
  }),
  TooLarge: defineError('PHOTO_TOO_LARGE', 'too_large', {
    'zh-CN': '图片过大（上限 {limit} 字节）',
    en: 'The image is too large (limit {limit} bytes)',
  }),
  TooMany: defineError('PHOTO_RATE_LIMITED', 'rate_limited', {
    'zh-CN': '上传图片过于频繁（每小时最多 {limit} 张），请稍后再试',
    en: 'Too many photo uploads (at most {limit} an hour); try again later',
  }),
  NotFound: defineError('PHOTO_NOT_FOUND', 'not_found', {
    'zh-CN': '图片 {id} 不存在或您无权查看',
    en: 'Photo {id} does not exist or you may not see it',
  }),
} as const;
