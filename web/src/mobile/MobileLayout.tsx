import { CameraOutlined, CarryOutOutlined, FileTextOutlined, HeartOutlined, HomeOutlined, UserOutlined } from '@ant-design/icons';
import { NavBar, TabBar } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { matchPath, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useMe } from '../shared/auth.tsx';
import { useQueue, useQueueFlusher } from './cases/queue.ts';

/** Pages below a tab: their title and where "back" leads when there is no history to go back to (a link opened afresh). */
const SUB_PAGES = [
  { pattern: '/cases/:id', title: 'cases.mobile.caseTitle', up: () => '/cases' },
  {
    pattern: '/grids/:code/households/:id',
    title: 'mobile.household',
    up: (params: Record<string, string | undefined>) => `/grids/${params.code}`,
  },
  { pattern: '/grids/:code', title: 'mobile.households', up: () => '/' },
];

/** Title bar on top (with a back arrow below the tabs' own pages), the page, and the tab bar at the bottom. */
export function MobileLayout() {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const { user } = useMe();
  // Reports made offline go out when the page loads, when the network returns, and every half minute.
  useQueueFlusher(user.id);
  const waiting = useQueue(user.id).items.length;
  const tabs = [
    { key: '/', title: t('mobile.home'), icon: <HomeOutlined /> },
    { key: '/report', title: t('cases.mobile.reportTab'), icon: <CameraOutlined /> },
    { key: '/cases', title: t('cases.mobile.myReportsTab'), icon: <FileTextOutlined />, badge: waiting > 0 ? String(waiting) : undefined },
    { key: '/errands', title: t('errands.title'), icon: <CarryOutOutlined /> },
    { key: '/care', title: t('checkins.mobile.tab'), icon: <HeartOutlined /> },
    { key: '/me', title: t('mobile.me'), icon: <UserOutlined /> },
  ];
  const tab = tabs.find((candidate) => candidate.key === location.pathname);
  const sub = SUB_PAGES.map((page) => ({ page, match: matchPath(page.pattern, location.pathname) })).find(({ match }) => match);
  // Households belong to the home tab, a report's page to 我的上报.
  const active = (location.pathname.startsWith('/cases/') ? tabs.find((candidate) => candidate.key === '/cases') : tab) ?? tabs[0];
  const back = () => {
    if (location.key !== 'default') navigate(-1);
    else if (sub) navigate(sub.page.up(sub.match!.params), { replace: true });
  };

  return (
    <div style={{ display: 'flex', flexDirection: 'column', height: '100vh', background: '#f5f5f5' }}>
      <NavBar back={sub ? t('mobile.back') : null} onBack={back} style={{ background: '#fff' }}>
        {sub ? t(sub.page.title) : active.title}
      </NavBar>
      <main style={{ flex: 1, overflowY: 'auto' }}>
        <Outlet />
      </main>
      <TabBar activeKey={active.key} onChange={(key) => navigate(key)} style={{ background: '#fff', borderTop: '1px solid #eee' }}>
        {tabs.map((item) => (
          <TabBar.Item key={item.key} icon={item.icon} title={item.title} badge={item.badge} />
        ))}
      </TabBar>
    </div>
  );
}
