import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api } from './api';
import type { Grant, RoleName, User } from './types';

interface Session {
  /** undefined while loading, null when signed out. */
  user: User | null | undefined;
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
  has: (role: RoleName) => boolean;
  grant: (role: RoleName) => Grant | undefined;
}

const SessionContext = createContext<Session | null>(null);

/** Who is signed in (cookie session); pages read roles and scopes from here. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const refresh = useCallback(async () => {
    try {
      setUser(await api<User>('GET', '/api/auth/me'));
    } catch {
      setUser(null);
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const signOut = useCallback(async () => {
    await api('POST', '/api/auth/logout').catch(() => undefined);
    setUser(null);
  }, []);
  const value = useMemo<Session>(
    () => ({
      user,
      refresh,
      signOut,
      has: (role) => !!user?.grants.some((g) => g.role === role || g.role === 'admin'),
      grant: (role) => user?.grants.find((g) => g.role === role),
    }),
    [user, refresh, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The current session. */
export function useSession(): Session {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}
