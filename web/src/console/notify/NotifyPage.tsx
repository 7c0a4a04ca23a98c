import { Badge, Card, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { useMe } from '../../shared/auth.tsx';
import { useApi } from '../../shared/useApi.ts';
import { ChannelsPanel } from './ChannelsPanel.tsx';
import { DeadLettersPanel } from './DeadLettersPanel.tsx';
import { InboxPanel } from './InboxPanel.tsx';
import { canConfigureNotify } from './notify.ts';

/** 通知: my inbox (unread first); for admins, their units' channels and the messages that could not be sent. */
export function NotifyPage() {
  const { t } = useTranslation();
  const { user } = useMe();
  const [params, setParams] = useSearchParams();
  const unread = useApi<{ unread: number }>('/api/inbox?limit=1');
  const admin = canConfigureNotify(user.role);
  const tab = admin ? (params.get('tab') ?? 'inbox') : 'inbox';
  const items = [
    {
      key: 'inbox',
      label: (
        <Badge count={unread.data?.unread ?? 0} size="small" offset={[8, 0]}>
          {t('notify.inbox')}
        </Badge>
      ),
      children: <InboxPanel onChange={unread.reload} />,
    },
    ...(admin
      ? [
          { key: 'channels', label: t('notify.channels'), children: <ChannelsPanel /> },
          { key: 'dead', label: t('notify.deadLetters'), children: <DeadLettersPanel /> },
        ]
      : []),
  ];
  return (
    <Card title={t('notify.title')}>
      <Tabs activeKey={tab} items={items} destroyOnHidden onChange={(key) => setParams(key === 'inbox' ? {} : { tab: key })} />
    </Card>
  );
}
