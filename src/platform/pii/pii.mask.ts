/**
 * How personal data is shown to everyone who has not revealed it (DOMAIN.md §10): `张*明`,
 * `410804********1234`, `138****5678`. Masks keep just enough to tell people apart on a list.
 */

/** 张三 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明; Latin names keep their first letter. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** An 18-digit resident ID keeps its area code (first 6) and last 4; other lengths keep the last 4. */
export function maskIdNumber(id: string): string {
  const value = id.trim();
  if (value.length <= 4) return '*'.repeat(value.length);
  const head = value.length === 18 ? value.slice(0, 6) : '';
  return `${head}${'*'.repeat(value.length - head.length - 4)}${value.slice(-4)}`;
}

/** A mobile number keeps its first 3 and last 4 digits; shorter numbers keep the last 4. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[\s-]/g, '');
  if (digits.length <= 4) return '*'.repeat(digits.length);
  if (digits.length === 11) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}
