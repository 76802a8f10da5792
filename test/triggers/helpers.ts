// Shared pieces of the trigger tests: a real HTTP server standing in for a webhook or for the
// Lambda Invoke API, handler modules written to a temporary folder, and the --trigger-config
// parser the server itself uses.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { parseTriggerConfig, type TriggerRoutes } from '../../src/triggers/config.js';
import type { TriggerEvent } from '../../src/triggers/events.js';
import type { TestServer } from '../helpers/server.js';

export interface HookRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed (the event the server sent). */
  event: TriggerEvent;
}

export interface HookReply {
  status?: number;
  headers?: Record<string, string>;
  body: string;
  /** Answer only after this long (a slow function). */
  delayMs?: number;
}

export type HookHandler = (req: HookRequest) => HookReply;

/** Answers with the event as received: a function that changes nothing. */
export const echo: HookHandler = (req) => ({ body: req.body });

export interface HookServer {
  url: string;
  calls: HookRequest[];
  /** What the next requests get; replace it per test. */
  handler: HookHandler;
  close(): Promise<void>;
}

export async function startHookServer(handler: HookHandler = echo): Promise<HookServer> {
  const hook: HookServer = { url: '', calls: [], handler, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const call: HookRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, event: JSON.parse(body) as TriggerEvent };
      hook.calls.push(call);
      const reply = hook.handler(call);
      const send = (): void => {
        if (res.destroyed) return;
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.body);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hook.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hook.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return hook;
}

/** A function's answer: the event with `response` replaced. */
export function answerWith(req: HookRequest, response: Record<string, unknown>): HookReply {
  return { body: JSON.stringify({ ...req.event, response }) };
}

/** --trigger-config as the server parses it. */
export function routes(config: Record<string, unknown>, cwd?: string): TriggerRoutes {
  return parseTriggerConfig(JSON.stringify(config), '--trigger-config', (m) => new Error(m), cwd);
}

/** A temporary folder for handler modules; remove() when done. */
export function moduleDir(): { dir: string; write(name: string, source: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'userpool-handlers-'));
  return {
    dir,
    write(name, source) {
      const path = join(dir, name);
      writeFileSync(path, source);
      return path;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface SmsMessage {
  PhoneNumber: string;
  Message: string;
}

/** The newest SMS to `phone` in the development outbox. */
export async function lastSms(server: TestServer, phone: string): Promise<SmsMessage | undefined> {
  const res = await fetch(`${server.url}/_aws/sns/sms-messages`);
  const { sms_messages: byPhone } = (await res.json()) as { sms_messages: Record<string, SmsMessage[]> };
  return byPhone[phone]?.at(-1);
}

/** Every row of every table, as text: to prove something was stored nowhere. */
export async function wholeStore(server: TestServer): Promise<string> {
  const db = server.app.services.store.db;
  const tables = await db.introspection.getTables();
  const dump: unknown[] = [];
  for (const t of tables) dump.push(await db.selectFrom(t.name as never).selectAll().execute());
  return JSON.stringify(dump);
}
