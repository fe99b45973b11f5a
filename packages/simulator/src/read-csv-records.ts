/**
 * A compact RFC 4180 reader (quoted fields, doubled quotes, newlines inside quotes), enough for
 * the Synthetic-Persona-Chat CSV. Returns the header row's names mapped to each record's cells.
 * Jumps between delimiters with indexOf instead of walking characters: a 2 MB file reads in a
 * few milliseconds.
 */
export function readCsvRecords(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let position = 0;
  const length = text.length;
  while (position <= length) {
    let field: string;
    if (text[position] === '"') {
      const parts: string[] = [];
      let start = position + 1;
      for (;;) {
        const quote = text.indexOf('"', start);
        if (quote < 0) {
          parts.push(text.slice(start));
          position = length;
          break;
        }
        parts.push(text.slice(start, quote));
        if (text[quote + 1] === '"') {
          parts.push('"');
          start = quote + 2;
        } else {
          position = quote + 1;
          break;
        }
      }
      field = parts.join('');
    } else {
      DELIMITER.lastIndex = position;
      const match = DELIMITER.exec(text);
      const end = match ? match.index : length;
      field = text.slice(position, end);
      position = end;
    }
    row.push(field);
    const separator = text[position];
    if (separator === ',') {
      position++;
      continue;
    }
    // End of line (\n, \r\n, \r) or of the text: close the row.
    rows.push(row);
    row = [];
    if (separator === '\r' && text[position + 1] === '\n') position += 2;
    else position++;
    if (position >= length) break;
  }
  const [header, ...records] = rows;
  if (!header) return [];
  const names = header.map((name) => name.trim().replace(/^\uFEFF/, ''));
  return records
    .filter((record) => record.some((cell) => cell.trim() !== ''))
    .map((record) => Object.fromEntries(names.map((name, index) => [name, record[index] ?? ''])));
}

const DELIMITER = /[,\r\n]/g;
