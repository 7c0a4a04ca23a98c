import { ArrowDownOutlined, ArrowUpOutlined, DownloadOutlined, SettingOutlined } from '@ant-design/icons';
import { Alert, Button, Card, DatePicker, Empty, Flex, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../i18n/index.ts';
import { useMe } from '../../shared/auth.tsx';
import type { Scope } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';
import { FigureCases } from './FigureCases.tsx';
import { RATE_MEASURES, RATE_NAMES, percent, thisMonth, type RankedLevel, type RankedUnit, type Ranking, type RateName } from './rankingData.ts';
import { ScoreChart } from './ScoreChart.tsx';
import { WeightsModal } from './WeightsModal.tsx';

const LEVELS: RankedLevel[] = ['subdistrict', 'community', 'grid', 'department'];

/** The level one below the caller's unit: a district compares its subdistricts, a subdistrict its communities. */
function defaultLevel(scope: Scope): RankedLevel {
  if (scope.kind !== 'unit' || scope.code.length <= 6) return 'subdistrict';
  return scope.code.length <= 9 ? 'community' : 'grid';
}

/**
 * 晒比评: every unit of a level ranked on the month's weighted score, with last month beside it, the
 * top and bottom three marked, each rate openable to the cases behind it, and the spreadsheet the
 * office circulates.
 */
export function RankingsPage() {
  const { t } = useTranslation();
  const me = useMe();
  // The month and level live in the address, so a ranking can be shared as a link.
  const [params, setParams] = useSearchParams();
  const month = /^\d{4}-\d{2}$/.test(params.get('month') ?? '') ? params.get('month')! : thisMonth();
  const level = (LEVELS as string[]).includes(params.get('level') ?? '') ? (params.get('level') as RankedLevel) : defaultLevel(me.scope);
  const choose = (next: { month?: string; level?: RankedLevel }) => setParams({ month: next.month ?? month, level: next.level ?? level });
  const [figure, setFigure] = useState<{ unit: string; unitName: string; month: string; measure: string } | null>(null);
  const [editingWeights, setEditingWeights] = useState(false);
  const query = `month=${month}&level=${level}`;
  const { data, error, loading, reload } = useApi<Ranking>(`/api/cases/rankings?${query}`);
  const open = useCallback(
    (unit: RankedUnit, measure: string) => setFigure({ unit: unit.code, unitName: unit.name, month, measure }),
    [month],
  );
  const openUnit = useCallback(
    (code: string) => {
      const unit = data?.units.find((u) => u.code === code);
      if (unit) open(unit, 'due_handling');
    },
    [data, open],
  );

  const columns = [
    { title: t('rankings.rank'), dataIndex: 'rank', width: 64, render: (rank: number | null) => rank ?? '—' },
    {
      title: t('rankings.unit'),
      dataIndex: 'name',
      render: (name: string, unit: RankedUnit) => (
        <Space>
          {name}
          {data?.top.includes(unit.code) && <Tag color="red">{t('rankings.top')}</Tag>}
          {data?.bottom.includes(unit.code) && <Tag>{t('rankings.bottom')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('rankings.score'),
      dataIndex: 'score',
      width: 80,
      render: (score: number | null) => (score === null ? <Typography.Text type="secondary">{t('rankings.noData')}</Typography.Text> : score.toFixed(2)),
    },
    {
      title: t('rankings.trend'),
      dataIndex: 'trend',
      width: 90,
      render: (trend: number | null) =>
        trend === null ? '—' : trend >= 0 ? (
          <Typography.Text type="success">
            <ArrowUpOutlined /> {trend.toFixed(2)}
          </Typography.Text>
        ) : (
          <Typography.Text type="danger">
            <ArrowDownOutlined /> {Math.abs(trend).toFixed(2)}
          </Typography.Text>
        ),
    },
    ...RATE_NAMES.map((name: RateName) => ({
      title: t(`rankings.rates.${name}`),
      key: name,
      width: 96,
      render: (_: unknown, unit: RankedUnit) => {
        const rate = unit.rates[name];
        if (rate.value === null) return '—';
        return (
          <Tooltip title={`${rate.numerator} / ${rate.denominator}`}>
            <Button type="link" size="small" onClick={() => open(unit, RATE_MEASURES[name])}>
              {percent(rate.value)}
            </Button>
          </Tooltip>
        );
      },
    })),
  ];

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('rankings.title')}
        </Typography.Title>
        <Space wrap>
          <DatePicker
            picker="month"
            allowClear={false}
            value={dayjs(`${month}-01`)}
            onChange={(value) => value && choose({ month: value.format('YYYY-MM') })}
            aria-label={t('rankings.month')}
          />
          <Select
            value={level}
            onChange={(next: RankedLevel) => choose({ level: next })}
            style={{ width: 140 }}
            aria-label={t('rankings.level')}
            options={LEVELS.map((value) => ({ value, label: t(`rankings.levels.${value}`) }))}
          />
          <Button icon={<DownloadOutlined />} href={`/api/cases/rankings.xlsx?${query}`}>
            {t('rankings.export')}
          </Button>
          {me.user.role === 'district_admin' && (
            <Button icon={<SettingOutlined />} onClick={() => setEditingWeights(true)}>
              {t('rankings.weights')}
            </Button>
          )}
        </Space>
      </Flex>
      {error !== undefined && <Alert type="error" showIcon message={errorMessage(error)} />}
      <Card size="small">
        {data && data.units.some((unit) => unit.score !== null) ? (
          <ScoreChart units={data.units} onPick={openUnit} />
        ) : (
          <Empty description={t('rankings.empty')} />
        )}
      </Card>
      <Table<RankedUnit>
        rowKey="code"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.units ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('rankings.noUnits') }}
      />
      <FigureCases figure={figure} onClose={() => setFigure(null)} />
      {data && (
        <WeightsModal
          open={editingWeights}
          settings={data.settings}
          onClose={(changed) => {
            setEditingWeights(false);
            if (changed) reload();
          }}
        />
      )}
    </Flex>
  );
}
