// Human and machine output for the admin commands: aligned tables and key/value blocks for
// people, JSON (the Cognito wire shapes, dates as ISO strings) for scripts.
import type { AttributeType } from '@aws-sdk/client-cognito-identity-provider';

// `userpool users list | head`: the reader went away; stop quietly, as other tools do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

export type Cell = string | number | boolean | Date | undefined | null;

function text(c: Cell): string {
  if (c === undefined || c === null) return '-';
  if (c instanceof Date) return c.toISOString();
  // One line per row: a value with a line break would tear the table.
  return String(c).replace(/\s+/g, ' ');
}

/** Columns padded to their widest cell; `empty` when there are no rows. */
export function table(head: string[], rows: Cell[][], empty: string): string {
  if (rows.length === 0) return `${empty}\n`;
  const cells = rows.map((r) => r.map(text));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), ...cells.map(line)].join('\n') + '\n';
}

/** `Key   value` lines for one object; undefined values are left out. */
export function keyValues(pairs: Array<[string, Cell]>): string {
  const shown = pairs.filter(([, v]) => v !== undefined);
  const width = Math.max(...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${k.padEnd(width)}  ${text(v)}`).join('\n') + '\n';
}

/** The SDK output without its transport metadata. */
export function wire<T extends object>(output: T): Omit<T, '$metadata'> {
  const { $metadata: _ignored, ...rest } = output as T & { $metadata?: unknown };
  return rest;
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

export function attribute(attrs: AttributeType[] | undefined, name: string): string | undefined {
  return attrs?.find((a) => a.Name === name)?.Value;
}

export function out(s: string): void {
  process.stdout.write(s);
}
