import i18n from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { ApiError } from '../shared/api.ts';
import casesEn from './cases.en.json';
import casesZhCN from './cases.zh-CN.json';
import checkinsEn from './checkins.en.json';
import checkinsZhCN from './checkins.zh-CN.json';
import errandsEn from './errands.en.json';
import errandsZhCN from './errands.zh-CN.json';
import en from './en.json';
import rankingsEn from './rankings.en.json';
import rankingsZhCN from './rankings.zh-CN.json';
import zhCN from './zh-CN.json';

/** zh-CN first and default; the choice is kept in localStorage, shared by the console and /m. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'wangge.language';

function storedLanguage(): Language {
  const saved = localStorage.getItem(STORAGE_KEY);
  return LANGUAGES.find((language) => language === saved) ?? 'zh-CN';
}

void i18n.use(initReactI18next).init({
  // The case, errand, ranking and curtain-pact screens keep their strings in files of their own, under the top-level keys `cases`, `errands`, `rankings` and `checkins`.
  resources: {
    'zh-CN': { translation: { ...zhCN, ...casesZhCN, ...errandsZhCN, ...rankingsZhCN, ...checkinsZhCN } },
    en: { translation: { ...en, ...casesEn, ...errandsEn, ...rankingsEn, ...checkinsEn } },
  },
  lng: storedLanguage(),
  fallbackLng: 'zh-CN',
  initAsync: false,
  interpolation: { escapeValue: false },
});
document.documentElement.lang = i18n.language;

i18n.on('languageChanged', (language) => {
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
});

/** The language on screen and how to change it; components using it re-render on a change. */
export function useLanguage(): [Language, (language: Language) => void] {
  const { i18n: instance } = useTranslation();
  const language = instance.language === 'en' ? 'en' : 'zh-CN';
  return [language, (next) => void instance.changeLanguage(next)];
}

/** The user-facing text for a failure: API error codes map to `errors.<code>`, anything else to a generic line. */
export function errorMessage(error: unknown): string {
  const key = error instanceof ApiError ? `errors.${error.code}` : '';
  return key && i18n.exists(key) ? i18n.t(key) : i18n.t('errors.generic');
}

export default i18n;
