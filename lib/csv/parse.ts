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

type Scan = ParsedCsv & {
  /** Index where an unfinished record starts (text.length when none). */
  rest: number;
  restLine: number;
};

/**
 * RFC 4180 scanner over `text`, starting on line `firstLine`. With `final` false the text is a
 * prefix of the input: the scan stops before a record it cannot finish yet (an open quote, a
 * field or a CR at the very end) and reports where that record starts, to be scanned again
 * once more text has arrived.
 */
function scan(text: string, final: boolean, firstLine: number): Scan {
  const records: string[][] = [];
  const lines: number[] = [];
  const n = text.length;
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let line = firstLine;
  let recordLine = firstLine;
  let recordStart = 0;
  let i = 0;
  const partial = (): Scan => ({ records, lines, rest: recordStart, restLine: recordLine });

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
        if (close === -1 || (!final && close + 1 >= n)) {
          if (!final) return partial();
          throw new CsvSyntaxError(startLine, "a quoted field is never closed");
        }
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
      if (!final && c === CR && i + 1 >= n) return partial();
      endRecord();
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      recordLine = line;
      recordStart = i;
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
  if (!final) return partial();
  if (field !== "" || quoted || record.length > 0) endRecord();
  return { records, lines, rest: n, restLine: line };
}

const dropBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/**
 * RFC 4180 parser: comma-separated fields, records ending in CRLF, LF or CR, fields in
 * double quotes may hold commas, line breaks and doubled quotes. A leading BOM is dropped.
 * Strict where a lenient parser would guess: a quote inside an unquoted field, text after
 * a closing quote, or an unterminated quote is a CsvSyntaxError. Blank lines are skipped
 * (a record of one empty field is written as `""` by our serializer, so none is lost).
 */
export function parseCsv(input: string): ParsedCsv {
  const { records, lines } = scan(dropBom(input), true, 1);
  return { records, lines };
}

/**
 * The same parser fed text as it arrives (`push` per chunk, `end` once): each call returns the
 * records completed so far. Only the unfinished record is kept between calls, so memory is
 * bounded by `maxPending` characters however long the file; a longer record (for example a
 * quote never closed) is a CsvSyntaxError at the line where it starts.
 */
export class CsvStreamParser {
  private pending = "";
  private line = 1;
  private started = false;
  constructor(private readonly maxPending: number) {}

  push(chunk: string): ParsedCsv {
    return this.run(chunk, false);
  }

  end(): ParsedCsv {
    return this.run("", true);
  }

  private run(chunk: string, final: boolean): ParsedCsv {
    let text = this.pending + chunk;
    if (!this.started) {
      if (text === "" && !final) return { records: [], lines: [] };
      this.started = true;
      text = dropBom(text);
    }
    const result = scan(text, final, this.line);
    this.pending = text.slice(result.rest);
    this.line = result.restLine;
    if (this.pending.length > this.maxPending) {
      throw new CsvSyntaxError(
        this.line,
        `a record is longer than ${this.maxPending} characters (is a quoted field never closed?)`,
      );
    }
    return { records: result.records, lines: result.lines };
  }
}
