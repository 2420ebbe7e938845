/**
 * RFC 4180 CSV, both ways, for suppression import and export: quoted fields with doubled
 * quotes and line breaks inside them, CRLF or LF between records.
 */

export type CsvParse = { ok: true; rows: string[][] } | { ok: false; message: string };

export function parseCsv(text: string): CsvParse {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"') {
      if (field !== '') return { ok: false, message: `line ${line}: a quote inside an unquoted field` };
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      line++;
    } else {
      field += c;
    }
  }
  if (quoted) return { ok: false, message: `line ${line}: a quoted field is not closed` };
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  // Blank lines carry nothing.
  return { ok: true, rows: rows.filter((r) => !(r.length === 1 && r[0] === '')) };
}

/**
 * One CSV record. A field that a spreadsheet would run as a formula (=, +, -, @, tab, CR at
 * the start: CSV injection) gets a leading apostrophe; the rest are quoted when needed.
 */
export function csvRecord(fields: (string | null)[]): string {
  return fields.map((value) => {
    let v = value ?? '';
    if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
    return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  }).join(',') + '\r\n';
}
