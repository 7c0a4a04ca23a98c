import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Dropdown, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth, useMe } from '../../shared/auth.tsx';

export function UserMenu() {
  const { t } = useTranslation();
  const { user } = useMe();
  const { logout } = useAuth();
  const items = [{ key: 'logout', icon: <LogoutOutlined />, label: t('user.logout'), onClick: () => void logout() }];
  return (
    <Dropdown menu={{ items }} trigger={['click']}>
      <Button type="text" icon={<UserOutlined />}>
        {user.displayName}
        <Tag color="blue">{t(`roles.${user.role}`)}</Tag>
      </Button>
    </Dropdown>
  );
}
