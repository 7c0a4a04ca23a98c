import { ErrorBlock, List, SpinLoading } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../i18n/index.ts';
import type { OrgNode } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';

/** For now the scope's units (a worker's micro-grids) and what lies directly below them. */
export function HomePage() {
  const { t } = useTranslation();
  const tree = useApi<{ roots: OrgNode[] }>('/api/org/tree');

  if (tree.error !== undefined) return <ErrorBlock status="default" title={errorMessage(tree.error)} description="" />;
  if (!tree.data) return <SpinLoading style={{ margin: '30vh auto' }} />;

  const item = (unit: OrgNode) => (
    <List.Item key={unit.code} description={`${t(`levels.${unit.level}`)} · ${unit.code}`}>
      {unit.name}
    </List.Item>
  );
  const { roots } = tree.data;
  return (
    <>
      <List header={t('mobile.myMicrogrids')}>{roots.map(item)}</List>
      {roots
        .filter((root) => root.children.length > 0)
        .map((root) => (
          <List key={root.code} header={root.name}>
            {root.children.map(item)}
          </List>
        ))}
    </>
  );
}
