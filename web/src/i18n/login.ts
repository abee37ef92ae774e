import type { Messages } from './messages';

const zh = {
  password: '密码',
  phone: '手机号',
  otpCode: '验证码',
  sendCode: '获取验证码',
  codeSent: '验证码已发送（开发环境：见管理员消息发件箱）',
  staffSignIn: '工作人员登录',
  residentSignIn: '居民手机号登录',
  demoHint: '演示账号：admin、disp-<街道编码>、gw-<网格编码>、dept-<部门>、sup-<区编码>、op-1，密码 demo1234',
};

/** Strings of the sign-in page (staff password and resident phone OTP). */
export const loginMessages: Messages<keyof typeof zh> = {
  zh,
  en: {
    password: 'Password',
    phone: 'Mobile number',
    otpCode: 'Code',
    sendCode: 'Send code',
    codeSent: 'Code sent (development: see the admin message outbox)',
    staffSignIn: 'Staff sign-in',
    residentSignIn: 'Residents: sign in with your phone',
    demoHint:
      'Demo logins: admin, disp-<street>, gw-<grid>, dept-<dept>, sup-<district>, op-1; password demo1234',
  },
};
