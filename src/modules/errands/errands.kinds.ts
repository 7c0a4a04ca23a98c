/** The words of errands (DOMAIN.md §4 帮办代办): kinds, states, and how long a confirmation link lives. */

/** What kind of errand: 证件办理, 代购药品, 代缴费用, 表格填写, 政策咨询, 其他. */
export const ERRAND_KINDS = ['certificate', 'medicine', 'payment', 'form', 'policy', 'other'] as const;
export type ErrandKind = (typeof ERRAND_KINDS)[number];

/** The kinds in Chinese, for the resident's page and the SMS (the web app has its own translations). */
export const KIND_NAMES: Record<ErrandKind, string> = {
  certificate: '证件办理',
  medicine: '代购药品',
  payment: '代缴费用',
  form: '表格填写',
  policy: '政策咨询',
  other: '其他',
};

/** logged → done → confirmed; logged → cancelled. */
export const ERRAND_STATES = ['logged', 'done', 'confirmed', 'cancelled'] as const;
export type ErrandState = (typeof ERRAND_STATES)[number];

/** A confirmation link works this long after it was issued. */
export const LINK_VALID_DAYS = 7;

/** A promise may be at most this far ahead. */
export const MAX_PROMISE_DAYS = 366;
