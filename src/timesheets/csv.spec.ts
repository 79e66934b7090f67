import { csvCell, toCsv } from './csv';

describe('csv', () => {
  it('quotes commas, quotes and line breaks (RFC 4180), leaves plain text alone', () => {
    expect(csvCell('Dupont SARL')).toBe('Dupont SARL');
    expect(csvCell('Martin, Fils')).toBe('"Martin, Fils"');
    expect(csvCell('le "grand" atelier')).toBe('"le ""grand"" atelier"');
    expect(csvCell('ligne 1\nligne 2')).toBe('"ligne 1\nligne 2"');
    expect(csvCell('a;b')).toBe('a;b');
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+33 6 12')).toBe("'+33 6 12");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    // Numbers are numbers, not text: a negative stays a number.
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell(1.5)).toBe('1.5');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(null)).toBe('');
  });

  it('starts with a UTF-8 byte-order mark and ends every line with CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['é', 1],
          [null, 'x,y'],
        ],
      ),
    ).toBe('\uFEFFa,b\r\né,1\r\n,"x,y"\r\n');
  });
});
