import { Drawer, List, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useApi } from '../../shared/useApi.ts';

interface CaseItem {
  id: string;
  state: string;
  categoryName: string;
  address: string;
  description: string;
}

/** The cases behind one figure of a unit's month (GET /api/cases/figures), each opening its case. */
export function FigureCases({
  figure,
  onClose,
}: {
  figure: { unit: string; unitName: string; month: string; measure: string } | null;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const path = figure ? `/api/cases/figures?unit=${figure.unit}&month=${figure.month}&measure=${figure.measure}&limit=100` : null;
  const { data, loading } = useApi<{ items: CaseItem[]; nextCursor: string | null }>(path);
  return (
    <Drawer
      open={figure !== null}
      onClose={onClose}
      width={520}
      title={figure && t('rankings.behind', { unit: figure.unitName, measure: t(`rankings.measures.${figure.measure}`) })}
    >
      <List
        loading={loading}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('rankings.noCases') }}
        renderItem={(item) => (
          <List.Item>
            <List.Item.Meta
              title={
                <Link to={`/cases/${item.id}`}>
                  {item.categoryName} · {item.address}
                </Link>
              }
              description={<Typography.Text type="secondary">{item.description}</Typography.Text>}
            />
            <Tag>{t(`cases.states.${item.state}`, { defaultValue: item.state })}</Tag>
          </List.Item>
        )}
      />
      {data?.nextCursor && <Typography.Text type="secondary">{t('rankings.firstHundred')}</Typography.Text>}
    </Drawer>
  );
}
