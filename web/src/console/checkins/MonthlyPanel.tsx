import { Alert, Card, DatePicker, Descriptions, Flex, Table } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { checkinError, OUTCOMES, type Figures, type Monthly } from '../../shared/checkins.ts';
import { useApi } from '../../shared/useApi.ts';
import { businessToday } from './checkinData.ts';

const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 1000) / 10}%`);
const minutes = (value: number | null) => (value === null ? '—' : String(Math.round(value)));

/**
 * 月度: a unit's month of alerts — how many, how many were false alarms, the median minutes from the
 * deadline to a person's outcome, how many within the hour, the outcomes — and the same per unit below.
 */
export function MonthlyPanel({
  unit,
  month,
  choose,
}: {
  unit: string;
  month?: string;
  choose: (changes: Record<string, string | undefined>) => void;
}) {
  const { t } = useTranslation();
  const shown = month ?? businessToday().slice(0, 7);
  const monthly = useApi<Monthly>(unit ? `/api/checkins/monthly?unit=${encodeURIComponent(unit)}&month=${shown}` : null);
  const totals = monthly.data?.totals;

  const figureColumns = [
    { key: 'alerts', title: t('checkins.monthly.alerts'), dataIndex: 'alerts', align: 'right' as const },
    { key: 'panics', title: t('checkins.monthly.panics'), dataIndex: 'panics', align: 'right' as const },
    { key: 'open', title: t('checkins.monthly.open'), dataIndex: 'open', align: 'right' as const },
    { key: 'overdue', title: t('checkins.monthly.overdue'), dataIndex: 'overdue', align: 'right' as const },
    {
      key: 'false',
      title: t('checkins.monthly.falseAlarmShare'),
      align: 'right' as const,
      render: (_: unknown, f: Figures) => percent(f.falseAlarmShare),
    },
    {
      key: 'median',
      title: t('checkins.monthly.median'),
      align: 'right' as const,
      render: (_: unknown, f: Figures) => minutes(f.medianMinutesToOutcome),
    },
    { key: 'hour', title: t('checkins.monthly.withinHour'), dataIndex: 'withinHour', align: 'right' as const },
    ...OUTCOMES.map((outcome) => ({
      key: outcome,
      title: t(`checkins.outcomes.${outcome}`),
      align: 'right' as const,
      render: (_: unknown, f: Figures) => f.outcomes[outcome] ?? 0,
    })),
  ];

  return (
    <Flex vertical gap={16} className="checkins-monthly" data-month={shown}>
      <Flex>
        <DatePicker
          picker="month"
          allowClear={false}
          value={dayjs(`${shown}-01`)}
          onChange={(value) => value && choose({ month: value.format('YYYY-MM') })}
          aria-label={t('checkins.monthly.month')}
        />
      </Flex>
      {monthly.error !== undefined && <Alert type="error" showIcon title={checkinError(monthly.error)} />}
      <Card
        loading={!monthly.data}
        title={monthly.data ? t('checkins.monthly.title', { unit: monthly.data.unit.name, month: shown }) : undefined}
      >
        {totals && (
          <Descriptions
            className="checkins-monthly-totals"
            column={4}
            items={[
              { key: 'alerts', label: t('checkins.monthly.alerts'), children: totals.alerts },
              {
                key: 'false',
                label: t('checkins.monthly.falseAlarmShare'),
                children: `${percent(totals.falseAlarmShare)}（${totals.falseAlarms}）`,
              },
              { key: 'median', label: t('checkins.monthly.median'), children: minutes(totals.medianMinutesToOutcome) },
              { key: 'hour', label: t('checkins.monthly.withinHour'), children: `${totals.withinHour} / ${totals.resolved}` },
              { key: 'open', label: t('checkins.monthly.open'), children: totals.open },
              { key: 'overdue', label: t('checkins.monthly.overdue'), children: totals.overdue },
              { key: 'panics', label: t('checkins.monthly.panics'), children: totals.panics },
              {
                key: 'outcomes',
                label: t('checkins.monthly.outcomes'),
                children:
                  OUTCOMES.filter((o) => (totals.outcomes[o] ?? 0) > 0)
                    .map((o) => `${t(`checkins.outcomes.${o}`)} ${totals.outcomes[o]}`)
                    .join('，') || '—',
              },
            ]}
          />
        )}
      </Card>
      <Card title={t('checkins.monthly.below')}>
        <Table
          className="checkins-monthly-units"
          rowKey="code"
          size="small"
          loading={!monthly.data}
          dataSource={monthly.data?.units ?? []}
          pagination={{ hideOnSinglePage: true, pageSize: 50 }}
          scroll={{ x: true }}
          columns={[{ key: 'name', title: t('checkins.board.unit'), dataIndex: 'name' }, ...figureColumns]}
        />
      </Card>
    </Flex>
  );
}
