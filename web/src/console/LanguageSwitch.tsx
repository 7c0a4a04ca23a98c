import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, useLanguage } from '../i18n/index.ts';

export function LanguageSwitch() {
  const { t } = useTranslation();
  const [language, setLanguage] = useLanguage();
  return (
    <Segmented
      value={language}
      onChange={setLanguage}
      options={LANGUAGES.map((value) => ({ value, label: t(`language.${value}`) }))}
      aria-label={t('language.label')}
    />
  );
}
