import { Card, Flex, Segmented, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { useMe } from '../../shared/auth.tsx';
import { stateLabel } from '../../shared/cases.ts';
import type { CaseState, Role } from '../../shared/model.ts';
import { isApprover, isOffice } from './caseData.ts';
import { CaseTable } from './CaseTable.tsx';
import { OverdueBoard } from './OverdueBoard.tsx';

const ALL_STATES: CaseState[] = [
  'reported',
  'verified',
  'filed',
  'returned',
  'dispatched',
  'extension_requested',
  'parking_requested',
  'parked',
  'fed_back',
  'closed',
  'evaluated',
  'refused',
];

interface TabSpec {
  key: string;
  /** The states the tab lists, one at a time; `all` adds "every state" in front. */
  states?: CaseState[];
  all?: boolean;
  board?: boolean;
}

/** The tabs a role works in: offices by stage of the loop, a department its inbox, everyone the overdue board and all cases. */
function tabsFor(role: Role): TabSpec[] {
  const overdue = { key: 'overdue', board: true };
  const all = { key: 'all', states: ALL_STATES, all: true };
  if (role === 'department_staff') {
    return [{ key: 'inbox', states: ['dispatched', 'extension_requested', 'parking_requested', 'parked', 'fed_back'] }, overdue, all];
  }
  if (!isOffice(role)) return [all, overdue];
  return [
    { key: 'intake', states: ['reported', 'verified'] },
    { key: 'dispatch', states: ['filed', 'returned'] },
    { key: 'check', states: ['fed_back'] },
    ...(isApprover(role) ? [{ key: 'approve', states: ['extension_requested', 'parking_requested'] as CaseState[] }] : []),
    overdue,
    all,
  ];
}

/**
 * 案件: the lists of the case loop (DOMAIN.md §4) for the signed-in role, as tabs (`?tab=`), each
 * narrowed to one state at a time (`?state=`). Every case opens its own page, /cases/:id.
 */
export function CasesPage() {
  const { t } = useTranslation();
  const { user } = useMe();
  const [params, setParams] = useSearchParams();
  const tabs = tabsFor(user.role);
  const tab = tabs.find((candidate) => candidate.key === params.get('tab')) ?? tabs[0];

  const items = tabs.map((spec) => ({
    key: spec.key,
    label: t(`cases.tabs.${spec.key}`),
    children: spec.board ? <OverdueBoard /> : <StateLists spec={spec} department={user.role === 'department_staff'} />,
  }));
  return (
    <Card title={t('cases.title')}>
      <Tabs activeKey={tab.key} items={items} destroyOnHidden onChange={(key) => setParams(key === tabs[0].key ? {} : { tab: key })} />
    </Card>
  );
}

function StateLists({ spec, department }: { spec: TabSpec; department: boolean }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const states = spec.states ?? [];
  const choices: string[] = spec.all ? ['', ...states] : states;
  const asked = params.get('state') ?? choices[0];
  const state = choices.includes(asked) ? asked : choices[0];
  const choose = (value: string) => {
    const next = new URLSearchParams(params);
    next.set('state', value);
    setParams(next);
  };
  const query = new URLSearchParams({ ...(state ? { state } : {}), limit: '20' });
  return (
    <Flex vertical gap={16}>
      {choices.length > 1 && (
        <Segmented
          value={state}
          onChange={(value) => choose(String(value))}
          options={choices.map((value) => ({ value, label: value ? stateLabel(value) : t('cases.allStates') }))}
          className="case-state-filter"
        />
      )}
      <CaseTable
        key={state}
        path={`/api/cases?${query}`}
        className={`case-table case-table--${state || 'all'}`}
        empty={t(`cases.empty.${state || 'all'}`)}
        department={department}
      />
    </Flex>
  );
}
