import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, setCsrfToken, whenSessionLost } from './api.ts';
import type { LoginAnswer, Me } from './model.ts';

interface Auth {
  /** undefined while the server is being asked, null when signed out. */
  me: Me | null | undefined;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

async function fetchMe(): Promise<Me> {
  const me = await api.get<Me>('/api/auth/me');
  setCsrfToken(me.csrfToken);
  return me;
}

/** The cookie session of the browser, shared by the console and the worker H5. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);

  useEffect(() => {
    whenSessionLost(() => setMe(null));
    fetchMe().then(setMe, () => setMe(null));
  }, []);

  const auth: Auth = {
    me,
    async login(username, password) {
      const answer = await api.post<LoginAnswer>('/api/auth/login', { username, password });
      setCsrfToken(answer.csrfToken);
      setMe(await fetchMe());
    },
    async logout() {
      // Leaving is what the user wants: a failed call (session already gone, network) still signs out here.
      await api.post('/api/auth/logout').catch(() => undefined);
      setCsrfToken(undefined);
      setMe(null);
    },
  };
  return <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside <AuthProvider>');
  return auth;
}

/** The signed-in user, for components rendered only behind a sign-in guard. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe needs a signed-in user');
  return me;
}
