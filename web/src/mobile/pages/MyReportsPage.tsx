import { Button, Dialog, DotLoading, InfiniteScroll, List, PullToRefresh, Tag, Toast } from 'antd-mobile';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, ApiError } from '../../shared/api.ts';
import { useMe } from '../../shared/auth.tsx';
import { caseError, formatTime, stateColor, stateLabel } from '../../shared/cases.ts';
import type { CaseSummary, CursorPage } from '../../shared/model.ts';
import { Empty } from '../Blocks.tsx';
import { discard, flush, useQueue, type QueuedReport } from '../cases/queue.ts';

const PAGE_SIZE = 20;

/** antd-mobile's tag colours for the shared state colours. */
export const TAG_COLOURS = { default: 'default', processing: 'primary', warning: 'warning', success: 'success', error: 'danger' } as const;

/**
 * 我的上报: reports still waiting on the phone (待发送) on top, then what the server holds
 * (`GET /api/cases?mine=true`), newest first, each with where it stands; a report opens its progress.
 */
export function MyReportsPage() {
  const { user } = useMe();
  const queue = useQueue(user.id);
  const navigate = useNavigate();
  const [pulls, setPulls] = useState(0);

  return (
    <PullToRefresh
      onRefresh={async () => {
        setPulls((n) => n + 1);
        await flush(user.id);
      }}
    >
      <div className="my-reports" style={{ minHeight: '60vh' }}>
        {queue.items.length > 0 && <QueuedReports items={queue.items} userId={user.id} />}
        {/* A report delivered from the queue shows up in the list, and a pull asks again: a fresh list. */}
        <ServerReports key={`${queue.sent}:${pulls}`} hasQueued={queue.items.length > 0} onOpen={(kase) => navigate(`/cases/${kase.id}`)} />
      </div>
    </PullToRefresh>
  );
}

function QueuedReports({ items, userId }: { items: QueuedReport[]; userId: string }) {
  const { t } = useTranslation();
  const [sending, setSending] = useState(false);
  async function sendNow() {
    setSending(true);
    try {
      const delivered = await flush(userId);
      if (delivered > 0) Toast.show({ icon: 'success', content: t('cases.mobile.queueSent', { count: delivered }) });
      else Toast.show({ content: t('cases.mobile.stillOffline') });
    } finally {
      setSending(false);
    }
  }
  return (
    <List
      className="queued-reports"
      header={
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <span>{t('cases.mobile.queuedHeader', { count: items.length })}</span>
          <Button size="mini" color="primary" fill="outline" loading={sending} onClick={() => void sendNow()} className="send-now">
            {t('cases.mobile.sendNow')}
          </Button>
        </div>
      }
    >
      {items.map((item) => (
        <List.Item
          key={item.key}
          className="queued-report"
          data-key={item.key}
          prefix={
            item.thumbnails[0] ? (
              <img src={item.thumbnails[0]} alt="" style={{ width: 44, height: 44, objectFit: 'cover', borderRadius: 4 }} />
            ) : undefined
          }
          description={
            item.refused
              ? t('cases.mobile.refused', { reason: caseError(new ApiError(422, item.refused, '')) })
              : [item.placeName ?? t('cases.mobile.placeByGps'), formatTime(item.queuedAt)].join(' · ')
          }
          extra={
            item.refused ? (
              <Button
                size="mini"
                color="danger"
                fill="none"
                onClick={() =>
                  void Dialog.confirm({ content: t('cases.mobile.discardConfirm'), onConfirm: () => discard(userId, item.key) })
                }
              >
                {t('cases.mobile.discard')}
              </Button>
            ) : (
              <Tag color="default" fill="outline" data-state="queued">
                {t('cases.mobile.queuedTag')}
              </Tag>
            )
          }
        >
          {item.categoryName}
          <div style={{ fontSize: 13, color: 'var(--adm-color-weak)' }}>{item.body.description}</div>
        </List.Item>
      ))}
    </List>
  );
}

function ServerReports({ hasQueued, onOpen }: { hasQueued: boolean; onOpen: (kase: CaseSummary) => void }) {
  const { t } = useTranslation();
  const [cases, setCases] = useState<CaseSummary[]>([]);
  const [hasMore, setHasMore] = useState(true);
  const cursor = useRef<string | null>(null);
  const lastError = useRef<unknown>(undefined);

  async function loadMore() {
    try {
      const query = new URLSearchParams({ mine: 'true', limit: String(PAGE_SIZE) });
      if (cursor.current) query.set('after', cursor.current);
      const page = await api.get<CursorPage<CaseSummary>>(`/api/cases?${query}`);
      cursor.current = page.nextCursor;
      setCases((previous) => [...previous, ...page.items]);
      setHasMore(page.nextCursor !== null);
    } catch (error) {
      lastError.current = error;
      throw error;
    }
  }

  return (
    <>
      {cases.length > 0 && (
        <List header={t('cases.mobile.sentHeader')} className="my-case-list">
          {cases.map((kase) => (
            <List.Item
              key={kase.id}
              className="my-case"
              data-case={kase.id}
              onClick={() => onOpen(kase)}
              description={`${kase.address} · ${formatTime(kase.createdAt)}`}
              extra={
                <Tag color={TAG_COLOURS[stateColor(kase.state)]} fill="outline" data-state={kase.state}>
                  {stateLabel(kase.state)}
                </Tag>
              }
            >
              {kase.categoryName}
              <div style={{ fontSize: 13, color: 'var(--adm-color-weak)' }}>{kase.description}</div>
            </List.Item>
          ))}
        </List>
      )}
      <InfiniteScroll loadMore={loadMore} hasMore={hasMore}>
        {(more, failed, retry) => {
          if (failed) {
            return (
              <span role="alert">
                {caseError(lastError.current)}
                <Button size="mini" fill="none" color="primary" onClick={retry}>
                  {t('mobile.retry')}
                </Button>
              </span>
            );
          }
          if (more) return <DotLoading />;
          if (cases.length === 0 && !hasQueued)
            return <Empty title={t('cases.mobile.noReports')} description={t('cases.mobile.noReportsHint')} />;
          return <span>{t('cases.mobile.endOfList', { count: cases.length })}</span>;
        }}
      </InfiniteScroll>
    </>
  );
}
