import { Alert, Flex, Layout, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Outlet } from 'react-router-dom';
import { errorMessage } from '../../i18n/index.ts';
import type { OrgNode } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';
import { LanguageSwitch } from '../LanguageSwitch.tsx';
import { OrgTree } from './OrgTree.tsx';
import { UserMenu } from './UserMenu.tsx';

/** Header, the org tree of the signed-in scope on the left, the page on the right (it gets the tree's roots). */
export function MainLayout() {
  const { t } = useTranslation();
  const tree = useApi<{ roots: OrgNode[] }>('/api/org/tree');
  const roots = tree.data?.roots;
  const place = roots?.length === 1 ? roots[0].name : undefined;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, background: '#fff', borderBottom: '1px solid #f0f0f0' }}>
        <Typography.Title level={4} style={{ margin: 0, flex: 1 }}>
          {place ? `${t('app.name')} · ${place}` : t('app.name')}
        </Typography.Title>
        <LanguageSwitch />
        <UserMenu />
      </Layout.Header>
      <Layout>
        <Layout.Sider width={280} theme="light" style={{ padding: 12 }}>
          <Typography.Text type="secondary">{t('org.tree')}</Typography.Text>
          {roots && <OrgTree roots={roots} />}
        </Layout.Sider>
        <Layout.Content style={{ padding: 24 }}>
          {tree.error !== undefined && <Alert type="error" showIcon title={errorMessage(tree.error)} />}
          {tree.loading && (
            <Flex justify="center">
              <Spin />
            </Flex>
          )}
          {roots && <Outlet context={roots} />}
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
