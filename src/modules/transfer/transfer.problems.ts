/**
 * What can be wrong with a cell or a row of an import (导入问题), each with a stable code, its
 * parameters and a plain English sentence: the console shows the code's translation (zh-CN first),
 * the command line and the API the sentence. Problems passed on from org's importUnits carry no
 * code; their sentence is shown as it is.
 */
export interface Problem {
  code: string;
  problem: string;
  params?: Record<string, string | number>;
}

const p = (code: string, problem: string, params?: Record<string, string | number>): Problem => ({
  code,
  problem,
  ...(params ? { params } : {}),
});

export const PROBLEMS = {
  required: () => p('required', 'required'),
  cellError: (error: string) => p('cell_error', `the cell shows the error ${error}`, { error }),
  formulaWithoutValue: () =>
    p('formula_without_value', 'a formula without a computed value: open and save the file in a spreadsheet program'),
  unreadable: () => p('unreadable', 'an unreadable cell'),
  textExpected: () => p('text_expected', 'text expected, found a date'),
  tooLong: (max: number) => p('too_long', `at most ${max} characters`, { max }),
  lostDigits: () => p('lost_digits', 'stored as a number, which lost its last digits: format the column as text and type it again'),
  digitsExpected: () => p('digits_expected', 'digits expected'),
  notOrgCode: (value: string) => p('not_org_code', `${value} is not an org code`, { value }),
  noCode: () => p('no_code', 'no code given'),
  numberExpected: () => p('number_expected', 'a number expected'),
  outOfRange: (min: number, max: number) => p('out_of_range', `between ${min} and ${max}`, { min, max }),
  oneOf: (choices: string[]) => p('one_of', `one of ${choices.join(', ')}`, { choices: choices.join('、') }),
  dateExpected: () => p('date_expected', 'a date expected, e.g. 1948-03-12'),
  notRealDate: (value: string) => p('not_real_date', `${value} is not a real date`, { value }),
  masked: (what: string) => p('masked', `a masked ${what}: export with personal data in clear to edit and re-import`),
  idNumber: (detail: string) => p('id_number', detail),
  phone: (detail: string) => p('phone', detail),
  unknownTag: (value: string, tags: string[]) =>
    p('unknown_tag', `${value} is not a tag; tags are ${tags.join(', ')}`, { value, tags: tags.join('、') }),
  microgridTwice: (code: string, row: number) =>
    p('microgrid_twice', `micro-grid ${code} is also given to the worker of row ${row}`, { code, row }),
  duplicate: (row: number) => p('duplicate', `the same as row ${row}`, { row }),
  birthDateMismatch: (born: string) => p('birth_date_mismatch', `differs from the birth date in the ID number (${born})`, { born }),
  genderMismatch: (gender: '男' | '女') => p('gender_mismatch', `the ID number is a ${gender === '男' ? 'man' : 'woman'}'s`, { gender }),
  notOrgCodeWidth: (value: string, widths: number[]) =>
    p('not_org_code_width', `${value} is not an org code (${widths.join('/')} digits)`, { value, widths: widths.join('/') }),
  parentMissing: (parent: string) => p('parent_missing', `its parent ${parent} does not exist`, { parent }),
  unitMissing: (code: string) => p('unit_missing', `no unit ${code}`, { code }),
  notMicrogrid: (code: string, level: string) => p('not_microgrid', `${code} is a ${level}, not a micro-grid`, { code, level }),
  noBuilding: (address: string, code: string) => p('no_building', `no building ${address} in micro-grid ${code}`, { address, code }),
  noHousehold: (address: string, code: string) => p('no_household', `no household ${address} in micro-grid ${code}`, { address, code }),
  noResident: () => p('no_resident', 'no resident registered in your area has this ID number'),
  idNumberElsewhere: () => p('id_number_elsewhere', 'this ID number is already registered elsewhere'),
  tooShort: (min: number) => p('too_short', `at least ${min} characters`, { min }),
  positionElsewhere: (code: string, actual: string) =>
    p('position_elsewhere', `the position lies in micro-grid ${actual}, not in ${code}`, { code, actual }),
  positionInAnother: (code: string) => p('position_in_another', `the position lies in another micro-grid, not in ${code}`, { code }),
  positionOutside: (code: string) => p('position_outside', `the position lies outside every micro-grid, not in ${code}`, { code }),
  notFeature: () => p('not_feature', 'not a Feature'),
  featureCode: () => p('feature_code', 'properties.code must be the unit code'),
  geometryType: () => p('geometry_type', 'a Polygon or MultiPolygon is expected'),
  geometryMalformed: () => p('geometry_malformed', 'the coordinates are not [longitude, latitude] pairs in rings'),
  duplicateFeature: (feature: number) => p('duplicate_feature', `the same unit as feature ${feature}`, { feature }),
  unknownUnitNeedsName: (code: string) => p('unknown_unit_needs_name', `no unit ${code}; give properties.name to add it`, { code }),
  // 12345 hotline work orders (transfer.hotline.ts)
  columnMissing: () => p('column_missing', 'the column is missing'),
  columnTwice: () => p('column_twice', 'the column appears twice'),
  dateTimeExpected: () => p('date_time_expected', 'a date and time expected, e.g. 2026-03-02 09:15'),
  notRealTime: (value: string) => p('not_real_time', `${value} is not a real date and time`, { value }),
  inFuture: () => p('in_future', 'later than now'),
  deadlineBeforeCall: () => p('deadline_before_call', 'earlier than the call (来电时间)'),
  contactExpected: () => p('contact_expected', 'a phone number expected, e.g. 13903910101 or 0391-3561234'),
  exampleRow: () => p('example_row', "the template's example row: delete it before importing"),
  unknownCategory: (name: string) => p('unknown_category', `${name} is not a category (小类) of the catalogue`, { name }),
  categoryNotInUse: (name: string) => p('category_not_in_use', `the category ${name} is no longer in use`, { name }),
  categoryAmbiguous: (name: string) =>
    p('category_ambiguous', `more than one category is named ${name}: rename one in the catalogue`, { name }),
};
