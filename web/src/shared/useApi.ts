import { useEffect, useState } from 'react';
import { api } from './api.ts';

interface Answer<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
}

/** GET `path` (null: nothing yet) and re-fetch when it changes; never shows an older path's answer. */
export function useApi<T>(path: string | null): Answer<T> {
  const [state, setState] = useState<{ path: string | null; data?: T; error?: unknown }>({ path: null });

  useEffect(() => {
    if (path === null) return;
    let current = true;
    api.get<T>(path).then(
      (data) => current && setState({ path, data }),
      (error: unknown) => current && setState({ path, error }),
    );
    return () => {
      current = false;
    };
  }, [path]);

  if (state.path !== path) return { loading: path !== null };
  return { data: state.data, error: state.error, loading: false };
}
