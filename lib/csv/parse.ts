/** A CSV syntax error, with the 1-based line where the offending record starts. */
export class CsvSyntaxError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = "CsvSyntaxError";
    this.line = line;
  }
}

export type ParsedCsv = {
  /** Records in file order; the first is the header when the caller treats it so. */
  records: string[][];
  /** 1-based line on which each record starts, for error messages. */
  lines: number[];
};

const COMMA = 44;
const LF = 10;
const CR = 13;
const QUOTE = 34;

function countLineBreaks(text: string, from: number, to: number): number {
  let breaks = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    // CRLF counts once: only the LF, or a CR not followed by LF.
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) breaks++;
  }
  return breaks;
}

/**
 * RFC 4180 parser: comma-separated fields, records ending in CRLF, LF or CR, fields in
 * double quotes may hold commas, line breaks and doubled quotes. A leading BOM is dropped.
 * Strict where a lenient parser would guess: a quote inside an unquoted field, text after
 * a closing quote, or an unterminated quote is a CsvSyntaxError. Blank lines are skipped
 * (a record of one empty field is written as `""` by our serializer, so none is lost).
 */
export function parseCsv(input: string): ParsedCsv {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: string[][] = [];
  const lines: number[] = [];
  const n = text.length;
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;

  const endRecord = () => {
    record.push(field);
    if (!(record.length === 1 && record[0] === "" && !quoted)) {
      records.push(record);
      lines.push(recordLine);
    }
    record = [];
    field = "";
    quoted = false;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      if (field !== "" || quoted)
        throw new CsvSyntaxError(line, 'a double quote may only appear inside a quoted field (write it as "")');
      const startLine = line;
      let chunk = i + 1;
      for (;;) {
        const close = text.indexOf('"', chunk);
        if (close === -1) throw new CsvSyntaxError(startLine, "a quoted field is never closed");
        line += countLineBreaks(text, chunk, close);
        if (text.charCodeAt(close + 1) === QUOTE) {
          field += text.slice(chunk, close + 1);
          chunk = close + 2;
          continue;
        }
        field += text.slice(chunk, close);
        i = close + 1;
        break;
      }
      quoted = true;
      const next = text.charCodeAt(i);
      if (i < n && next !== COMMA && next !== LF && next !== CR) {
        throw new CsvSyntaxError(line, "unexpected text after a closing quote");
      }
      continue;
    }
    if (c === COMMA) {
      record.push(field);
      field = "";
      quoted = false;
      i++;
      continue;
    }
    if (c === LF || c === CR) {
      endRecord();
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    if (quoted) throw new CsvSyntaxError(line, "unexpected text after a closing quote");
    let j = i + 1;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === COMMA || d === LF || d === CR || d === QUOTE) break;
      j++;
    }
    field += text.slice(i, j);
    i = j;
  }
  if (field !== "" || quoted || record.length > 0) endRecord();
  return { records, lines };
}
