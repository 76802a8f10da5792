import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvReader, CsvRecordTooLong, readCsv, type CsvRecord } from './csv.js';

function parse(text: string, pieces = 1): CsvRecord[] {
  const reader = new CsvReader();
  const out: CsvRecord[] = [];
  const size = Math.ceil(text.length / pieces);
  for (let i = 0; i < text.length; i += size) out.push(...reader.push(text.slice(i, i + size)));
  out.push(...reader.end());
  return out;
}

const fields = (records: CsvRecord[]): string[][] => records.map((r) => r.fields);

test('plain records, with or without a final line break, CRLF or LF', () => {
  assert.deepEqual(fields(parse('a,b\n1,2\n')), [['a', 'b'], ['1', '2']]);
  assert.deepEqual(fields(parse('a,b\r\n1,2')), [['a', 'b'], ['1', '2']]);
  assert.deepEqual(fields(parse('a,,\n')), [['a', '', '']]);
  assert.deepEqual(parse(''), []);
});

test('quoted fields keep commas, doubled quotes and line breaks', () => {
  const text = 'u,note\r\n"x","a, b"\n"y","say ""hi"""\n"z","two\r\nlines"\n';
  for (const pieces of [1, 3, 7, text.length]) {
    assert.deepEqual(fields(parse(text, pieces)), [['u', 'note'], ['x', 'a, b'], ['y', 'say "hi"'], ['z', 'two\r\nlines']], `in ${pieces} pieces`);
  }
  const records = parse(text);
  assert.deepEqual(records.map((r) => r.line), [1, 2, 3, 4]);
});

test("Cognito's backslash before a comma is a literal comma", () => {
  assert.deepEqual(fields(parse('a\\,b,c\\d\n')), [['a,b', 'c\\d']]);
});

test('a leading byte-order mark is dropped', () => {
  assert.deepEqual(fields(parse('\uFEFFcognito:username\nbob\n')), [['cognito:username'], ['bob']]);
});

test('malformed records are reported, not guessed at', () => {
  const [stray] = parse('ab"c,d\n');
  assert.match(stray!.problem ?? '', /quote inside an unquoted value/);
  const [after] = parse('"ab"c,d\n');
  assert.match(after!.problem ?? '', /text after a closing quote/);
  const records = parse('ok\n"never closed\nmore');
  assert.equal(records[0]!.problem, undefined);
  assert.match(records[1]!.problem ?? '', /not closed/);
});

test('a record past the limit stops the read', () => {
  const reader = new CsvReader(10);
  assert.throws(() => reader.push('"' + 'x'.repeat(20)), CsvRecordTooLong);
});

test('readCsv joins a UTF-8 character split across chunks', async () => {
  const bytes = Buffer.from('name\nJosé Ñúñez\n', 'utf8');
  const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of é
  async function* chunks(): AsyncGenerator<Buffer> {
    yield bytes.subarray(0, cut);
    yield bytes.subarray(cut);
  }
  const out: string[][] = [];
  for await (const r of readCsv(chunks())) out.push(r.fields);
  assert.deepEqual(out, [['name'], ['José Ñúñez']]);
});
