import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router-dom';
import { errorMessage } from '../../i18n/index.ts';
import { useSignIn, type Credentials } from '../../shared/useSignIn.ts';
import { LanguageSwitch } from '../LanguageSwitch.tsx';

export function LoginPage() {
  const { t } = useTranslation();
  const { signedIn, redirectTo, error, busy, submit } = useSignIn();

  if (signedIn) return <Navigate to={redirectTo} replace />;

  return (
    <Flex vertical align="center" justify="center" gap={16} style={{ minHeight: '100vh', background: '#f0f2f5' }}>
      <Card style={{ width: 380 }} title={t('login.title')} extra={<LanguageSwitch />}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('app.name')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('app.tagline')}</Typography.Paragraph>
        <Form<Credentials> layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="username" label={t('login.username')} rules={[{ required: true, message: t('login.usernameRequired') }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          {error !== undefined && <Alert type="error" showIcon title={errorMessage(error)} style={{ marginBottom: 16 }} />}
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </Flex>
  );
}
