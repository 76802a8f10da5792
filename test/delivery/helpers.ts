// Real peers for delivery tests, in the test process: an SMTP server (smtp-server) whose
// received mail is parsed with mailparser, an HTTP server speaking SNS's Publish API (query
// protocol: form-encoded Action=Publish, XML answers), and an SMS webhook receiver.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface ReceivedMail {
  parsed: ParsedMail;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  /** The user the client authenticated as, if it did. */
  user: string | undefined;
  /** Whether the session was on TLS (implicit or STARTTLS). */
  secure: boolean;
}

export interface SmtpBehaviour {
  /** Answer to RCPT TO: undefined accepts, a number refuses with that code. Called per recipient. */
  rcpt?: (address: string) => number | undefined;
  /** How long the server takes to answer RCPT TO (a slow server). */
  rcptDelayMs?: number;
  /** Per recipient: extra time before answering its RCPT TO (a send held at that step). */
  rcptHoldMs?: (address: string) => number;
  /**
   * Per message: time between taking the message (it is in `received`) and answering 250,
   * the window in which a client that dies leaves a message it cannot know was delivered.
   */
  dataReplyHoldMs?: (to: string[]) => number;
  /** Credentials the server requires (AUTH); unset, AUTH is not offered. */
  auth?: { user: string; pass: string };
  /** TLS key and certificate: with `secure`, implicit TLS; else STARTTLS is offered. */
  tls?: { key: string; cert: string; secure?: boolean };
}

export interface TestSmtp {
  port: number;
  url: string;
  received: ReceivedMail[];
  /** Every RCPT TO seen, accepted or not. */
  attempts: string[];
  /** The newest mail to `address`, waiting for it up to `timeoutMs`. */
  mailTo(address: string, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function startSmtp(behaviour: SmtpBehaviour = {}, port = 0): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const attempts: string[] = [];
  const options: SMTPServerOptions = {
    logger: false,
    disabledCommands: [...(behaviour.auth ? [] : ['AUTH']), ...(behaviour.tls ? [] : ['STARTTLS'])],
    authOptional: !behaviour.auth,
    // Tests without TLS still authenticate; the client is the one under test.
    allowInsecureAuth: true,
    ...(behaviour.tls && { key: behaviour.tls.key, cert: behaviour.tls.cert, secure: behaviour.tls.secure ?? false }),
    onAuth(auth, _session, callback) {
      if (behaviour.auth && auth.username === behaviour.auth.user && auth.password === behaviour.auth.pass) return callback(null, { user: auth.username });
      return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onMailFrom(_address, session, callback) {
      if (behaviour.auth && !session.user) return callback(Object.assign(new Error('Authentication required'), { responseCode: 530 }));
      callback();
    },
    onRcptTo(address, _session, callback) {
      attempts.push(address.address);
      const code = behaviour.rcpt?.(address.address);
      const answer = (): void => {
        if (code !== undefined) return callback(Object.assign(new Error(code >= 500 ? 'No such user here' : 'Try again later'), { responseCode: code }));
        callback();
      };
      const delay = (behaviour.rcptDelayMs ?? 0) + (behaviour.rcptHoldMs?.(address.address) ?? 0);
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    },
    onData(stream, session: SMTPServerSession, callback) {
      simpleParser(stream).then(
        (parsed) => {
          const to = session.envelope.rcptTo.map((r) => r.address);
          received.push({ parsed, to, user: session.user as string | undefined, secure: session.secure });
          const hold = behaviour.dataReplyHoldMs?.(to) ?? 0;
          if (hold > 0) setTimeout(() => callback(), hold);
          else callback();
        },
        (err: Error) => callback(err),
      );
    },
  };
  const server = new SMTPServer(options);
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.server.address() as { port: number }).port;
  return {
    port: actual,
    url: `smtp://127.0.0.1:${actual}`,
    received,
    attempts,
    async mailTo(address, timeoutMs = 10_000) {
      await waitFor(() => received.some((m) => m.to.includes(address)), timeoutMs, `mail to ${address}`);
      return received.filter((m) => m.to.includes(address)).at(-1)!;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Polls `check` every 20 ms until it holds; fails after `timeoutMs` naming what was awaited. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A self-signed certificate for 127.0.0.1 and localhost, made with openssl for this run. */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'userpool-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function codeIn(text: string | undefined): string {
  const code = /\b(\d{6,10})\b/.exec(text ?? '')?.[1];
  if (!code) throw new Error('no code in the message');
  return code;
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface PublishedSms {
  phoneNumber: string;
  message: string;
  smsType: string | undefined;
  /** The access key id and region the request was signed with. */
  accessKeyId: string | undefined;
  region: string | undefined;
  /** X-Amz-Security-Token: present when signed with temporary (role) credentials. */
  sessionToken: string | undefined;
}

export interface TestSns {
  endpoint: string;
  published: PublishedSms[];
  /** Answer every Publish with this SNS error instead (e.g. AuthorizationError, 403). */
  failWith: { code: string; status: number } | undefined;
  smsTo(phone: string, timeoutMs?: number): Promise<PublishedSms>;
  close(): Promise<void>;
}

/** Speaks the Publish action of SNS's query protocol, as @aws-sdk/client-sns sends it. */
export async function startSns(): Promise<TestSns> {
  const published: PublishedSms[] = [];
  const state: TestSns = {
    endpoint: '',
    published,
    failWith: undefined,
    async smsTo(phone, timeoutMs = 10_000) {
      await waitFor(() => published.some((p) => p.phoneNumber === phone), timeoutMs, `SMS to ${phone}`);
      return published.filter((p) => p.phoneNumber === phone).at(-1)!;
    },
    close: () => closeHttp(server),
  };
  const server = createServer((req, res) => {
    void bodyOf(req).then((raw) => {
      const form = new URLSearchParams(raw);
      const requestId = '6a7b3c4d-0000-4000-8000-000000000001';
      if (req.method !== 'POST' || form.get('Action') !== 'Publish') {
        res.writeHead(400, { 'content-type': 'text/xml' }).end(errorXml('InvalidAction', requestId));
        return;
      }
      if (state.failWith) {
        res.writeHead(state.failWith.status, { 'content-type': 'text/xml' }).end(errorXml(state.failWith.code, requestId));
        return;
      }
      let smsType: string | undefined;
      for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
        if (form.get(`MessageAttributes.entry.${i}.Name`) === 'AWS.SNS.SMS.SMSType') smsType = form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? undefined;
      }
      const scope = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/sns\//.exec(String(req.headers.authorization ?? ''));
      published.push({
        phoneNumber: form.get('PhoneNumber') ?? '',
        message: form.get('Message') ?? '',
        smsType,
        accessKeyId: scope?.[1],
        region: scope?.[2],
        sessionToken: req.headers['x-amz-security-token'] as string | undefined,
      });
      res.writeHead(200, { 'content-type': 'text/xml' }).end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${published.length}-test</MessageId></PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
      );
    });
  });
  state.endpoint = await listenHttp(server);
  return state;
}

function errorXml(code: string, requestId: string, ns = 'http://sns.amazonaws.com/doc/2010-03-31/'): string {
  return `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>${code}</Code><Message>refused by the test server</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

export interface AssumeRoleCall {
  roleArn: string;
  externalId: string | undefined;
  sessionName: string;
  durationSeconds: string | undefined;
  /** The access key id and region the call was signed with. */
  accessKeyId: string | undefined;
  region: string | undefined;
}

export interface TestSts {
  endpoint: string;
  calls: AssumeRoleCall[];
  /** Role ARN -> the ExternalId its trust policy requires ('' for none). Other roles are refused. */
  roles: Map<string, string>;
  /** The temporary access key id issued for a role (ASIA...), to check what Publish was signed with. */
  keyOf(roleArn: string): string;
  close(): Promise<void>;
}

/** Speaks the AssumeRole action of STS's query protocol, as @aws-sdk/client-sts sends it. */
export async function startSts(): Promise<TestSts> {
  const calls: AssumeRoleCall[] = [];
  const roles = new Map<string, string>();
  const keyOf = (arn: string): string => `ASIA${Buffer.from(arn).toString('hex').slice(-16).toUpperCase()}`;
  const ns = 'https://sts.amazonaws.com/doc/2011-06-15/';
  const server = createServer((req, res) => {
    void bodyOf(req).then((raw) => {
      const form = new URLSearchParams(raw);
      const requestId = '7c8d9e0f-0000-4000-8000-000000000002';
      if (req.method !== 'POST' || form.get('Action') !== 'AssumeRole') {
        res.writeHead(400, { 'content-type': 'text/xml' }).end(errorXml('InvalidAction', requestId, ns));
        return;
      }
      const scope = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/sts\//.exec(String(req.headers.authorization ?? ''));
      const call: AssumeRoleCall = {
        roleArn: form.get('RoleArn') ?? '',
        externalId: form.get('ExternalId') ?? undefined,
        sessionName: form.get('RoleSessionName') ?? '',
        durationSeconds: form.get('DurationSeconds') ?? undefined,
        accessKeyId: scope?.[1],
        region: scope?.[2],
      };
      calls.push(call);
      const required = roles.get(call.roleArn);
      if (required === undefined || required !== (call.externalId ?? '')) {
        res.writeHead(403, { 'content-type': 'text/xml' }).end(errorXml('AccessDenied', requestId, ns));
        return;
      }
      const expiration = new Date(Date.now() + Number(call.durationSeconds ?? 3600) * 1000).toISOString();
      res.writeHead(200, { 'content-type': 'text/xml' }).end(
        `<AssumeRoleResponse xmlns="${ns}"><AssumeRoleResult><Credentials>` +
          `<AccessKeyId>${keyOf(call.roleArn)}</AccessKeyId><SecretAccessKey>role-secret-${calls.length}</SecretAccessKey>` +
          `<SessionToken>role-session-token-${calls.length}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
          `<AssumedRoleUser><Arn>${call.roleArn.replace(':iam:', ':sts:').replace(':role/', ':assumed-role/')}/${call.sessionName}</Arn>` +
          `<AssumedRoleId>AROATESTROLE:${call.sessionName}</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>` +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
      );
    });
  });
  return { endpoint: await listenHttp(server), calls, roles, keyOf, close: () => closeHttp(server) };
}

export interface WebhookCall {
  body: { destination: string; text: string; messageId: string; poolId: string };
  authorization: string | undefined;
  idempotencyKey: string | undefined;
}

export interface TestWebhook {
  url: string;
  calls: WebhookCall[];
  /** The status to answer (default 200). */
  status: number;
  smsTo(phone: string, timeoutMs?: number): Promise<WebhookCall>;
  close(): Promise<void>;
}

export async function startWebhook(): Promise<TestWebhook> {
  const calls: WebhookCall[] = [];
  const state: TestWebhook = {
    url: '',
    calls,
    status: 200,
    async smsTo(phone, timeoutMs = 10_000) {
      await waitFor(() => calls.some((c) => c.body.destination === phone && state.status < 300), timeoutMs, `webhook SMS to ${phone}`);
      return calls.filter((c) => c.body.destination === phone).at(-1)!;
    },
    close: () => closeHttp(server),
  };
  const server = createServer((req, res) => {
    void bodyOf(req).then((raw) => {
      calls.push({
        body: JSON.parse(raw) as WebhookCall['body'],
        authorization: req.headers.authorization,
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
      });
      res.writeHead(state.status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  state.url = `${await listenHttp(server)}/sms`;
  return state;
}

async function listenHttp(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

function closeHttp(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
