import { ConfigProvider } from 'antd-mobile';
import enUS from 'antd-mobile/es/locales/en-US';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import type { ReactNode } from 'react';
import { useLanguage } from '../i18n/index.ts';

/** antd-mobile's own texts follow the language of the app. */
export function MobileProvider({ children }: { children: ReactNode }) {
  const [language] = useLanguage();
  return <ConfigProvider locale={language === 'en' ? enUS : zhCN}>{children}</ConfigProvider>;
}
