import { Alert, Card, Descriptions, Empty, Flex, Spin, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useOutletContext, useSearchParams } from 'react-router-dom';
import { errorMessage } from '../../i18n/index.ts';
import { ApiError } from '../../shared/api.ts';
import type { OrgNode, OrgUnit } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';
import { ForbiddenPage } from './ForbiddenPage.tsx';
import { NotFoundPage } from './NotFoundPage.tsx';

/** The unit chosen in the tree (`?unit=`, else the scope's first unit): what it is and what lies below. */
export function HomePage() {
  const { t } = useTranslation();
  const roots = useOutletContext<OrgNode[]>();
  const [params] = useSearchParams();
  const code = params.get('unit') ?? roots[0]?.code;
  const path = code ? `/api/org/units/${encodeURIComponent(code)}` : null;
  const unit = useApi<OrgUnit>(path);
  const below = useApi<{ children: OrgNode[] }>(path && `${path}/children`);

  if (!code) return <Empty description={t('org.empty')} />;
  const error = unit.error ?? below.error;
  if (error instanceof ApiError && error.status === 403) return <ForbiddenPage />;
  if (error instanceof ApiError && error.status === 404) return <NotFoundPage />;
  if (error !== undefined) return <Alert type="error" showIcon title={errorMessage(error)} />;
  if (!unit.data || !below.data) {
    return (
      <Flex justify="center">
        <Spin />
      </Flex>
    );
  }

  const { name, level } = unit.data;
  const columns = [
    { key: 'name', title: t('org.name'), render: (child: OrgNode) => <Link to={`/?unit=${child.code}`}>{child.name}</Link> },
    { key: 'code', title: t('org.code'), dataIndex: 'code' },
    { key: 'level', title: t('org.level'), render: (child: OrgNode) => t(`levels.${child.level}`) },
  ];
  return (
    <Flex vertical gap={24}>
      <Card>
        <Descriptions
          title={name}
          items={[
            { key: 'name', label: t('org.name'), children: name },
            { key: 'code', label: t('org.code'), children: unit.data.code },
            { key: 'level', label: t('org.level'), children: t(`levels.${level}`) },
          ]}
        />
      </Card>
      <Card title={t('org.children')}>
        <Table<OrgNode>
          rowKey="code"
          columns={columns}
          dataSource={below.data.children}
          expandable={{ childrenColumnName: 'rows' }} // a unit's `children` are its sub-units, not nested rows
          pagination={{ hideOnSinglePage: true, pageSize: 20 }}
        />
      </Card>
    </Flex>
  );
}
