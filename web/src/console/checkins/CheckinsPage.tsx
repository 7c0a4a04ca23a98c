import { Tabs } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useOutletContext, useSearchParams } from 'react-router-dom';
import type { OrgNode } from '../../shared/model.ts';
import { AlertsPanel } from './AlertsPanel.tsx';
import { BoardPanel } from './BoardPanel.tsx';
import { MonthlyPanel } from './MonthlyPanel.tsx';
import { RosterPanel } from './RosterPanel.tsx';

const TABS = ['board', 'alerts', 'roster', 'monthly'] as const;
type Tab = (typeof TABS)[number];

/**
 * 窗帘之约: the day's board (map and table, drilling down unit by unit), the alerts, the roster (the
 * way to each person's page) and the month's figures, all for the unit in `?unit=` (the scope's first
 * unit by default) and, for the board and alerts, the day in `?date=` (today by default).
 */
export function CheckinsPage() {
  const { t } = useTranslation();
  const roots = useOutletContext<OrgNode[]>();
  const [params, setParams] = useSearchParams();
  const tab: Tab = TABS.find((candidate) => candidate === params.get('tab')) ?? 'board';
  const unit = params.get('unit') ?? roots[0]?.code ?? '';
  const date = params.get('date') ?? undefined;

  /** Changes some of the page's choices, keeping the others. */
  const choose = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) next.delete(key);
      else next.set(key, value);
    }
    setParams(next);
  };

  const panels: Record<Tab, ReactNode> = {
    board: <BoardPanel unit={unit} date={date} choose={choose} />,
    alerts: <AlertsPanel unit={unit} date={date} choose={choose} />,
    roster: <RosterPanel unit={unit} />,
    monthly: <MonthlyPanel unit={unit} month={params.get('month') ?? undefined} choose={choose} />,
  };
  return (
    <Tabs
      className="checkins-page"
      activeKey={tab}
      destroyOnHidden
      onChange={(key) => choose({ tab: key === 'board' ? undefined : key })}
      items={TABS.map((key) => ({ key, label: t(`checkins.tabs.${key}`), children: panels[key] }))}
    />
  );
}
