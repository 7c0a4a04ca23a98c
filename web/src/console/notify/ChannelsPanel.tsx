import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Input, Popconfirm, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useOutletContext } from 'react-router-dom';
import { api } from '../../shared/api.ts';
import type { OrgNode } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';
import { ChannelModal } from './ChannelModal.tsx';
import { notifyError, useNotifySending, type Channel } from './notify.ts';

/** The external channels of one unit of my scope: add, edit, disable or remove WeCom, DingTalk and SMS. */
export function ChannelsPanel() {
  const { t } = useTranslation();
  const roots = useOutletContext<OrgNode[]>();
  const [typed, setTyped] = useState(roots[0]?.code ?? '');
  const [unit, setUnit] = useState(typed);
  const channels = useApi<{ items: Channel[] }>(unit ? `/api/notify/channels?unit=${encodeURIComponent(unit)}` : null);
  const [editing, setEditing] = useState<Channel | 'new' | null>(null);
  const { busy, send } = useNotifySending();

  async function toggle(channel: Channel, enabled: boolean) {
    if (await send(() => api.patch(`/api/notify/channels/${channel.id}`, { version: channel.version, enabled }), t('notify.saved'))) {
      channels.reload();
    }
  }
  async function remove(channel: Channel) {
    if (await send(() => api.delete(`/api/notify/channels/${channel.id}`), t('notify.deleted'))) channels.reload();
  }

  const columns = [
    { key: 'name', title: t('notify.name'), dataIndex: 'name' },
    { key: 'kind', title: t('notify.kind'), render: (c: Channel) => <Tag>{t(`notify.kinds.${c.kind}`)}</Tag> },
    {
      key: 'url',
      title: t('notify.url'),
      render: (c: Channel) => (
        <Flex vertical gap={2}>
          <Typography.Text code>{c.url}</Typography.Text>
          {c.hasSecret && <Typography.Text type="secondary">{t(`notify.secretSet.${c.kind}`)}</Typography.Text>}
          {c.phones.length > 0 && <Typography.Text type="secondary">{c.phones.join('、')}</Typography.Text>}
        </Flex>
      ),
    },
    {
      key: 'enabled',
      title: t('notify.status'),
      render: (c: Channel) => (
        <Switch
          checked={c.enabled}
          loading={busy}
          checkedChildren={t('notify.enabled')}
          unCheckedChildren={t('notify.disabled')}
          onChange={(checked) => void toggle(c, checked)}
          aria-label={`${t('notify.enabled')} ${c.name}`}
        />
      ),
    },
    {
      key: 'actions',
      title: t('notify.actions'),
      render: (c: Channel) => (
        <Space>
          <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(c)}>
            {t('notify.edit')}
          </Button>
          <Popconfirm
            title={t('notify.deleteConfirm', { name: c.name })}
            okText={t('notify.delete')}
            cancelText={t('notify.cancel')}
            onConfirm={() => void remove(c)}
          >
            <Button size="small" danger icon={<DeleteOutlined />}>
              {t('notify.delete')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" wrap gap={8}>
        <Space.Compact>
          <Input
            addonBefore={t('notify.unit')}
            value={typed}
            onChange={(e) => setTyped(e.target.value.trim())}
            onPressEnter={() => setUnit(typed)}
            style={{ width: 300 }}
            aria-label={t('notify.unit')}
          />
          <Button onClick={() => setUnit(typed)}>{t('notify.show')}</Button>
        </Space.Compact>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} disabled={!unit}>
          {t('notify.addChannel')}
        </Button>
      </Flex>
      <Typography.Text type="secondary">{t('notify.channelsHint')}</Typography.Text>
      {channels.error !== undefined && <Alert type="error" showIcon title={notifyError(channels.error)} />}
      <Table<Channel>
        rowKey="id"
        className="channel-table"
        columns={columns}
        dataSource={channels.data?.items ?? []}
        loading={channels.loading}
        pagination={false}
        locale={{ emptyText: t('notify.noChannels') }}
      />
      {editing !== null && (
        <ChannelModal
          unitCode={unit}
          channel={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            channels.reload();
          }}
        />
      )}
    </Flex>
  );
}
