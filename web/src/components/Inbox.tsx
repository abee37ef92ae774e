import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../lib/api';
import { fmtTime } from '../lib/data';
import { useI18n } from '../lib/i18n';
import { navigate } from '../lib/router';

/** One notification of GET /api/me/notifications. */
interface Notification {
  id: number;
  caseId: number | null;
  kind: string;
  titleZh: string;
  titleEn: string;
  body: { publicCode?: string };
  createdAt: string;
  readAt: string | null;
}

const POLL_MS = 30_000;

/**
 * The signed-in user's inbox: a bell with the unread count (polled, and refreshed when the
 * window regains focus) that opens a list of the latest notifications; "mark all read" clears
 * the badge. Escape or a click outside closes it and focus returns to the bell.
 */
export function InboxBell() {
  const { t, lang } = useI18n();
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<Notification[] | undefined>();
  const [err, setErr] = useState('');
  const root = useRef<HTMLDivElement>(null);
  const bell = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);

  const refreshCount = useCallback(() => {
    api<{ unread: number }>('GET', '/api/me/notifications/unread-count').then(
      (r) => setUnread(r.unread),
      () => undefined,
    );
  }, []);
  useEffect(() => {
    refreshCount();
    const h = setInterval(refreshCount, POLL_MS);
    window.addEventListener('focus', refreshCount);
    return () => {
      clearInterval(h);
      window.removeEventListener('focus', refreshCount);
    };
  }, [refreshCount]);

  const loadList = useCallback(() => {
    setErr('');
    api<{ items: Notification[] }>('GET', '/api/me/notifications?limit=20').then(
      (r) => setItems(r.items),
      (e: Error) => setErr(e.message),
    );
  }, []);

  const close = useCallback((refocus: boolean) => {
    setOpen(false);
    if (refocus) bell.current?.focus();
  }, []);
  useEffect(() => {
    if (!open) return;
    loadList();
    refreshCount();
    panel.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close(true);
    };
    const onDown = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) close(false);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('mousedown', onDown);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('mousedown', onDown);
    };
  }, [open, loadList, refreshCount, close]);

  async function markAllRead() {
    try {
      const newest = items?.[0]?.id;
      const r = await api<{ unread: number }>(
        'POST',
        '/api/me/notifications/read',
        newest ? { upToId: newest } : {},
      );
      const now = new Date().toISOString();
      setItems((xs) => xs?.map((n) => (newest && n.id <= newest && !n.readAt ? { ...n, readAt: now } : n)));
      setUnread(r.unread);
    } catch (e) {
      setErr((e as Error).message);
    }
  }

  const label = unread ? `${t('notifications')}: ${unread} ${t('unread')}` : t('notifications');
  return (
    <div className="inbox" ref={root}>
      <button
        ref={bell}
        type="button"
        className="link-btn bell"
        aria-label={label}
        title={label}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls="inbox-panel"
        onClick={() => setOpen((o) => !o)}
        data-testid="inbox-bell"
      >
        <span aria-hidden="true">🔔</span>
        {unread > 0 && (
          <span className="bell-badge" aria-hidden="true" data-testid="inbox-unread">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div
          id="inbox-panel"
          ref={panel}
          className="inbox-panel"
          role="dialog"
          aria-label={t('notifications')}
          tabIndex={-1}
        >
          <div className="inbox-head">
            <h2>{t('notifications')}</h2>
            <button
              type="button"
              className="btn small secondary"
              disabled={unread === 0}
              onClick={() => void markAllRead()}
            >
              {t('markAllRead')}
            </button>
          </div>
          {err && (
            <p className="error" role="alert">
              {err}
            </p>
          )}
          {!items && !err && <p className="muted">{t('loading')}</p>}
          {items?.length === 0 && <p className="empty">{t('inboxEmpty')}</p>}
          {items && items.length > 0 && (
            <ul className="inbox-list">
              {items.map((n) => {
                const code = n.body.publicCode;
                const title = lang === 'en' ? n.titleEn : n.titleZh;
                return (
                  <li key={n.id} className={n.readAt ? '' : 'unread'}>
                    <button
                      type="button"
                      disabled={!code}
                      onClick={() => {
                        close(false);
                        if (code) navigate(`/track/${code}`);
                      }}
                    >
                      {!n.readAt && <span className="sr-only">{t('unread')}: </span>}
                      <span className="inbox-title">{title}</span>
                      <time className="muted small">{fmtTime(n.createdAt)}</time>
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
