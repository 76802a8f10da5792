// A streaming CSV reader (RFC 4180): text goes in as it arrives, whole records come out, and
// no more than one record is ever held. Handles quoted fields with commas, doubled quotes and
// line breaks inside them, CRLF or LF line ends, and a leading byte-order mark. Cognito's own
// convention for a comma inside an unquoted value, a backslash before it (`a\,b`), is read as
// a literal comma too, so files prepared for Cognito import unchanged.

export interface CsvRecord {
  fields: string[];
  /** The line the record starts on (1-based), as a text editor or spreadsheet shows it. */
  line: number;
  /** Why the record is malformed (a stray quote, an unclosed quote at the end), if it is. */
  problem?: string;
}

/** Thrown when one record grows past the limit (an unclosed quote swallowing the file). */
export class CsvRecordTooLong extends Error {
  constructor(readonly line: number, limit: number) {
    super(`the record starting on line ${line} is longer than ${limit} characters`);
  }
}

export class CsvReader {
  private fields: string[] = [];
  private field = '';
  /** In a quoted field; `afterQuote`: just read a quote inside one (a close or half of ""). */
  private quoted = false;
  private afterQuote = false;
  /** The field began with a quote (so text after its closing quote is a problem). */
  private fieldWasQuoted = false;
  private escape = false;
  private pendingCR = false;
  private problem: string | undefined;
  private line = 1;
  private recordLine = 1;
  private recordLength = 0;
  private started = false;
  private sawAny = false;

  constructor(private readonly maxRecordChars = 131_072) {}

  /** Feeds text; returns the records it completed. */
  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let i = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    for (; i < text.length; i++) {
      const c = text[i]!;
      this.recordLength++;
      if (this.recordLength > this.maxRecordChars) throw new CsvRecordTooLong(this.recordLine, this.maxRecordChars);
      if (this.pendingCR) {
        this.pendingCR = false;
        if (c === '\n') continue;
      }
      if (this.quoted) {
        if (this.afterQuote) {
          this.afterQuote = false;
          if (c === '"') {
            this.field += '"';
            continue;
          }
          this.quoted = false;
          // Fall through: the character after a closing quote is read as outside the quotes.
        } else if (c === '"') {
          this.afterQuote = true;
          continue;
        } else {
          if (c === '\n') this.line++;
          this.field += c;
          continue;
        }
      }
      this.sawAny = true;
      if (this.escape) {
        this.escape = false;
        if (c === ',') {
          this.field += ',';
          continue;
        }
        this.field += '\\';
      }
      if (c === ',') {
        this.endField();
      } else if (c === '\n' || c === '\r') {
        this.endField();
        out.push(this.endRecord());
        this.line++;
        this.recordLine = this.line;
        if (c === '\r') this.pendingCR = true;
      } else if (c === '"') {
        if (this.field === '' && !this.fieldWasQuoted) {
          this.quoted = true;
          this.fieldWasQuoted = true;
        } else {
          this.problem ??= `a quote inside an unquoted value (line ${this.line})`;
          this.field += c;
        }
      } else if (c === '\\') {
        this.escape = true;
      } else {
        if (this.fieldWasQuoted) this.problem ??= `text after a closing quote (line ${this.line})`;
        this.field += c;
      }
    }
    return out;
  }

  /** Ends the input; returns the last record if the file did not end with a line break. */
  end(): CsvRecord[] {
    if (this.quoted && this.afterQuote) {
      this.quoted = false;
      this.afterQuote = false;
    }
    if (this.quoted) {
      this.problem ??= `a quoted value is not closed (line ${this.recordLine})`;
      this.quoted = false;
    }
    if (this.escape) {
      this.escape = false;
      this.field += '\\';
    }
    if (!this.sawAny && this.fields.length === 0 && this.field === '' && !this.fieldWasQuoted) return [];
    this.endField();
    return [this.endRecord()];
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.fieldWasQuoted = false;
  }

  private endRecord(): CsvRecord {
    const record: CsvRecord = { fields: this.fields, line: this.recordLine };
    if (this.problem) record.problem = this.problem;
    this.fields = [];
    this.problem = undefined;
    this.recordLength = 0;
    this.sawAny = false;
    return record;
  }
}

/** A record that is one empty field: a blank line, skipped rather than read as a user. */
export function isBlank(record: CsvRecord): boolean {
  return record.fields.length === 1 && record.fields[0] === '' && !record.problem;
}

/**
 * Records from a stream of byte chunks, decoded as UTF-8 across chunk boundaries (a character
 * split between two chunks is joined, never mangled).
 */
export async function* readCsv(chunks: AsyncIterable<Buffer>, maxRecordChars?: number): AsyncGenerator<CsvRecord> {
  const reader = new CsvReader(maxRecordChars);
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) yield* reader.push(decoder.decode(chunk, { stream: true }));
  const tail = decoder.decode();
  if (tail) yield* reader.push(tail);
  yield* reader.end();
}
