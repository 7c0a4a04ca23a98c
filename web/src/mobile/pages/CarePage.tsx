import { Button, List, Tag, Toast } from 'antd-mobile';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../../shared/cases.ts';
import {
  checkinError,
  SHOWN_COLOURS,
  shownState,
  usePolling,
  type CareAlert,
  type Page,
  type TodayItem,
  type TodayList,
} from '../../shared/checkins.ts';
import { useApi } from '../../shared/useApi.ts';
import { Empty, Failure, Loading } from '../Blocks.tsx';
import { AlertBanner } from '../checkins/AlertBanner.tsx';
import { stopsOf, tick, type Stop } from '../checkins/checkins.ts';

/** How often the list asks again while open: alerts are raised by the server at the deadline. */
const REFRESH_MS = 15_000;
/** Open alerts of the last week: one raised overnight or left yesterday still needs its outcome. */
const OPEN_ALERTS = '/api/checkins/alerts?state=open&days=7&limit=50';

/**
 * 关爱 · 窗帘之约: the worker's morning. Open alerts on top; then today's people under care in walking
 * order, stop by stop (building or household), each with their state and a one-tap tick, and "all seen"
 * for a building. Names are masked as the server gives them.
 */
export function CarePage() {
  const { t } = useTranslation();
  const today = useApi<TodayList>('/api/checkins/today');
  const alerts = useApi<Page<CareAlert>>(OPEN_ALERTS);
  const reloadToday = today.reload;
  const reloadAlerts = alerts.reload;
  const refresh = useCallback(() => {
    reloadToday();
    reloadAlerts();
  }, [reloadToday, reloadAlerts]);
  usePolling(refresh, REFRESH_MS);

  const items = useMemo(() => today.data?.items ?? [], [today.data]);
  const places = useMemo(() => new Map(items.map((item) => [item.subjectId, item])), [items]);

  if (today.error !== undefined && !today.data) return <Failure error={today.error} />;
  if (!today.data) return <Loading />;

  const counts = { safe: 0, waiting: 0, alert: 0 };
  for (const item of items) {
    const shown = shownState(item.state, item.alert);
    if (shown === 'safe' || shown === 'waiting' || shown === 'alert') counts[shown]++;
  }

  return (
    <div className="care-page" data-date={today.data.date}>
      <AlertBanner alerts={alerts.data?.items ?? []} places={places} onChanged={refresh} />
      {items.length === 0 ? (
        <Empty title={t('checkins.mobile.nobody')} description={t('checkins.mobile.nobodyHint')} />
      ) : (
        <>
          <div className="care-counts" style={{ padding: '8px 16px', fontSize: 13, color: 'var(--adm-color-weak)' }}>
            {t('checkins.mobile.counts', { total: items.length, ...counts })}
          </div>
          {stopsOf(items).map((stop) => (
            <StopList key={stop.key} stop={stop} onChanged={refresh} />
          ))}
        </>
      )}
    </div>
  );
}

function StopList({ stop, onChanged }: { stop: Stop; onChanged: () => void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<string | null>(null);
  const waiting = stop.items.filter((item) => item.state === 'waiting');

  async function send(key: string, target: Parameters<typeof tick>[0], done: string) {
    setBusy(key);
    try {
      await tick(target);
      Toast.show({ icon: 'success', content: done });
    } catch (error) {
      Toast.show({ icon: 'fail', content: checkinError(error) });
    } finally {
      setBusy(null);
      onChanged();
    }
  }

  return (
    <List
      className="care-stop"
      data-building={stop.buildingId ?? undefined}
      header={
        <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
          <span style={{ flex: 1, color: 'var(--adm-color-text)' }}>{stop.label}</span>
          {stop.buildingId && waiting.length > 1 && (
            <Button
              size="mini"
              color="primary"
              fill="outline"
              className="care-all-seen"
              loading={busy === 'all'}
              onClick={() =>
                void send('all', { buildingIds: [stop.buildingId!] }, t('checkins.mobile.allSeenDone', { count: waiting.length }))
              }
            >
              {t('checkins.mobile.allSeen')}
            </Button>
          )}
        </div>
      }
    >
      {stop.items.map((item) => (
        <CareItem
          key={item.checkId}
          item={item}
          busy={busy === item.checkId}
          onTick={() => void send(item.checkId, { subjectIds: [item.subjectId] }, t('checkins.mobile.ticked', { name: item.name }))}
        />
      ))}
    </List>
  );
}

function CareItem({ item, busy, onTick }: { item: TodayItem; busy: boolean; onTick: () => void }) {
  const { t } = useTranslation();
  const shown = shownState(item.state, item.alert);
  const detail =
    shown === 'safe' && item.safeAt
      ? t('checkins.mobile.safeAt', { time: formatTime(item.safeAt), via: item.safeVia ? t(`checkins.signals.${item.safeVia}`) : '' })
      : shown === 'waiting'
        ? t('checkins.mobile.dueAt', { time: formatTime(item.dueAt) })
        : shown === 'resolved' && item.alert?.outcome
          ? t(`checkins.outcomes.${item.alert.outcome}`)
          : '';
  return (
    <List.Item
      className="care-item"
      data-subject={item.subjectId}
      data-state={shown}
      description={
        <>
          <div>{item.address}</div>
          {detail && <div>{detail}</div>}
        </>
      }
      extra={
        <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
          <Tag fill="outline" className="care-state" color={SHOWN_COLOURS[shown]}>
            {t(`checkins.states.${shown}`)}
          </Tag>
          {shown === 'waiting' && (
            <Button size="small" color="success" loading={busy} onClick={onTick} className="care-tick">
              {t('checkins.mobile.tick')}
            </Button>
          )}
        </div>
      }
    >
      <span className="care-name">{item.name}</span>
      {item.window === 'evening' && <span style={{ fontSize: 12, marginLeft: 6 }}>{t('checkins.windows.evening')}</span>}
    </List.Item>
  );
}
