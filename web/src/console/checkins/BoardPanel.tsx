import { Alert, Breadcrumb, Button, Card, DatePicker, Flex, Statistic, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useMemo, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useOutletContext } from 'react-router-dom';
import { formatTime } from '../../shared/cases.ts';
import { checkinError, SHOWN_COLOURS, shownState, usePolling, type Board, type BoardRow, type TodayList } from '../../shared/checkins.ts';
import type { OrgNode } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';
import { UnitMap } from '../map/UnitMap.tsx';
import { businessToday, UNIT_DAY_COLOURS, unitDay } from './checkinData.ts';

/** The board follows the day while it is open: signals and the sweeper change it every minute. */
const REFRESH_MS = 15_000;
const FIGURES = ['subjects', 'safe', 'waiting', 'alerted', 'resolved', 'away', 'openAlerts', 'overdue'] as const;

/**
 * 今日看板: a unit's day, on the map (each unit one level down coloured by its figures: red with open or
 * overdue alerts, amber while people are still awaited, green when all are accounted for) and as a
 * table; a click on either drills down. A micro-grid shows its people instead.
 */
export function BoardPanel({
  unit,
  date,
  choose,
}: {
  unit: string;
  date?: string;
  choose: (changes: Record<string, string | undefined>) => void;
}) {
  const { t } = useTranslation();
  const roots = useOutletContext<OrgNode[]>();
  const query = `unit=${encodeURIComponent(unit)}${date ? `&date=${date}` : ''}`;
  const board = useApi<Board>(unit ? `/api/checkins/board?${query}` : null);
  usePolling(board.reload, REFRESH_MS);
  const rows = board.data?.rows;
  const byCode = useMemo(() => new Map((rows ?? []).map((row) => [row.code, row])), [rows]);
  const fillOf = useCallback((code: string) => UNIT_DAY_COLOURS[unitDay(byCode.get(code))], [byCode]);
  const drill = useCallback((code: string) => choose({ unit: code }), [choose]);
  const level = board.data?.unit?.level;
  const totals = board.data?.totals;

  const columns = [
    {
      key: 'name',
      title: t('checkins.board.unit'),
      render: (row: BoardRow) => (
        <Button type="link" size="small" onClick={() => drill(row.code)} style={{ padding: 0 }}>
          {row.name}
        </Button>
      ),
    },
    ...FIGURES.map((figure) => ({
      key: figure,
      title: t(`checkins.board.${figure}`),
      dataIndex: figure,
      align: 'right' as const,
      render: (value: number) =>
        (figure === 'openAlerts' || figure === 'overdue') && value > 0 ? (
          <Typography.Text type="danger" strong>
            {value}
          </Typography.Text>
        ) : (
          value
        ),
    })),
    {
      key: 'day',
      title: t('checkins.board.status'),
      render: (row: BoardRow) => <Tag color={UNIT_DAY_COLOURS[unitDay(row)]}>{t(`checkins.board.unitDay.${unitDay(row)}`)}</Tag>,
    },
  ];

  return (
    <Flex vertical gap={16} className="checkins-board" data-date={board.data?.date}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Breadcrumb
          items={[
            ...(roots[0] && roots[0].code !== unit ? [{ title: <a onClick={() => choose({ unit: undefined })}>{roots[0].name}</a> }] : []),
            { title: board.data?.unit?.name ?? unit },
          ]}
        />
        <DatePicker
          allowClear={false}
          value={dayjs(date ?? board.data?.date ?? businessToday())}
          onChange={(value) => value && choose({ date: value.format('YYYY-MM-DD') })}
          aria-label={t('checkins.board.date')}
        />
      </Flex>
      {board.error !== undefined && <Alert type="error" showIcon title={checkinError(board.error)} />}
      <Card loading={!board.data} className="checkins-totals">
        {totals && (
          <Flex wrap gap={32}>
            {FIGURES.map((figure) => (
              <Statistic
                key={figure}
                title={t(`checkins.board.${figure}`)}
                value={totals[figure]}
                className={`checkins-total checkins-total--${figure}`}
                styles={{
                  content:
                    (figure === 'openAlerts' || figure === 'overdue') && totals[figure] > 0 ? { color: SHOWN_COLOURS.alert } : undefined,
                }}
              />
            ))}
          </Flex>
        )}
      </Card>
      {level !== 'microgrid' && (
        <Card title={t('checkins.board.map')} extra={<Legend />}>
          <UnitMap code={unit} name={board.data?.unit?.name} onSelect={drill} fillOf={fillOf} />
        </Card>
      )}
      {level !== 'microgrid' && (
        <Card title={t('checkins.board.below')}>
          <Table<BoardRow>
            className="checkins-board-table"
            rowKey="code"
            size="small"
            columns={columns}
            loading={!board.data}
            dataSource={rows ?? []}
            onRow={(row) => ({ 'data-unit': row.code, 'data-day': unitDay(row) }) as HTMLAttributes<HTMLElement>}
            pagination={{ hideOnSinglePage: true, pageSize: 50 }}
          />
        </Card>
      )}
      {level === 'microgrid' && <PeopleCard unit={unit} date={date} generation={board.data} />}
    </Flex>
  );
}

function Legend() {
  const { t } = useTranslation();
  return (
    <Flex gap={4}>
      {(['alert', 'waiting', 'safe', 'none'] as const).map((day) => (
        <Tag key={day} color={UNIT_DAY_COLOURS[day]}>
          {t(`checkins.board.unitDay.${day}`)}
        </Tag>
      ))}
    </Flex>
  );
}

/** A micro-grid's people of the day, each leading to their page; asked again with every new board. */
function PeopleCard({ unit, date, generation }: { unit: string; date?: string; generation: unknown }) {
  const { t } = useTranslation();
  const today = useApi<TodayList>(`/api/checkins/today?unit=${encodeURIComponent(unit)}${date ? `&date=${date}` : ''}`);
  const reload = today.reload;
  useEffect(() => {
    if (generation) reload();
  }, [generation, reload]);
  return (
    <Card title={t('checkins.board.people')}>
      <Table
        rowKey="checkId"
        size="small"
        loading={!today.data}
        dataSource={today.data?.items ?? []}
        pagination={{ hideOnSinglePage: true, pageSize: 50 }}
        columns={[
          {
            key: 'name',
            title: t('checkins.roster.name'),
            render: (_: unknown, item) => <Link to={`/checkins/subjects/${item.subjectId}`}>{item.name}</Link>,
          },
          { key: 'address', title: t('checkins.roster.address'), dataIndex: 'address' },
          { key: 'due', title: t('checkins.board.dueAt'), render: (_: unknown, item) => formatTime(item.dueAt) },
          {
            key: 'state',
            title: t('checkins.board.status'),
            render: (_: unknown, item) => {
              const shown = shownState(item.state, item.alert);
              return <Tag color={SHOWN_COLOURS[shown]}>{t(`checkins.states.${shown}`)}</Tag>;
            },
          },
        ]}
      />
    </Card>
  );
}
