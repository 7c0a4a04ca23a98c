import { Button, Form, Input } from 'antd-mobile';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router-dom';
import { errorMessage } from '../../i18n/index.ts';
import { useAuth } from '../../shared/auth.tsx';

interface Credentials {
  username: string;
  password: string;
}

export function LoginPage() {
  const { t } = useTranslation();
  const { me, login } = useAuth();
  const location = useLocation();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  if (me) return <Navigate to={(location.state as { from?: string } | null)?.from ?? '/'} replace />;

  async function submit({ username, password }: Credentials) {
    setBusy(true);
    setError(undefined);
    try {
      await login(username, password);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div style={{ padding: '15vh 16px 0' }}>
      <h1 style={{ textAlign: 'center', marginBottom: 4 }}>{t('app.name')}</h1>
      <p style={{ textAlign: 'center', color: 'var(--adm-color-weak)', marginTop: 0 }}>{t('app.tagline')}</p>
      <Form
        layout="horizontal"
        requiredMarkStyle="none"
        onFinish={submit}
        footer={
          <>
            {error !== undefined && (
              <p role="alert" style={{ color: 'var(--adm-color-danger)' }}>
                {errorMessage(error)}
              </p>
            )}
            <Button block type="submit" color="primary" size="large" loading={busy}>
              {t('login.submit')}
            </Button>
          </>
        }
      >
        <Form.Item name="username" label={t('login.username')} rules={[{ required: true, message: t('login.usernameRequired') }]}>
          <Input autoComplete="username" clearable />
        </Form.Item>
        <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
          <Input type="password" autoComplete="current-password" />
        </Form.Item>
      </Form>
    </div>
  );
}
