import { type FormEvent, useState } from 'react';
import { api } from '../lib/api';
import { useI18n } from '../lib/i18n';
import { navigate } from '../lib/router';
import { useSession } from '../lib/session';
import type { User } from '../lib/types';

const HOME_OF: Record<string, string> = {
  grid_worker: '/worker',
  hotline_operator: '/hotline',
  dispatcher: '/dispatch',
  dept_handler: '/dept',
  supervisor: '/supervisor',
  admin: '/dashboard',
  resident: '/me',
};

/** Staff sign in with username/password; residents with a one-time code sent to their phone. */
export default function Login() {
  const { t } = useI18n();
  const { refresh } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState(false);
  const [err, setErr] = useState('');
  const next = new URLSearchParams(location.search).get('next');

  async function done(user: User) {
    await refresh();
    const role = user.grants[0]?.role ?? 'resident';
    navigate(next && next.startsWith('/') && next !== '/login' ? next : (HOME_OF[role] ?? '/'));
  }

  async function staff(e: FormEvent) {
    e.preventDefault();
    setErr('');
    try {
      const r = await api<{ user: User }>('POST', '/api/auth/login', { username, password });
      await done(r.user);
    } catch (x) {
      setErr((x as Error).message);
    }
  }

  async function resident(e: FormEvent) {
    e.preventDefault();
    setErr('');
    try {
      if (!sent) {
        await api('POST', '/api/auth/otp', { phone });
        setSent(true);
      } else {
        const r = await api<{ user: User }>('POST', '/api/auth/otp/verify', { phone, code });
        await done(r.user);
      }
    } catch (x) {
      setErr((x as Error).message);
    }
  }

  return (
    <div className="login-page">
      <form className="card" onSubmit={(e) => void resident(e)} aria-labelledby="res-title">
        <h2 id="res-title">{t('residentSignIn')}</h2>
        <label>
          {t('phone')}
          <input
            name="phone"
            inputMode="tel"
            autoComplete="tel"
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
            required
            pattern="1[3-9][0-9]{9}"
          />
        </label>
        {sent && (
          <>
            <p className="muted">{t('codeSent')}</p>
            <label>
              {t('otpCode')}
              <input
                name="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                value={code}
                onChange={(e) => setCode(e.target.value)}
                required
                pattern="[0-9]{6}"
              />
            </label>
          </>
        )}
        <button className="btn" type="submit">
          {sent ? t('signIn') : t('sendCode')}
        </button>
      </form>
      <form className="card" onSubmit={(e) => void staff(e)} aria-labelledby="staff-title">
        <h2 id="staff-title">{t('staffSignIn')}</h2>
        <label>
          {t('username')}
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label>
          {t('password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <button className="btn" type="submit">
          {t('signIn')}
        </button>
        <p className="muted small">{t('demoHint')}</p>
      </form>
      {err && (
        <p className="error" role="alert">
          {err}
        </p>
      )}
    </div>
  );
}
