import { useCallback, useEffect, useState } from 'react';
import { api } from './api.ts';

interface Answer<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  /** Ask again (after an edit); the current answer stays on screen until the new one arrives. */
  reload(): void;
}

/** GET `path` (null: nothing yet) and re-fetch when it changes; never shows an older path's answer. */
export function useApi<T>(path: string | null): Answer<T> {
  const [state, setState] = useState<{ path: string | null; data?: T; error?: unknown }>({ path: null });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

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
  }, [path, generation]);

  if (state.path !== path) return { loading: path !== null, reload };
  return { data: state.data, error: state.error, loading: false, reload };
}
