import { Alert, Button, Empty, Flex, Spin, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api.ts';
import { caseError, countdown, useNow } from '../../shared/cases.ts';
import type { CaseState, CaseSummary, CursorPage } from '../../shared/model.ts';
import { useUnitNames } from './caseData.ts';
import { CaseRows } from './CaseTable.tsx';

/** The API's largest page; the board reads at most MAX_PAGES of them. */
const PAGE = 200;
const MAX_PAGES = 5;

/** Stages a department holds: their lateness is the lead department's; the others are the area's offices'. */
const DEPARTMENT_STAGES: readonly CaseState[] = ['dispatched', 'extension_requested', 'parking_requested'];

interface Group {
  unit: string;
  department: boolean;
  cases: CaseSummary[];
  /** The longest-overdue case's deadline. */
  oldest: string;
}

/** Whose lateness it is: the lead department while it handles the case, else the unit the case lies in. */
function holderOf(kase: CaseSummary): { unit: string; department: boolean } {
  if (DEPARTMENT_STAGES.includes(kase.state) && kase.leadDepartment) return { unit: kase.leadDepartment, department: true };
  return { unit: kase.areaCode, department: false };
}

/**
 * 超期督办: every open case of the scope past its stage deadline (`GET /api/cases?overdue=true`),
 * counted by the unit holding it, the longest-overdue first; choosing a unit lists its cases.
 */
export function OverdueBoard() {
  const { t } = useTranslation();
  const [answer, setAnswer] = useState<{ cases?: CaseSummary[]; complete?: boolean; error?: unknown }>({});
  const [generation, setGeneration] = useState(0);
  const [chosen, setChosen] = useState<string | null>(null);
  const now = useNow();

  useEffect(() => {
    let current = true;
    (async () => {
      const cases: CaseSummary[] = [];
      let after: string | null = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const query: string = `/api/cases?overdue=true&limit=${PAGE}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
        const answer: CursorPage<CaseSummary> = await api.get<CursorPage<CaseSummary>>(query);
        cases.push(...answer.items);
        after = answer.nextCursor;
        if (!after) break;
      }
      return { cases, complete: after === null };
    })().then(
      (loaded) => current && setAnswer(loaded),
      (error: unknown) => current && setAnswer({ error }),
    );
    return () => {
      current = false;
    };
  }, [generation]);

  const groups = new Map<string, Group>();
  for (const kase of answer.cases ?? []) {
    const { unit, department } = holderOf(kase);
    const group = groups.get(unit) ?? { unit, department, cases: [], oldest: kase.stageDueAt ?? kase.updatedAt };
    group.cases.push(kase);
    if (kase.stageDueAt && kase.stageDueAt < group.oldest) group.oldest = kase.stageDueAt;
    groups.set(unit, group);
  }
  const rows = [...groups.values()].sort((a, b) => b.cases.length - a.cases.length || a.oldest.localeCompare(b.oldest));
  const name = useUnitNames(rows.map((row) => row.unit));
  const selected = chosen ? groups.get(chosen) : undefined;

  if (answer.error !== undefined) return <Alert type="error" showIcon title={caseError(answer.error)} />;
  if (!answer.cases) return <Spin style={{ display: 'block', margin: '48px auto' }} />;
  if (answer.cases.length === 0)
    return <Empty className="overdue-empty" image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('cases.noOverdue')} />;

  const columns = [
    {
      key: 'unit',
      title: t('cases.holder'),
      render: (group: Group) => (
        <Flex gap={8} align="center">
          <Button type="link" style={{ padding: 0 }} onClick={() => setChosen(group.unit === chosen ? null : group.unit)}>
            {name(group.unit)}
          </Button>
          {group.department && <Tag>{t('levels.department')}</Tag>}
        </Flex>
      ),
    },
    {
      key: 'count',
      title: t('cases.overdueCount'),
      width: 120,
      render: (group: Group) => <Typography.Text type="danger">{group.cases.length}</Typography.Text>,
    },
    { key: 'oldest', title: t('cases.longestOverdue'), width: 200, render: (group: Group) => countdown(group.oldest, now).text },
  ];
  return (
    <Flex vertical gap={16}>
      {!answer.complete && <Alert type="warning" showIcon title={t('cases.boardTruncated', { count: PAGE * MAX_PAGES })} />}
      <Flex justify="space-between" align="center">
        <Typography.Text>{t('cases.overdueTotal', { count: answer.cases.length })}</Typography.Text>
        <Button onClick={() => setGeneration((g) => g + 1)}>{t('cases.refresh')}</Button>
      </Flex>
      <Table<Group>
        rowKey="unit"
        className="overdue-board"
        columns={columns}
        dataSource={rows}
        pagination={{ hideOnSinglePage: true, pageSize: 20 }}
        rowClassName={(group) => (group.unit === chosen ? 'ant-table-row-selected' : '')}
      />
      <Typography.Title level={5} style={{ margin: 0 }}>
        {selected ? t('cases.overdueOf', { unit: name(selected.unit) }) : t('cases.overdueAll')}
      </Typography.Title>
      <CaseRows
        list={{ items: selected?.cases ?? answer.cases, loading: false, hasMore: false, loadMore: () => {}, reload: () => {} }}
        className="case-table case-table--overdue"
        empty={t('cases.noOverdue')}
      />
    </Flex>
  );
}
