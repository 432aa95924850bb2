import { describe, expect, it } from 'vitest';
import { columnOf, isDateFormat } from '../../../../core/readers/xlsx-sheet.ts';

/** The regular expression columnOf replaced (core/readers/xlsx-sheet.ts before the per-cell loop). */
function columnOfByRegex(ref: string | undefined): number | undefined {
  if (!ref) return undefined;
  const m = /^\$?([A-Za-z]{1,3})\$?\d*$/.exec(ref);
  if (!m) return undefined;
  let n = 0;
  for (const ch of m[1]!.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

describe('columnOf', () => {
  it('reads the same column as the regular expression it replaced, for every reference shape', () => {
    const parts = ['', '$', 'A', 'z', 'AB', 'xfd', 'ZZZ', 'ABCD', '1', '12', '$1', '@', '[', '`', '{', ' ', '0A', 'A1B', '\u00c4', '1\n'];
    let compared = 0;
    for (const a of parts)
      for (const b of parts)
        for (const c of parts) {
          const ref = a + b + c;
          expect(columnOf(ref), JSON.stringify(ref)).toBe(columnOfByRegex(ref));
          compared++;
        }
    expect(compared).toBe(parts.length ** 3);
    expect(columnOf(undefined)).toBeUndefined();
    expect(columnOf('C7')).toBe(3);
    expect(columnOf('$AA$10')).toBe(27);
    expect(columnOf('XFD1048576')).toBe(16384);
  });
});

describe('isDateFormat', () => {
  it('gives the same answer when a format is judged again (cached)', () => {
    const formats = ['yyyy-mm-dd', 'General', '0.00', '"day" 0', '[Red]0.0', 'h:mm', '\\d0', 'mmm-yy', '#,##0'];
    const first = formats.map(isDateFormat);
    expect(first).toEqual([true, false, false, false, false, true, false, true, false]);
    for (let i = 0; i < 3; i++) expect(formats.map(isDateFormat)).toEqual(first);
  });
  it('stays right past the cache bound', () => {
    for (let i = 0; i < 600; i++) {
      expect(isDateFormat(`0.${'0'.repeat(i % 20)}"x${i}"`)).toBe(false);
      expect(isDateFormat(`yyyy "${i}"`)).toBe(true);
    }
  });
});
