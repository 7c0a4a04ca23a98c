import { Form, Modal, message, type FormInstance } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../i18n/index.ts';

/**
 * A modal form that sends itself: `submit` is called with the values, the modal closes and `onDone`
 * runs when it succeeds; a refusal from the server is shown and the form stays open with what was typed.
 */
export function FormModal<T extends object>({
  title,
  open,
  initialValues,
  submit,
  onClose,
  onDone,
  children,
}: {
  title: string;
  open: boolean;
  initialValues?: Partial<T>;
  submit: (values: T) => Promise<unknown>;
  onClose: () => void;
  onDone: () => void;
  children: ReactNode | ((form: FormInstance<T>) => ReactNode);
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<T>();
  const [busy, setBusy] = useState(false);

  async function send(values: T) {
    setBusy(true);
    try {
      await submit(values);
      void message.success(t('registry.saved'));
      onClose();
      onDone();
    } catch (error) {
      void message.error(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      title={title}
      open={open}
      confirmLoading={busy}
      okText={t('registry.save')}
      cancelText={t('registry.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<T> form={form} layout="vertical" initialValues={initialValues} preserve={false} onFinish={(values) => void send(values)}>
        {typeof children === 'function' ? children(form) : children}
      </Form>
    </Modal>
  );
}
