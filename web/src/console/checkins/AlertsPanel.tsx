import { Alert, Flex, Segmented, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { formatTime } from '../../shared/cases.ts';
import { checkinError, usePolling, type CareAlert, type Page } from '../../shared/checkins.ts';
import { useApi } from '../../shared/useApi.ts';

const REFRESH_MS = 30_000;
/** The alerts of the week up to the chosen day: enough to find last night's, a page the table can hold. */
const DAYS = 7;
const LIMIT = 200;

/** 告警: the alerts of the unit whose deadline fell in the week up to the day, newest first, each opening its timeline. */
export function AlertsPanel({
  unit,
  date,
  choose,
}: {
  unit: string;
  date?: string;
  choose: (changes: Record<string, string | undefined>) => void;
}) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const state = params.get('state') === 'resolved' ? 'resolved' : params.get('state') === 'all' ? 'all' : 'open';
  const path =
    `/api/checkins/alerts?unit=${encodeURIComponent(unit)}&days=${DAYS}&limit=${LIMIT}` +
    (date ? `&date=${date}` : '') +
    (state === 'all' ? '' : `&state=${state}`);
  const alerts = useApi<Page<CareAlert>>(unit ? path : null);
  usePolling(alerts.reload, REFRESH_MS);

  return (
    <Flex vertical gap={16}>
      <Segmented
        value={state}
        onChange={(value) => choose({ state: value === 'open' ? undefined : String(value) })}
        options={(['open', 'resolved', 'all'] as const).map((value) => ({ value, label: t(`checkins.alerts.filter.${value}`) }))}
      />
      {alerts.error !== undefined && <Alert type="error" showIcon title={checkinError(alerts.error)} />}
      <Table<CareAlert>
        className="checkins-alerts"
        rowKey="id"
        size="small"
        loading={!alerts.data}
        dataSource={alerts.data?.items ?? []}
        pagination={{ hideOnSinglePage: true, pageSize: 50 }}
        locale={{ emptyText: t('checkins.alerts.none') }}
        columns={[
          {
            key: 'due',
            title: t('checkins.alerts.dueAt'),
            render: (_, alert) => <Link to={`/checkins/alerts/${alert.id}`}>{formatTime(alert.dueAt)}</Link>,
          },
          {
            key: 'name',
            title: t('checkins.roster.name'),
            render: (_, alert) => <Link to={`/checkins/subjects/${alert.subjectId}`}>{alert.name}</Link>,
          },
          { key: 'address', title: t('checkins.roster.address'), dataIndex: 'address' },
          { key: 'kind', title: t('checkins.alerts.kind'), render: (_, alert) => t(`checkins.alerts.kinds.${alert.kind}`) },
          { key: 'status', title: t('checkins.board.status'), render: (_, alert) => <AlertStatusTag alert={alert} /> },
          { key: 'rung', title: t('checkins.alerts.rung'), dataIndex: 'rung', align: 'right' },
          {
            key: 'outcome',
            title: t('checkins.alerts.outcome'),
            render: (_, alert) =>
              alert.outcome ? (
                <Typography.Text>
                  {t(`checkins.outcomes.${alert.outcome}`)}
                  {alert.caseId && (
                    <>
                      {' · '}
                      <Link to={`/cases/${alert.caseId}`}>{t('checkins.alerts.case')}</Link>
                    </>
                  )}
                </Typography.Text>
              ) : (
                '—'
              ),
          },
        ]}
      />
    </Flex>
  );
}

export function AlertStatusTag({ alert }: { alert: Pick<CareAlert, 'status' | 'overdue'> }) {
  const { t } = useTranslation();
  const colour = { open: 'red', acknowledged: 'orange', signalled: 'gold', resolved: 'green' }[alert.status];
  return (
    <Flex gap={4} className="checkins-alert-status" data-status={alert.status}>
      <Tag color={colour}>{t(`checkins.alerts.statuses.${alert.status}`)}</Tag>
      {alert.overdue && alert.status !== 'resolved' && <Tag color="red">{t('checkins.overdue')}</Tag>}
    </Flex>
  );
}
