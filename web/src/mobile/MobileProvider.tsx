import { ConfigProvider, unstableSetRender } from 'antd-mobile';
import enUS from 'antd-mobile/es/locales/en-US';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import type { ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { useLanguage } from '../i18n/index.ts';

// antd-mobile 5 draws Toast and Dialog.confirm with React 18's legacy render, which React 19 no longer
// has: its documented shim (mobile.ant.design/guide/v5-for-19) gives it a root of its own.
unstableSetRender((node, container) => {
  const holder = container as (Element | DocumentFragment) & { _reactRoot?: Root };
  holder._reactRoot ??= createRoot(container);
  const root = holder._reactRoot;
  root.render(node);
  return async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    root.unmount();
    delete holder._reactRoot;
  };
});

/** antd-mobile's own texts follow the language of the app. */
export function MobileProvider({ children }: { children: ReactNode }) {
  const [language] = useLanguage();
  return <ConfigProvider locale={language === 'en' ? enUS : zhCN}>{children}</ConfigProvider>;
}
