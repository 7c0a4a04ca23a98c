import { useSending } from './useSending.ts';
import { Form, Modal, type FormInstance } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

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
  const { busy, send } = useSending();
  const save = (values: T) =>
    send(
      () => submit(values),
      t('registry.saved'),
      () => {
        onClose();
        onDone();
      },
    );
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
      <Form<T> form={form} layout="vertical" initialValues={initialValues} preserve={false} onFinish={(values) => void save(values)}>
        {typeof children === 'function' ? children(form) : children}
      </Form>
    </Modal>
  );
}
