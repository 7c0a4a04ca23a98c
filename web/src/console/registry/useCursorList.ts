import { useCallback, useEffect, useState } from 'react';
import { api } from '../../shared/api.ts';
import type { CursorPage } from '../../shared/model.ts';

interface CursorList<T> {
  items: T[];
  loading: boolean;
  error?: unknown;
  hasMore: boolean;
  loadMore(): void;
  /** Ask again from the first page (after an edit). */
  reload(): void;
}

/** A cursor-paged list (`?after=`), one page at a time; a new `path` (null: nothing yet) starts over. */
export function useCursorList<T>(path: string | null): CursorList<T> {
  const [state, setState] = useState<{ items: T[]; next: string | null; error?: unknown; loading: boolean }>({
    items: [],
    next: null,
    loading: false,
  });
  const [generation, setGeneration] = useState(0);

  const fetchPage = useCallback(
    async (after: string | null, replace: boolean, isCurrent: () => boolean) => {
      if (path === null) return;
      setState((s) => ({ ...s, loading: true, error: undefined }));
      const separator = path.includes('?') ? '&' : '?';
      try {
        const page = await api.get<CursorPage<T>>(after ? `${path}${separator}after=${encodeURIComponent(after)}` : path);
        if (isCurrent())
          setState((s) => ({ items: replace ? page.items : [...s.items, ...page.items], next: page.nextCursor, loading: false }));
      } catch (error) {
        if (isCurrent()) setState((s) => ({ ...s, error, loading: false }));
      }
    },
    [path],
  );

  useEffect(() => {
    let current = true;
    setState({ items: [], next: null, loading: path !== null });
    void fetchPage(null, true, () => current);
    return () => {
      current = false;
    };
  }, [fetchPage, generation, path]);

  return {
    items: state.items,
    loading: state.loading,
    error: state.error,
    hasMore: state.next !== null,
    loadMore: () => void fetchPage(state.next, false, () => true),
    reload: () => setGeneration((g) => g + 1),
  };
}
