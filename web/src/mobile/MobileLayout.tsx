import { HomeOutlined, UserOutlined } from '@ant-design/icons';
import { NavBar, TabBar } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';

/** Title bar on top, the page, and the tab bar at the bottom. */
export function MobileLayout() {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const tabs = [
    { key: '/', title: t('mobile.home'), icon: <HomeOutlined /> },
    { key: '/me', title: t('mobile.me'), icon: <UserOutlined /> },
  ];
  const active = tabs.find((tab) => tab.key === pathname) ?? tabs[0];

  return (
    <div style={{ display: 'flex', flexDirection: 'column', height: '100vh', background: '#f5f5f5' }}>
      <NavBar back={null} style={{ background: '#fff' }}>
        {active.title}
      </NavBar>
      <main style={{ flex: 1, overflowY: 'auto' }}>
        <Outlet />
      </main>
      <TabBar activeKey={active.key} onChange={(key) => navigate(key)} style={{ background: '#fff', borderTop: '1px solid #eee' }}>
        {tabs.map((tab) => (
          <TabBar.Item key={tab.key} icon={tab.icon} title={tab.title} />
        ))}
      </TabBar>
    </div>
  );
}
