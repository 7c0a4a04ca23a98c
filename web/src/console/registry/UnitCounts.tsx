import { Col, Row, Statistic } from 'antd';
import { useTranslation } from 'react-i18next';
import type { OrgLevel, ScopeSummary } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';

const AREA_LEVELS = ['subdistrict', 'community', 'grid', 'microgrid'] as const;

/** What lies under a unit: the levels below it, households, residents, workers and the gaps to fill. */
export function UnitCounts({ code, level }: { code: string; level: OrgLevel }) {
  const { t } = useTranslation();
  const summary = useApi<ScopeSummary>(`/api/org/summary?unit=${encodeURIComponent(code)}`).data;
  if (!summary) return null;
  const below = AREA_LEVELS.slice(AREA_LEVELS.indexOf(level as (typeof AREA_LEVELS)[number]) + 1);
  const figures: (keyof ScopeSummary)[] = [...below, 'households', 'residents', 'workers', 'microgridsWithoutWorker'];
  return (
    <Row gutter={16} className="unit-counts" style={{ marginTop: 16 }}>
      {figures.map((figure) => (
        <Col key={figure} flex="1 0 96px">
          <Statistic
            title={t(`summary.${figure}`)}
            value={summary[figure]}
            data-figure={figure}
            valueStyle={figure === 'microgridsWithoutWorker' && summary[figure] > 0 ? { color: '#cf1322' } : undefined}
          />
        </Col>
      ))}
    </Row>
  );
}
