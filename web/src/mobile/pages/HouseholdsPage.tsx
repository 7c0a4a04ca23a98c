import { Button, DotLoading, InfiniteScroll, SearchBar } from 'antd-mobile';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { errorMessage } from '../../i18n/index.ts';
import type { Household, OrgUnit } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';
import { Empty, Failure } from '../Blocks.tsx';
import { HouseholdCard } from '../people/HouseholdCard.tsx';
import { householdsPage, isNotFound, searchHouseholds } from '../people/households.ts';

/** 我的住户: the households of one micro-grid, a page at a time, with a search by address or name. */
export function HouseholdsPage() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  const unit = useApi<OrgUnit>(`/api/org/units/${code}`);
  // Not in the URL (?q=): a typed name would then sit in the browser history and the server's access log.
  const [text, setText] = useState('');
  const settled = useDebounced(text.trim(), 300);
  // Clearing the box shows the list at once; only typing waits for a pause.
  const search = text.trim() === '' ? '' : settled;

  if (isNotFound(unit.error)) return <Empty title={t('mobile.microgridGone')} />;
  if (unit.error !== undefined) return <Failure error={unit.error} />;
  return (
    <>
      {/* Sticky: the search stays at hand while the thumb scrolls far down the list. */}
      <div style={{ background: '#fff', padding: '8px 12px', position: 'sticky', top: 0, zIndex: 1 }}>
        <div style={{ fontWeight: 600, marginBottom: 8 }}>{unit.data?.name ?? <DotLoading />}</div>
        <SearchBar placeholder={t('mobile.searchPlaceholder')} value={text} onChange={setText} onClear={() => setText('')} />
      </div>
      {/* The key starts a fresh list (cursor, pages) for another micro-grid. */}
      {search ? <SearchResults key={`${code}:${search}`} code={code} text={search} /> : <HouseholdList key={code} code={code} />}
    </>
  );
}

/** Opening a household hands over what the list already holds, so the detail page need not ask again. */
function useOpenHousehold(code: string) {
  const navigate = useNavigate();
  return (household: Household) => navigate(`/grids/${code}/households/${household.id}`, { state: { household } });
}

function HouseholdList({ code }: { code: string }) {
  const { t } = useTranslation();
  const open = useOpenHousehold(code);
  const [households, setHouseholds] = useState<Household[]>([]);
  const [hasMore, setHasMore] = useState(true);
  // A ref, not state: InfiniteScroll may ask again before React has rendered the previous page.
  const cursor = useRef<string | null>(null);
  const lastError = useRef<unknown>(undefined);

  // InfiniteScroll calls this whenever the end of the list comes into view; a rejection shows the retry.
  async function loadMore() {
    try {
      const page = await householdsPage(code, cursor.current);
      cursor.current = page.nextCursor;
      setHouseholds((previous) => [...previous, ...page.items]);
      setHasMore(page.nextCursor !== null);
    } catch (error) {
      lastError.current = error;
      throw error;
    }
  }

  return (
    <div className="household-list">
      {households.map((household) => (
        <HouseholdCard key={household.id} household={household} onOpen={() => open(household)} />
      ))}
      <InfiniteScroll loadMore={loadMore} hasMore={hasMore}>
        {(more, failed, retry) => {
          if (failed) {
            return (
              <span role="alert">
                {errorMessage(lastError.current)}
                <Button size="mini" fill="none" color="primary" onClick={retry}>
                  {t('mobile.retry')}
                </Button>
              </span>
            );
          }
          if (more) return <DotLoading />;
          if (households.length === 0) {
            return <Empty title={t('mobile.noHouseholds')} description={t('mobile.noHouseholdsHint')} />;
          }
          return <span>{t('mobile.endOfList', { count: households.length })}</span>;
        }}
      </InfiniteScroll>
    </div>
  );
}

function SearchResults({ code, text }: { code: string; text: string }) {
  const { t } = useTranslation();
  const open = useOpenHousehold(code);
  const [answer, setAnswer] = useState<{ households?: Household[]; error?: unknown }>({});

  useEffect(() => {
    let current = true;
    searchHouseholds(code, text).then(
      (households) => current && setAnswer({ households }),
      (error: unknown) => current && setAnswer({ error }),
    );
    return () => {
      current = false;
    };
  }, [code, text]);

  if (answer.error !== undefined) return <Failure error={answer.error} />;
  if (!answer.households) return <DotLoading style={{ display: 'block', margin: '24px auto', textAlign: 'center' }} />;
  if (answer.households.length === 0) return <Empty title={t('mobile.noMatches', { text })} />;
  return (
    <div className="household-list">
      {answer.households.map((household) => (
        <HouseholdCard key={household.id} household={household} onOpen={() => open(household)} />
      ))}
    </div>
  );
}

/** `value` once it has stopped changing for `ms`: one search per pause in typing, not per key. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
