import { Alert, Card, Descriptions, Empty, Flex, Table } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useOutletContext, useSearchParams } from 'react-router-dom';
import { errorMessage } from '../../i18n/index.ts';
import { ApiError } from '../../shared/api.ts';
import type { OrgNode, OrgUnit } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';
import { UnitMap } from '../map/UnitMap.tsx';
import { MicrogridPanel } from '../registry/MicrogridPanel.tsx';
import { UnitCounts } from '../registry/UnitCounts.tsx';
import { ForbiddenPage } from './ForbiddenPage.tsx';
import { NotFoundPage } from './NotFoundPage.tsx';

/**
 * The unit chosen in the tree or on the map (`?unit=`, else the scope's first unit): what it is and its
 * counts, then the map of what lies below and the list of it; a micro-grid shows its worker and
 * households instead. The cards stay mounted while another unit loads, so the map keeps its view.
 */
export function HomePage() {
  const { t } = useTranslation();
  const roots = useOutletContext<OrgNode[]>();
  const [params] = useSearchParams();
  const code = params.get('unit') ?? roots[0]?.code;
  const path = code ? `/api/org/units/${encodeURIComponent(code)}` : null;
  const unit = useApi<OrgUnit>(path);
  const below = useApi<{ children: OrgNode[] }>(path && `${path}/children`);
  const navigate = useNavigate();
  const select = useCallback((child: string) => navigate(`/?unit=${encodeURIComponent(child)}`), [navigate]);

  if (!code) return <Empty description={t('org.empty')} />;
  const error = unit.error ?? below.error;
  if (error instanceof ApiError && error.status === 403) return <ForbiddenPage />;
  if (error instanceof ApiError && error.status === 404) return <NotFoundPage />;
  if (error !== undefined) return <Alert type="error" showIcon title={errorMessage(error)} />;

  const columns = [
    { key: 'name', title: t('org.name'), render: (child: OrgNode) => <Link to={`/?unit=${child.code}`}>{child.name}</Link> },
    { key: 'code', title: t('org.code'), dataIndex: 'code' },
    { key: 'level', title: t('org.level'), render: (child: OrgNode) => t(`levels.${child.level}`) },
  ];
  return (
    <Flex vertical gap={24}>
      <Card loading={!unit.data}>
        {unit.data && (
          <Descriptions
            title={unit.data.name}
            items={[
              { key: 'name', label: t('org.name'), children: unit.data.name },
              { key: 'code', label: t('org.code'), children: unit.data.code },
              { key: 'level', label: t('org.level'), children: t(`levels.${unit.data.level}`) },
            ]}
          />
        )}
        {unit.data && <UnitCounts code={unit.data.code} level={unit.data.level} />}
      </Card>
      {unit.data?.level === 'microgrid' && unit.data.code === code && <MicrogridPanel key={code} microgrid={unit.data} />}
      <Card title={t('map.title')} style={unit.data?.level === 'microgrid' ? { display: 'none' } : undefined}>
        <UnitMap code={code} name={unit.data?.name} onSelect={select} />
      </Card>
      <Card title={t('org.children')} style={unit.data?.level === 'microgrid' ? { display: 'none' } : undefined}>
        <Table<OrgNode>
          rowKey="code"
          columns={columns}
          loading={!below.data}
          dataSource={below.data?.children ?? []}
          expandable={{ childrenColumnName: 'rows' }} // a unit's `children` are its sub-units, not nested rows
          pagination={{ hideOnSinglePage: true, pageSize: 20 }}
        />
      </Card>
    </Flex>
  );
}
