// `userpool messages`: the messages a development server recorded, read from its /_aws
// endpoints (so it works against any running --dev server, local or not).
import type { Command } from 'commander';

interface SesMessage {
  Id: string;
  Timestamp: string;
  Destination: { ToAddresses: string[] };
  Subject: string | null;
  Body: { text_part: string };
}

interface SmsMessage {
  Id: string;
  Timestamp: string;
  PhoneNumber: string;
  Message: string;
}

export interface MessageRow {
  time: string;
  channel: 'EMAIL' | 'SMS';
  destination: string;
  subject: string;
  body: string;
}

export async function fetchMessages(endpoint: string, filter: { email?: string; phone?: string }): Promise<MessageRow[]> {
  const base = endpoint.replace(/\/+$/, '');
  const rows: MessageRow[] = [];
  if (!filter.phone) {
    const res = await fetch(`${base}/_aws/ses${filter.email ? `?email=${encodeURIComponent(filter.email)}` : ''}`);
    if (res.status === 404) throw new Error(`${base} does not serve messages: start it with --dev`);
    const { messages } = (await res.json()) as { messages: SesMessage[] };
    for (const m of messages) {
      rows.push({ time: m.Timestamp, channel: 'EMAIL', destination: m.Destination.ToAddresses.join(','), subject: m.Subject ?? '', body: m.Body.text_part });
    }
  }
  if (!filter.email) {
    const res = await fetch(`${base}/_aws/sns/sms-messages${filter.phone ? `?phoneNumber=${encodeURIComponent(filter.phone)}` : ''}`);
    if (res.status === 404) throw new Error(`${base} does not serve messages: start it with --dev`);
    const { sms_messages: byPhone } = (await res.json()) as { sms_messages: Record<string, SmsMessage[]> };
    for (const list of Object.values(byPhone)) {
      for (const m of list) rows.push({ time: m.Timestamp, channel: 'SMS', destination: m.PhoneNumber, subject: '', body: m.Message });
    }
  }
  return rows.sort((a, b) => a.time.localeCompare(b.time));
}

export function formatTable(rows: MessageRow[]): string {
  if (rows.length === 0) return 'no messages\n';
  const cells = rows.map((r) => [r.time, r.channel, r.destination, r.subject, r.body.replace(/\s+/g, ' ').slice(0, 100)]);
  const head = ['TIME', 'CHANNEL', 'DESTINATION', 'SUBJECT', 'BODY'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), ...cells.map(line)].join('\n') + '\n';
}

export function registerMessagesCommand(program: Command): void {
  program
    .command('messages')
    .description('List the messages a development (--dev) server recorded, oldest first')
    .option('--endpoint-url <url>', 'the server (USERPOOL_ENDPOINT, default http://127.0.0.1:9230)')
    .option('--endpoint <url>', 'the same as --endpoint-url')
    .option('--email <address>', 'only email to this address')
    .option('--phone <number>', 'only SMS to this number')
    .option('--json', 'one JSON array instead of a table')
    .action(async (opts: { endpointUrl?: string; endpoint?: string; email?: string; phone?: string; json?: boolean }) => {
      const endpoint = opts.endpointUrl ?? opts.endpoint ?? (process.env.USERPOOL_ENDPOINT || 'http://127.0.0.1:9230');
      try {
        const rows = await fetchMessages(endpoint, { email: opts.email, phone: opts.phone });
        process.stdout.write(opts.json ? JSON.stringify(rows, null, 2) + '\n' : formatTable(rows));
      } catch (err) {
        // fetch reports an unreachable server as a TypeError: exit 3, like the admin commands.
        const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
        const unreachable = err instanceof TypeError && cause !== undefined;
        const why = cause?.code ?? (cause?.message || (err as Error).message);
        process.stderr.write(`userpool messages: ${unreachable ? `cannot reach ${endpoint}: ${why}` : (err as Error).message}\n`);
        process.exitCode = unreachable ? 3 : 1;
      }
    });
}
