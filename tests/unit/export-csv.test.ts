// CSV cells: RFC 4180 quoting and formula-injection protection (OWASP "CSV injection").
import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '@/utils/csv';

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['with, comma', '"with, comma"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rlf', '"cr\rlf"'],
    [' padded ', '" padded "'],
    ['=1+2', "'=1+2"],
    ['+SUM(A1)', "'+SUM(A1)"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\t=tab', "'\t=tab"],
    ['=HYPERLINK("http://x","click")', `"'=HYPERLINK(""http://x"",""click"")"`],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j → %j', (input, output) => {
    expect(csvCell(input)).toBe(output);
  });

  it.each([
    [42, '42'],
    [-3, '-3'], // numbers are numbers, not formulas
    [0.0177, '0.0177'],
    [Number.NaN, ''],
    [undefined, ''],
    [null, ''],
    [true, 'true'],
  ])('%j → %j', (input, output) => {
    expect(csvCell(input)).toBe(output);
  });
});

describe('toCsv', () => {
  it('starts with a byte order mark, ends every line with CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          [1, 'x,y'],
          ['=z', undefined],
        ],
      ),
    ).toBe('\uFEFFa,b\r\n1,"x,y"\r\n\'=z,\r\n');
  });
});
