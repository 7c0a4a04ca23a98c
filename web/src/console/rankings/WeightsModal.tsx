import { Checkbox, Form, InputNumber, message, Modal } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../i18n/index.ts';
import { api } from '../../shared/api.ts';
import { useApi } from '../../shared/useApi.ts';
import { RATE_NAMES, type Ranking, type RateName } from './rankingData.ts';

interface Settings {
  settings: Ranking['settings'];
  version: number;
}

/** The weights of the score and the parked-case exclusion: the district's choice (district admins). */
export function WeightsModal({ open, settings, onClose }: { open: boolean; settings: Ranking['settings']; onClose(changed: boolean): void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Ranking['settings']>();
  const [saving, setSaving] = useState(false);
  const current = useApi<Settings>(open ? '/api/cases/rate-settings' : null);

  useEffect(() => {
    if (open) form.setFieldsValue(current.data?.settings ?? settings);
  }, [open, current.data, settings, form]);

  const save = async () => {
    const values = await form.validateFields();
    setSaving(true);
    try {
      await api.put('/api/cases/rate-settings', { version: current.data?.version ?? 0, ...values });
      message.success(t('rankings.weightsSaved'));
      onClose(true);
    } catch (error) {
      message.error(errorMessage(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal open={open} title={t('rankings.weights')} onOk={save} confirmLoading={saving} onCancel={() => onClose(false)} okText={t('rankings.save')}>
      <Form form={form} layout="horizontal" labelCol={{ span: 10 }}>
        {RATE_NAMES.map((name: RateName) => (
          <Form.Item key={name} name={['weights', name]} label={t(`rankings.rates.${name}`)} rules={[{ required: true }]}>
            <InputNumber min={0} max={100} />
          </Form.Item>
        ))}
        <Form.Item name="excludeParkedFromOnTimeClosure" valuePropName="checked" wrapperCol={{ offset: 10 }}>
          <Checkbox>{t('rankings.excludeParked')}</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}
