import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import i18n from './i18n';
import { api, getToken, ok, setToken, UNAUTHORIZED_EVENT } from './api/client';
import type { Login, Me } from './api/types';
import { loadPrefs, savePrefs, type Prefs } from './lib/prefs';

interface SessionValue {
  me: Me | null;
  loading: boolean;
  /** the last session ended because the server no longer accepted its token */
  expired: boolean;
  prefs: Prefs;
  login(user: string, password: string): Promise<void>;
  /** after a new password: the server's fresh token and who I am */
  renew(result: Login): void;
  logout(): Promise<void>;
  setPrefs(prefs: Partial<Prefs>): void;
}

const SessionContext = createContext<SessionValue | null>(null);

/** Applies the preferences to the page; resolves true once the language changed (false when it did not). */
function applyPrefs(prefs: Prefs): Promise<boolean> {
  document.documentElement.lang = prefs.language;
  document.documentElement.classList.toggle('elder', prefs.elder);
  if (i18n.language === prefs.language) return Promise.resolve(false);
  return i18n.changeLanguage(prefs.language).then(() => true);
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState<boolean>(() => getToken() !== null);
  const [expired, setExpired] = useState(false);
  const [prefs, setPrefsState] = useState<Prefs>(() => loadPrefs(null));

  useEffect(() => {
    // the server words names, titles and labels in the request's language: fetch what is shown again in the new one
    void applyPrefs(prefs).then((changed) => {
      if (changed) void queryClient.invalidateQueries();
    });
  }, [prefs, queryClient]);

  useEffect(() => {
    if (!getToken()) return;
    ok(api.GET('/api/me'))
      .then((who) => {
        setMe(who);
        setPrefsState(loadPrefs(who.user));
      })
      .catch(() => setMe(null))
      .finally(() => setLoading(false));
  }, []);

  useEffect(() => {
    const onUnauthorized = () => {
      setMe(null);
      setExpired(true);
      queryClient.clear();
    };
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, [queryClient]);

  const login = useCallback(async (user: string, password: string) => {
    const result = await ok(api.POST('/api/auth/login', { body: { user, password } }));
    setToken(result.access_token);
    queryClient.clear();
    setExpired(false);
    setMe(result.user);
    setPrefsState(loadPrefs(result.user.user));
  }, [queryClient]);

  const renew = useCallback((result: Login) => {
    setToken(result.access_token);
    queryClient.clear();
    setMe(result.user);
  }, [queryClient]);

  const logout = useCallback(async () => {
    try {
      await api.POST('/api/auth/logout');
    } finally {
      setToken(null);
      setMe(null);
      setExpired(false);
      queryClient.clear();
    }
  }, [queryClient]);

  const setPrefs = useCallback((change: Partial<Prefs>) => {
    setPrefsState((current) => {
      const next = { ...current, ...change };
      savePrefs(me?.user ?? null, next);
      return next;
    });
  }, [me]);

  const value = useMemo(() => ({ me, loading, expired, prefs, login, renew, logout, setPrefs }),
    [me, loading, expired, prefs, login, renew, logout, setPrefs]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
