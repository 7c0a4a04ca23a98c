import { useSending } from './useSending.ts';
import { EyeOutlined } from '@ant-design/icons';
import { Button, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api.ts';
import type { RevealAnswer } from '../../shared/model.ts';

type Field = 'idNumber' | 'phone' | 'healthNotes';

/**
 * A masked value with a button to see it in clear: the reason is asked first and goes to the audit
 * trail with the reveal. The clear value lives only in this component, gone when the page changes.
 */
export function RevealButton({ residentId, field, masked }: { residentId: string; field: Field; masked: string | null }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const { busy, send } = useSending();
  const [clear, setClear] = useState<string | null | undefined>(undefined);
  const [form] = Form.useForm<{ reason: string }>();

  if (clear !== undefined) {
    return (
      <Typography.Text strong copyable={clear ? { text: clear } : false} data-revealed={field}>
        {clear ?? t('registry.notOnRecord')}
      </Typography.Text>
    );
  }
  const reveal = ({ reason }: { reason: string }) =>
    send(
      () => api.post<RevealAnswer>(`/api/people/residents/${residentId}/reveal`, { fields: [field], reason }),
      t('registry.revealed'),
      (answer) => {
        setClear(answer[field] ?? null);
        setAsking(false);
      },
    );
  return (
    <>
      <span>{masked ?? (field === 'healthNotes' ? '' : t('registry.notOnRecord'))}</span>
      <Button
        type="link"
        size="small"
        icon={<EyeOutlined />}
        onClick={() => setAsking(true)}
        aria-label={`${t('registry.reveal')} ${t(`registry.${field}`)}`}
      >
        {t('registry.reveal')}
      </Button>
      <Modal
        title={`${t('registry.revealTitle')} · ${t(`registry.${field}`)}`}
        open={asking}
        confirmLoading={busy}
        okText={t('registry.reveal')}
        cancelText={t('registry.cancel')}
        onOk={() => form.submit()}
        onCancel={() => setAsking(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(values) => void reveal(values)} preserve={false}>
          <Form.Item
            name="reason"
            label={t('registry.revealReason')}
            rules={[{ required: true, min: 2, whitespace: true, message: t('registry.revealReasonRequired') }]}
          >
            <Input placeholder={t('registry.revealReasonHint')} maxLength={200} autoFocus />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
