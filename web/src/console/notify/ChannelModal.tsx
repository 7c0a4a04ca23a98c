import { Form, Input, Modal, Radio, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api.ts';
import { useNotifySending, type Channel, type ChannelKind } from './notify.ts';

interface ChannelForm {
  kind: ChannelKind;
  name: string;
  url: string;
  secret?: string;
  phones?: string;
  enabled: boolean;
}

/**
 * Adds a channel to a unit or edits one. Secrets and numbers are write-only: the form never shows
 * them, and an empty secret field keeps the one on record. The kind of a channel never changes.
 */
export function ChannelModal({
  unitCode,
  channel,
  onClose,
  onSaved,
}: {
  unitCode: string;
  channel: Channel | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ChannelForm>();
  const kind = Form.useWatch('kind', form) ?? channel?.kind ?? 'wecom';
  const { busy, send } = useNotifySending();

  async function save(values: ChannelForm) {
    const secret = values.secret?.trim() || undefined;
    // Numbers are write-only: an empty field keeps the ones on record.
    const phones = values.phones?.trim() ? values.phones.split(/[\s,，、;；]+/).filter(Boolean) : undefined;
    const body = channel
      ? { version: channel.version, name: values.name, url: values.url || undefined, enabled: values.enabled, secret, phones }
      : { unitCode, kind: values.kind, name: values.name, url: values.url, enabled: values.enabled, secret, phones: phones ?? [] };
    const change = () => (channel ? api.patch(`/api/notify/channels/${channel.id}`, body) : api.post('/api/notify/channels', body));
    if (await send(change, t('notify.saved'))) onSaved();
  }

  return (
    <Modal
      title={channel ? t('notify.editChannel') : t('notify.addChannel')}
      open
      confirmLoading={busy}
      okText={t('notify.save')}
      cancelText={t('notify.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<ChannelForm>
        form={form}
        layout="vertical"
        initialValues={channel ? { kind: channel.kind, name: channel.name, enabled: channel.enabled } : { kind: 'wecom', enabled: true }}
        onFinish={(values) => void save(values)}
      >
        <Form.Item name="kind" label={t('notify.kind')}>
          <Radio.Group disabled={channel !== null} optionType="button">
            {(['wecom', 'dingtalk', 'sms'] as const).map((k) => (
              <Radio.Button key={k} value={k}>
                {t(`notify.kinds.${k}`)}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="name"
          label={t('notify.name')}
          rules={[{ required: true, whitespace: true, max: 60, message: t('notify.nameRequired') }]}
        >
          <Input maxLength={60} />
        </Form.Item>
        <Form.Item
          name="url"
          label={t('notify.url')}
          extra={channel ? `${t('notify.keepHint')} ${channel.url}` : t(`notify.urlHint.${kind}`)}
          rules={[{ required: channel === null, type: 'url', message: t('notify.urlRequired') }]}
        >
          <Input autoComplete="off" placeholder={t(`notify.urlPlaceholder.${kind}`)} />
        </Form.Item>
        {kind !== 'wecom' && (
          <Form.Item
            name="secret"
            label={t(`notify.secret.${kind}`)}
            extra={channel?.hasSecret ? t('notify.secretKeep') : undefined}
            rules={[{ required: kind === 'sms' && !channel?.hasSecret, message: t('notify.tokenRequired') }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        )}
        {kind === 'sms' && (
          <Form.Item
            name="phones"
            label={t('notify.phones')}
            extra={channel ? `${t('notify.phonesReplace')} ${channel.phones.join('、')}` : t('notify.phonesHint')}
          >
            <Input.TextArea rows={3} autoComplete="off" />
          </Form.Item>
        )}
        <Form.Item name="enabled" label={t('notify.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}
