/** Fixture files and awkward CSVs shared by the fast-path tests. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function fixtureCsvs(): { name: string; bytes: Uint8Array }[] {
  const out: { name: string; bytes: Uint8Array }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.csv$/i.test(entry) && full.includes('fixtures')) out.push({ name: full, bytes: readFileSync(full) });
    }
  };
  walk('methodologies');
  return out;
}

/** Awkward files, most of them from the reader tests (test/unit/core/readers/csv.test.ts). */
export const CORPUS: Record<string, string | Uint8Array> = {
  plain: 'timestamp,EG_export,EG_import\n2024-01-01T00:15:00Z,1.5,0\n2024-01-01T00:30:00Z,2,0.1\n',
  noFinalNewline: 'a,b\n1,2\n3,4',
  crlf: 'a,b\r\n1,2\r\n3,4\r\n',
  loneCr: 'a,b\r1,2\r3,4\r',
  mixedBreaks: 'a,b\r\n1,2\n3,4\r5,6\r\n',
  bom: '\uFEFFa,b\n1,2\n',
  blankLines: '\n\na,b\n\n1,2\n   \n , \n3,4\n\n',
  semicolon: 'a;b;c\n1,5;2;3\n4;5;6\n',
  tab: 'a\tb\n1\t2\n',
  units: 'a,b\n#units,kWh\n1,2\n',
  unitPrefix: 'a [MWh],b\n#unit:kWh,\n1,2\n',
  fieldCount: 'a,b,c\n1,2\n1,2,3,4\n1,2,3\n,,\n',
  quoted: 'a,b\n"1,5",2\n"x ""y""",3\n4,5\n',
  quotedMultiline: 'a,b\n"line one\nline two",2\n3,4\n5,6\n',
  quoteLate: `a,b\n${'1,2\n'.repeat(50)}"q",3\n${'5,6\n'.repeat(50)}`,
  unclosedQuote: 'a,b\n1,2\n"abc,3\n4,5\n',
  badQuote: 'a,b\n1,x"y"\n3,4\n',
  nonAscii: 'a,b\nÄpfel,2\n3,4\n',
  emptyFields: 'a,b,c\n,,1\n2,,\n',
  spaces: 'a, b ,c\n 1 , 2,3 \n',
  headerOnly: 'a,b\n',
  blankOnly: '\n \n\n',
  empty: '',
  duplicateHeader: 'a,a,,b\n1,2,3,4\n',
  invalidUtf8: new Uint8Array([...Buffer.from('a,b\n1,2\n3,'), 0xff, ...Buffer.from('4\n5,6\n')]),
  invalidUtf8Late: new Uint8Array([...Buffer.from(`a,b\n${'1,2\n'.repeat(40)}`), 0xc3, 0x28, ...Buffer.from('\n5,6\n')]),
  utf16: new Uint8Array([0xff, 0xfe, 0x61, 0x00]),
  many: `timestamp,v\n${Array.from({ length: 3000 }, (_, i) => `2024-01-01T00:${String(i % 60).padStart(2, '0')}:00Z,${i}.5`).join('\n')}\n`,
};
