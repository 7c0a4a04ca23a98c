import { useCallback, useEffect, useState } from 'react';
import { api } from '../../shared/api.ts';
import type { CursorPage } from '../../shared/model.ts';

interface CursorList<T> {
  items: T[];
  loading: boolean;
  error?: unknown;
  hasMore: boolean;
  loadMore(): void;
  /** Ask again from the first page (after an edit); the rows on screen stay until the new ones arrive. */
  reload(): void;
}

interface Loaded<T> {
  /** The list these rows belong to: rows of another path are never shown for this one. */
  path: string | null;
  items: T[];
  next: string | null;
  error?: unknown;
  loading: boolean;
}

/** A cursor-paged list (`?after=`), one page at a time; a new `path` (null: nothing yet) starts over. */
export function useCursorList<T>(path: string | null): CursorList<T> {
  const [state, setState] = useState<Loaded<T>>({ path: null, items: [], next: null, loading: false });
  const [generation, setGeneration] = useState(0);

  const fetchPage = useCallback(
    async (after: string | null, isCurrent: () => boolean) => {
      if (path === null) return;
      setState((s) => (s.path === path ? { ...s, loading: true, error: undefined } : { path, items: [], next: null, loading: true }));
      const separator = path.includes('?') ? '&' : '?';
      try {
        const page = await api.get<CursorPage<T>>(after ? `${path}${separator}after=${encodeURIComponent(after)}` : path);
        if (!isCurrent()) return;
        setState((s) => ({ path, items: after ? [...s.items, ...page.items] : page.items, next: page.nextCursor, loading: false }));
      } catch (error) {
        if (isCurrent()) setState((s) => ({ ...s, error, loading: false }));
      }
    },
    [path],
  );

  useEffect(() => {
    let current = true;
    void fetchPage(null, () => current);
    return () => {
      current = false;
    };
  }, [fetchPage, generation]);

  const mine = state.path === path;
  return {
    items: mine ? state.items : [],
    loading: mine ? state.loading : path !== null,
    error: mine ? state.error : undefined,
    hasMore: mine && state.next !== null,
    loadMore: () => void fetchPage(state.next, () => true),
    reload: () => setGeneration((g) => g + 1),
  };
}
