import { Button, Form, Input } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router-dom';
import { errorMessage } from '../../i18n/index.ts';
import { useSignIn } from '../../shared/useSignIn.ts';

export function LoginPage() {
  const { t } = useTranslation();
  const { signedIn, redirectTo, error, busy, submit } = useSignIn();

  if (signedIn) return <Navigate to={redirectTo} replace />;

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
