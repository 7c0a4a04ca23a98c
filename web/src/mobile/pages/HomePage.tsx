import { List } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { OrgNode, ScopeSummary } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';
import { Empty, Failure, Loading } from '../Blocks.tsx';

/**
 * 我的微网格: the scope's units (for a worker, their micro-grids) with their counts; a micro-grid
 * opens its households. Office accounts opening /m see their unit and the level below it.
 */
export function HomePage() {
  const { t } = useTranslation();
  const tree = useApi<{ roots: OrgNode[] }>('/api/org/tree');

  if (tree.error !== undefined) return <Failure error={tree.error} />;
  if (!tree.data) return <Loading />;

  const { roots } = tree.data;
  if (roots.length === 0) {
    return <Empty title={t('mobile.noMicrogrids')} description={t('mobile.noMicrogridsHint')} />;
  }
  return (
    <>
      <ScopeCounts />
      <List header={t('mobile.myMicrogrids')}>
        {roots.map((unit) => (
          <UnitItem key={unit.code} unit={unit} />
        ))}
      </List>
      {roots
        .filter((root) => root.children.length > 0)
        .map((root) => (
          <List key={root.code} header={root.name}>
            {root.children.map((unit) => (
              <UnitItem key={unit.code} unit={unit} />
            ))}
          </List>
        ))}
    </>
  );
}

/** The whole scope in three numbers, from one cheap query. */
function ScopeCounts() {
  const { t } = useTranslation();
  const summary = useApi<ScopeSummary>('/api/org/summary');
  if (!summary.data) return null; // the list below is what matters; counts are a bonus
  const figures = [
    { key: 'microgrid', value: summary.data.microgrid, label: t('mobile.counts.microgrids') },
    { key: 'households', value: summary.data.households, label: t('mobile.counts.households') },
    { key: 'residents', value: summary.data.residents, label: t('mobile.counts.residents') },
  ];
  return (
    <div className="scope-counts" style={{ display: 'flex', background: '#fff', padding: '12px 0', marginBottom: 8 }}>
      {figures.map((figure) => (
        <div key={figure.key} data-count={figure.key} style={{ flex: 1, textAlign: 'center' }}>
          <div style={{ fontSize: 22, fontWeight: 600 }}>{figure.value.toLocaleString()}</div>
          <div style={{ fontSize: 12, color: 'var(--adm-color-weak)' }}>{figure.label}</div>
        </div>
      ))}
    </div>
  );
}

function UnitItem({ unit }: { unit: OrgNode }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const description = `${t(`levels.${unit.level}`)} · ${unit.code}`;
  if (unit.level !== 'microgrid') return <List.Item description={description}>{unit.name}</List.Item>;
  return (
    <List.Item description={description} extra={<MicrogridCounts code={unit.code} />} onClick={() => navigate(`/grids/${unit.code}`)}>
      {unit.name}
    </List.Item>
  );
}

/** Households and residents of one micro-grid, counted by the server (`GET /api/org/summary?unit=`). */
function MicrogridCounts({ code }: { code: string }) {
  const { t } = useTranslation();
  const summary = useApi<ScopeSummary>(`/api/org/summary?unit=${encodeURIComponent(code)}`);
  if (!summary.data) return null; // like the scope's counts: a bonus, the item opens without them
  return (
    <span className="microgrid-counts">
      {t('mobile.householdsAndResidents', {
        households: summary.data.households.toLocaleString(),
        residents: summary.data.residents.toLocaleString(),
      })}
    </span>
  );
}
