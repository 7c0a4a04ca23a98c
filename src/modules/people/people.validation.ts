import { isCalendarDate } from '../../platform/clock.ts';
import { unprocessable } from '../../platform/http/errors.ts';

/**
 * What a resident's identifying data must look like (DOMAIN.md §10): the 18-character resident ID
 * number (居民身份证号码) with its check character, and an 11-digit mainland mobile number. Shared by
 * the HTTP schemas, the spreadsheet import and the demo generator, so all three agree.
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The ISO 7064 MOD 11-2 check character of the first 17 digits of a resident ID number. */
export function idCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

/** Spaces and dashes as people type them are dropped; a lower-case x is the check character X. */
export function normaliseIdNumber(value: string): string {
  return value.replace(/[\s-]/g, '').toUpperCase();
}

/** Why an ID number (already normalised) is not valid, or null when it is. */
export function idNumberProblem(idNumber: string): string | null {
  if (!/^\d{17}[\dX]$/.test(idNumber)) return 'an ID number has 17 digits and a check character (0-9 or X)';
  const birth = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
  if (!isCalendarDate(birth)) return `the birth date ${birth} inside the ID number is not a real date`;
  if (idCheckCharacter(idNumber.slice(0, 17)) !== idNumber[17]) return 'the check character does not match: a digit is mistyped';
  return null;
}

/** What a valid ID number says of its holder: the birth date, and the gender (odd 17th digit: a man). */
export function idNumberFacts(idNumber: string): { birthDate: string; gender: 'male' | 'female' } {
  return {
    birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    gender: Number(idNumber[16]) % 2 === 1 ? 'male' : 'female',
  };
}

/** Why a mobile number is not valid, or null when it is. */
export function phoneProblem(phone: string): string | null {
  return /^1[3-9]\d{9}$/.test(phone) ? null : 'a mobile number has 11 digits and starts with 13-19';
}

export interface ResidentFields {
  name?: string;
  gender?: 'male' | 'female';
  birthDate?: string | null;
  idNumber?: string | null;
  phone?: string | null;
}

/** Every problem with a resident's fields as given (absent fields are not checked), by field. */
export function residentProblems(fields: ResidentFields): { field: string; problem: string }[] {
  const problems: { field: string; problem: string }[] = [];
  if (fields.name !== undefined && !fields.name.trim()) problems.push({ field: 'name', problem: 'the name is empty' });
  if (fields.birthDate && !isCalendarDate(fields.birthDate)) problems.push({ field: 'birthDate', problem: 'not a real date (YYYY-MM-DD)' });
  const idNumber = fields.idNumber ? normaliseIdNumber(fields.idNumber) : null;
  const idProblem = idNumber ? idNumberProblem(idNumber) : null;
  if (idProblem) problems.push({ field: 'idNumber', problem: idProblem });
  if (idNumber && !idProblem) problems.push(...contradictions(idNumber, fields));
  const phone = fields.phone ? phoneProblem(fields.phone.replace(/[\s-]/g, '')) : null;
  if (phone) problems.push({ field: 'phone', problem: phone });
  return problems;
}

/** A birth date or gender that contradicts the ID number: one of the two is mistyped. */
function contradictions(idNumber: string, fields: ResidentFields): { field: string; problem: string }[] {
  const facts = idNumberFacts(idNumber);
  const problems: { field: string; problem: string }[] = [];
  if (fields.birthDate && fields.birthDate !== facts.birthDate) {
    problems.push({ field: 'birthDate', problem: `differs from the birth date in the ID number (${facts.birthDate})` });
  }
  if (fields.gender && fields.gender !== facts.gender)
    problems.push({ field: 'gender', problem: `the ID number is a ${facts.gender === 'male' ? 'man' : 'woman'}'s` });
  return problems;
}

/**
 * The fields as they are stored (ID number upper-case without spaces, phone digits only, a missing
 * birth date taken from the ID number), or a 422
 * `people.invalid_resident` listing every problem: a form shows them all at once.
 */
export function cleanResident<T extends ResidentFields>(fields: T): T {
  const problems = residentProblems(fields);
  if (problems.length > 0)
    throw unprocessable('people.invalid_resident', problems.map((p) => `${p.field}: ${p.problem}`).join('; '), { problems });
  return {
    ...fields,
    ...(fields.name !== undefined ? { name: fields.name.trim() } : {}),
    ...(fields.idNumber ? { idNumber: normaliseIdNumber(fields.idNumber) } : {}),
    // A birth date left blank is the one the ID number gives.
    ...(fields.idNumber && fields.birthDate === null ? { birthDate: idNumberFacts(normaliseIdNumber(fields.idNumber)).birthDate } : {}),
    ...(fields.phone ? { phone: fields.phone.replace(/[\s-]/g, '') } : {}),
  };
}

/** Lengths of a resident's name and a household's address, the same for the HTTP API and the spreadsheets. */
export const NAME_MAX_LENGTH = 40;
export const ADDRESS_MIN_LENGTH = 2;
export const ADDRESS_MAX_LENGTH = 120;
