import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHEET_ORDER, SHEETS } from '../../../src/modules/transfer/transfer.workbook.ts';

describe('the sheet declarations', () => {
  it('are all documented in docs/import.md, column by column', () => {
    const doc = readFileSync(new URL('../../../docs/import.md', import.meta.url), 'utf8');
    for (const key of SHEET_ORDER) {
      const sheet = SHEETS[key];
      const section = doc.slice(doc.indexOf(`### ${sheet.name} `));
      expect({ sheet: sheet.name, documented: doc.includes(`### ${sheet.name} `) }).toEqual({ sheet: sheet.name, documented: true });
      const body = section.slice(0, section.indexOf('\n### ', 4) === -1 ? undefined : section.indexOf('\n### ', 4));
      for (const column of sheet.columns as { header: string }[]) {
        expect({ sheet: sheet.name, column: column.header, documented: body.includes(column.header) }).toMatchObject({ documented: true });
      }
    }
  });
});
