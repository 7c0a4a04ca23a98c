import { ReloadOutlined, RedoOutlined } from '@ant-design/icons';
import { Button, Flex, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api.ts';
import { CursorTable } from '../registry/CursorTable.tsx';
import { useCursorList } from '../registry/useCursorList.ts';
import { formatTime, useNotifySending, type DeadLetter } from './notify.ts';

/** Messages the dispatcher gave up on, newest first, each with "retry" once the channel works again. */
export function DeadLettersPanel() {
  const { t } = useTranslation();
  const list = useCursorList<DeadLetter>('/api/notify/dead-letters?limit=20');
  const { busy, send } = useNotifySending();

  async function retry(letter: DeadLetter) {
    if (await send(() => api.post(`/api/notify/dead-letters/${letter.id}/retry`), t('notify.retried'))) list.reload();
  }

  const columns = [
    { key: 'failedAt', title: t('notify.failedAt'), width: 180, render: (d: DeadLetter) => formatTime(d.failedAt) },
    { key: 'unit', title: t('notify.unit'), render: (d: DeadLetter) => d.unitCode ?? '—' },
    {
      key: 'channel',
      title: t('notify.channel'),
      render: (d: DeadLetter) => (
        <Flex gap={4} wrap>
          <Tag>{t(`notify.kinds.${d.kind}`)}</Tag>
          {d.channelName}
          {d.to && <span>{d.to}</span>}
        </Flex>
      ),
    },
    { key: 'title', title: t('notify.messageTitle'), dataIndex: 'title' },
    { key: 'attempts', title: t('notify.attempts'), dataIndex: 'attempts', width: 100 },
    {
      key: 'lastError',
      title: t('notify.lastError'),
      render: (d: DeadLetter) => <Typography.Text type="danger">{d.lastError}</Typography.Text>,
    },
    {
      key: 'actions',
      title: t('notify.actions'),
      width: 110,
      render: (d: DeadLetter) => (
        <Button size="small" icon={<RedoOutlined />} loading={busy} onClick={() => void retry(d)}>
          {t('notify.retry')}
        </Button>
      ),
    },
  ];
  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center">
        <Typography.Text type="secondary">{t('notify.deadHint')}</Typography.Text>
        <Button icon={<ReloadOutlined />} onClick={list.reload}>
          {t('notify.refresh')}
        </Button>
      </Flex>
      <CursorTable<DeadLetter> list={list} columns={columns} className="dead-letter-table" empty={t('notify.noDeadLetters')} />
    </Flex>
  );
}
