// A small POSIX tar (ustar) writer and reader for backup files: flat archives of regular
// files, so a backup opens with `tar -xf` as well as with `userpool restore`. Contents are
// streamed from and to disk, never held whole. Sizes past ustar's 8 GiB octal field use the
// base-256 form GNU tar and bsdtar read.
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

const BLOCK = 512;
const OCTAL_SIZE_LIMIT = 8 ** 11;

export interface TarSource {
  name: string;
  /** A file to copy, or the contents. */
  path?: string;
  data?: Buffer;
  size: number;
  mtimeMs: number;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(entry: TarSource): Buffer {
  const h = Buffer.alloc(BLOCK);
  if (Buffer.byteLength(entry.name) > 100) throw new Error(`tar entry name too long: ${entry.name}`);
  h.write(entry.name, 0, 100, 'utf8');
  h.write(octal(0o600, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  if (entry.size < OCTAL_SIZE_LIMIT) {
    h.write(octal(entry.size, 12), 124, 'ascii');
  } else {
    h[124] = 0x80;
    let rest = BigInt(entry.size);
    for (let i = 135; i > 124; i--) {
      h[i] = Number(rest & 0xffn);
      rest >>= 8n;
    }
  }
  h.write(octal(Math.floor(entry.mtimeMs / 1000), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(octal(sum, 7) + ' ', 148, 'ascii');
  return h;
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

async function* archive(entries: TarSource[]): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    yield header(entry);
    if (entry.data) {
      yield entry.data;
    } else {
      let copied = 0;
      for await (const chunk of createReadStream(entry.path!)) {
        copied += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
      // A file that changed size under us would shift every later header.
      if (copied !== entry.size) throw new Error(`${entry.name} changed while it was archived`);
    }
    yield padding(entry.size);
  }
  yield Buffer.alloc(BLOCK * 2);
}

/** Writes `entries` as a tar file at `path` (created readable by its owner only). */
export async function writeTar(path: string, entries: TarSource[]): Promise<void> {
  await pipeline(archive(entries), createWriteStream(path, { mode: 0o600, flags: 'wx' }));
}

export interface TarEntry {
  name: string;
  size: number;
  /** Where the contents start in the archive. */
  offset: number;
}

function readSize(h: Buffer): number {
  if ((h[124]! & 0x80) !== 0) {
    let size = 0n;
    for (let i = 125; i < 136; i++) size = (size << 8n) | BigInt(h[i]!);
    return Number(size);
  }
  return parseInt(h.toString('ascii', 124, 136).replace(/\0.*$/s, '').trim() || '0', 8);
}

/** The regular files of a tar archive; throws on anything that is not a well-formed one. */
export async function listTar(path: string): Promise<TarEntry[]> {
  const file = await open(path, 'r');
  try {
    const { size: total } = await file.stat();
    const entries: TarEntry[] = [];
    const h = Buffer.alloc(BLOCK);
    let at = 0;
    while (at + BLOCK <= total) {
      await file.read(h, 0, BLOCK, at);
      if (h.every((b) => b === 0)) return entries;
      let sum = 0;
      for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
      if (sum !== parseInt(h.toString('ascii', 148, 156).replace(/\0.*$/s, '').trim(), 8)) throw new Error('not a tar archive (bad header checksum)');
      const name = h.toString('utf8', 0, 100).replace(/\0.*$/s, '');
      const type = String.fromCharCode(h[156]!);
      const size = readSize(h);
      if (type === '0' || type === '\0') entries.push({ name, size, offset: at + BLOCK });
      at += BLOCK + size + padding(size).length;
    }
    throw new Error('the archive is truncated');
  } finally {
    await file.close();
  }
}

/** Copies one entry's contents to a new file. */
export async function extractEntry(archivePath: string, entry: TarEntry, to: string): Promise<void> {
  const source = entry.size === 0 ? [] : createReadStream(archivePath, { start: entry.offset, end: entry.offset + entry.size - 1 });
  await pipeline(source, createWriteStream(to, { mode: 0o600, flags: 'wx' }));
}
