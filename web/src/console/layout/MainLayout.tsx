import { Alert, Flex, Layout, Menu, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { errorMessage } from '../../i18n/index.ts';
import type { OrgNode } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';
import { LanguageSwitch } from '../LanguageSwitch.tsx';
import { OrgTree } from './OrgTree.tsx';
import { UserMenu } from './UserMenu.tsx';

/** The console's sections, in the header; a new section is one line here and one route in main.tsx. */
const SECTIONS = [
  { path: '/', label: 'nav.map' },
  { path: '/cases', label: 'cases.nav' },
  { path: '/rankings', label: 'rankings.nav' },
  { path: '/checkins', label: 'checkins.nav' },
  { path: '/residents', label: 'nav.residents' },
  { path: '/transfer', label: 'nav.transfer' },
  { path: '/notify', label: 'notify.nav' },
];

/** Header with the sections, the org tree of the signed-in scope on the left, the page on the right (it gets the tree's roots). */
export function MainLayout() {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const tree = useApi<{ roots: OrgNode[] }>('/api/org/tree');
  const roots = tree.data?.roots;
  const place = roots?.length === 1 ? roots[0].name : undefined;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, background: '#fff', borderBottom: '1px solid #f0f0f0' }}>
        <Typography.Title level={4} style={{ margin: 0, whiteSpace: 'nowrap' }}>
          {place ? `${t('app.name')} · ${place}` : t('app.name')}
        </Typography.Title>
        <Menu
          mode="horizontal"
          style={{ flex: 1, minWidth: 0, borderBottom: 'none' }}
          selectedKeys={[SECTIONS.find((s) => s.path !== '/' && location.pathname.startsWith(s.path))?.path ?? '/']}
          items={SECTIONS.map((section) => ({ key: section.path, label: t(section.label) }))}
          onClick={({ key }) => navigate(key)}
        />
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
