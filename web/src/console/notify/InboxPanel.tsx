import { CheckOutlined } from '@ant-design/icons';
import { Button, Flex, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../shared/api.ts';
import { CursorTable } from '../registry/CursorTable.tsx';
import { useCursorList } from '../registry/useCursorList.ts';
import { formatTime, useNotifySending, type InboxMessage } from './notify.ts';

/** My messages: the unread ones first, each with "mark read"; then the ones already read. */
export function InboxPanel({ onChange }: { onChange: () => void }) {
  const { t } = useTranslation();
  const unread = useCursorList<InboxMessage>('/api/inbox?status=unread&limit=20');
  const read = useCursorList<InboxMessage>('/api/inbox?status=read&limit=20');
  const { busy, send } = useNotifySending();

  async function markRead(message: InboxMessage) {
    if (await send(() => api.post(`/api/inbox/${message.id}/read`), t('notify.markedRead'))) {
      unread.reload();
      read.reload();
      onChange();
    }
  }

  const columns = (withAction: boolean) => [
    { key: 'time', title: t('notify.time'), width: 180, render: (m: InboxMessage) => formatTime(m.createdAt) },
    {
      key: 'title',
      title: t('notify.messageTitle'),
      render: (m: InboxMessage) => (
        <Flex vertical gap={4}>
          <Typography.Text strong={withAction}>{m.title}</Typography.Text>
          {m.body && <Typography.Text type="secondary">{m.body}</Typography.Text>}
        </Flex>
      ),
    },
    {
      key: 'to',
      title: t('notify.addressee'),
      width: 120,
      render: (m: InboxMessage) => <Tag>{m.unitCode ? t('notify.toUnit') : t('notify.toMe')}</Tag>,
    },
    {
      key: 'actions',
      title: t('notify.actions'),
      width: 200,
      render: (m: InboxMessage) => (
        <Flex gap={8}>
          {m.link && <Link to={m.link}>{t('notify.open')}</Link>}
          {withAction && (
            <Button size="small" icon={<CheckOutlined />} loading={busy} onClick={() => void markRead(m)}>
              {t('notify.markRead')}
            </Button>
          )}
        </Flex>
      ),
    },
  ];

  return (
    <Flex vertical gap={16}>
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('notify.unread')}
      </Typography.Title>
      <CursorTable<InboxMessage> list={unread} columns={columns(true)} className="inbox-unread-table" empty={t('notify.noUnread')} />
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('notify.read')}
      </Typography.Title>
      <CursorTable<InboxMessage> list={read} columns={columns(false)} className="inbox-read-table" empty={t('notify.noRead')} />
    </Flex>
  );
}
