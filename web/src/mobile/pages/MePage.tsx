import { Button, List } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { useLanguage } from '../../i18n/index.ts';
import { useAuth, useMe } from '../../shared/auth.tsx';

export function MePage() {
  const { t } = useTranslation();
  const { user } = useMe();
  const { logout } = useAuth();
  const [language, setLanguage] = useLanguage();

  return (
    <>
      <List>
        <List.Item description={t(`roles.${user.role}`)}>{user.displayName}</List.Item>
        <List.Item extra={t(`language.${language}`)} onClick={() => setLanguage(language === 'en' ? 'zh-CN' : 'en')}>
          {t('language.label')}
        </List.Item>
      </List>
      <div style={{ padding: 16 }}>
        <Button block color="danger" fill="outline" size="large" onClick={() => void logout()}>
          {t('user.logout')}
        </Button>
      </div>
    </>
  );
}
