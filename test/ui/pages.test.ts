// The hosted reset pages over plain HTTP: what each answer of the operations looks like on
// the page, the refusals (unknown app, unregistered redirect, forged posts), the headers,
// and that nothing secret reaches a URL or the log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { emailCount, lastCode, makeUser, passwordWorks } from '../reset/helpers.js';
import { CALLBACK, fieldError, inputValue, makePageClient, PageSession, pageQuery, ruleStates, SECURITY_HEADERS } from './helpers.js';

let server: TestServer;
let poolId: string;
let legacy: string;
let enabled: string;
let withSecret: string;
let log = '';

before(async () => {
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  server = await startTestServer({ dev: true, logLevel: 'info' }, { logStream });
  const pool = await server.client.send(new CreateUserPoolCommand({ PoolName: 'pages', AutoVerifiedAttributes: ['email'] }));
  poolId = pool.UserPool!.Id!;
  legacy = (await makePageClient(server.client, poolId)).clientId;
  enabled = (await makePageClient(server.client, poolId, { prevent: 'ENABLED' })).clientId;
  withSecret = (await makePageClient(server.client, poolId, { secret: true })).clientId;
});
after(async () => {
  await server.cleanup();
});

describe('opening the pages', () => {
  test('the forgot page carries a form token, an HttpOnly SameSite=Strict cookie and the security headers', async () => {
    const s = new PageSession(server.url);
    const res = await s.get(`/forgotPassword${pageQuery(legacy)}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.match(res.headers.get(name) ?? '', value, name);
    assert.doesNotMatch(res.headers.get('content-security-policy')!, /unsafe-inline/);
    assert.equal(res.headers.get('access-control-allow-origin'), null, 'no other origin may read the page');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('userpool_csrf='));
    assert.ok(cookie && /HttpOnly/.test(cookie) && /SameSite=Strict/.test(cookie), cookie);
    assert.ok(s.token && s.token.length > 20);
    assert.match(res.html, /<label for="username">Username or email address<\/label>/);
    assert.doesNotMatch(res.html, /<script>|style="/, 'nothing inline');
  });

  test('an unknown app, a missing client_id and an unregistered redirect_uri are refused without redirecting', async () => {
    const s = new PageSession(server.url);
    for (const path of [
      '/forgotPassword',
      '/forgotPassword?client_id=nosuchclient0000000000000',
      `/forgotPassword${pageQuery(legacy, 'https://evil.example/callback')}`,
      `/confirmForgotPassword${pageQuery(legacy, `${CALLBACK}/../x`)}`,
      `/forgotPassword${pageQuery(legacy, CALLBACK.toUpperCase())}`,
    ]) {
      const res = await s.get(path);
      assert.equal(res.status, 400, path);
      assert.equal(res.headers.get('location'), null);
      assert.match(res.html, /This link is not valid/);
      assert.doesNotMatch(res.html, /evil\.example/, 'the refused address is not echoed');
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.match(res.headers.get(name) ?? '', value, name);
    }
    const post = await s.post(`/forgotPassword${pageQuery(legacy, 'https://evil.example/callback')}`, { username: 'anyone' });
    assert.equal(post.status, 400);
  });

  test('the static assets are served from this origin', async () => {
    for (const [path, type] of [['/ui/static/pages.css', 'text/css'], ['/ui/static/reset.js', 'text/javascript'], ['/ui/static/mailbox.js', 'text/javascript']] as const) {
      const res = await fetch(server.url + path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', new RegExp(`^${type}`));
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    }
  });
});

describe('forged posts', () => {
  test('a post without the token, with a wrong one, or from another origin changes nothing', async () => {
    await makeUser(server.client, poolId, 'forged', 'forged@example.com');
    const s = new PageSession(server.url);
    await s.get(`/forgotPassword${pageQuery(legacy)}`);
    const path = `/forgotPassword${pageQuery(legacy)}`;
    const cases: Array<[string, Parameters<PageSession['post']>[2]]> = [
      ['no token', { token: null }],
      ['wrong token', { token: 'x'.repeat(43) }],
      ['foreign origin', { headers: { origin: 'https://evil.example' } }],
      ['cross-site fetch metadata', { headers: { 'sec-fetch-site': 'cross-site' } }],
    ];
    for (const [name, opts] of cases) {
      const res = await s.post(path, { username: 'forged' }, opts);
      assert.equal(res.status, 403, name);
      assert.match(res.html, /This form has expired or was not sent from this page/, name);
    }
    // Without the cookie the token is worthless: another browser cannot replay it.
    const stranger = new PageSession(server.url);
    const replay = await stranger.post(path, { username: 'forged' }, { token: s.token });
    assert.equal(replay.status, 403);
    assert.equal(await emailCount(server, 'forged@example.com'), 0, 'no code was sent');
    // A form is not JSON: the pages accept only urlencoded bodies.
    const json = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"forged"}' });
    assert.equal(json.status, 403);
    // The same browser with its token goes through (so the refusals above were the token's doing),
    // also with the `Origin: null` a browser sends from a page with Referrer-Policy no-referrer.
    const ok = await s.post(path, { username: 'forged' }, { headers: { origin: 'null' } });
    assert.equal(ok.status, 303);
    assert.equal(await emailCount(server, 'forged@example.com'), 1);
  });
});

describe('the reset journey over HTTP', () => {
  test('forgot -> code -> weak password -> wrong code -> success, with every error next to its field', async () => {
    await makeUser(server.client, poolId, 'alice', 'alice@example.com');
    const s = new PageSession(server.url);
    await s.get(`/forgotPassword${pageQuery(legacy)}`);
    const empty = await s.post(`/forgotPassword${pageQuery(legacy)}`, { username: '  ' });
    assert.equal(empty.status, 400);
    assert.equal(fieldError(empty.html, 'username'), 'Enter your username or email address.');
    assert.match(empty.html, /<input id="username"[^>]*aria-describedby="username-error"[^>]*aria-invalid="true"/);
    assert.match(empty.html, /role="alert"/);

    const sent = await s.post(`/forgotPassword${pageQuery(legacy)}`, { username: 'alice' });
    assert.equal(sent.status, 303);
    const location = sent.headers.get('location')!;
    assert.equal(location, `/confirmForgotPassword${pageQuery(legacy)}`);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.match(sent.headers.get(name) ?? '', value, `redirect: ${name}`);
    assert.doesNotMatch(location, /alice/, 'no username in the URL');
    assert.ok(s.cookies.has('userpool_reset'));
    assert.doesNotMatch(s.cookies.get('userpool_reset')!, /alice/, 'the flow cookie is sealed');

    const page = await s.get(location);
    assert.equal(page.status, 200);
    assert.match(page.html, /We sent a code by email to <strong>a\*\*\*@e\*\*\*<\/strong>/);
    assert.equal(inputValue(page.html, 'username'), 'alice');
    assert.deepEqual(ruleStates(page.html), { length: '', uppercase: '', lowercase: '', numbers: '', symbols: '' });
    const code = await lastCode(server, 'alice@example.com');

    const mismatch = await s.post(location, { username: 'alice', code, password: 'Good-Pass-123', 'confirm-password': 'Good-Pass-124' });
    assert.equal(mismatch.status, 400);
    assert.equal(fieldError(mismatch.html, 'confirm-password'), 'The passwords do not match. Type the same new password twice.');

    const weak = await s.post(location, { username: 'alice', code, password: 'weakpass', 'confirm-password': 'weakpass' });
    assert.equal(weak.status, 400);
    assert.equal(fieldError(weak.html, 'password'), 'Your new password must contain an uppercase letter (A–Z).');
    assert.deepEqual(ruleStates(weak.html), { length: 'met', uppercase: 'unmet', lowercase: 'met', numbers: 'unmet', symbols: 'unmet' });
    assert.equal(inputValue(weak.html, 'code'), code, 'the code is kept: a policy failure does not burn it');
    assert.doesNotMatch(weak.html, /weakpass/, 'the password is never sent back');
    assert.match(weak.html, /<input id="password"[^>]*autofocus/);

    const wrong = await s.post(location, { username: 'alice', code: code === '000000' ? '111111' : '000000', password: 'Good-Pass-123', 'confirm-password': 'Good-Pass-123' });
    assert.equal(wrong.status, 400);
    assert.equal(fieldError(wrong.html, 'code'), 'That code is not correct. Check the message we sent you and try again.');
    assert.equal(inputValue(wrong.html, 'code'), undefined, 'a wrong code is cleared');

    const done = await s.post(location, { username: 'alice', code: ` ${code.slice(0, 3)} ${code.slice(3)} `, password: 'Good-Pass-123', 'confirm-password': 'Good-Pass-123' });
    assert.equal(done.status, 200);
    assert.match(done.html, /Your password has been reset/);
    assert.match(done.html, new RegExp(`<a class="button" href="${CALLBACK}">Back to Example App</a>`));
    assert.ok(!s.cookies.has('userpool_reset'), 'the flow cookie is cleared');
    assert.ok(await passwordWorks(server, poolId, 'alice', 'Good-Pass-123'));

    const reused = await s.post(location, { username: 'alice', code, password: 'Other-Pass-123', 'confirm-password': 'Other-Pass-123' });
    assert.equal(fieldError(reused.html, 'code'), 'This code has expired or has already been used. Request a new code.');
    assert.match(reused.html, new RegExp(`<a href="/forgotPassword\\?client_id=${legacy}&amp;redirect_uri=[^"]+">Request a new code</a>`));
  });

  test('nothing of the form reaches the log, and the pages log requests like the API', async () => {
    assert.match(log, /"operation":"ConfirmForgotPassword","page":true,"outcome":"CodeMismatchException"/);
    assert.doesNotMatch(log, /Good-Pass-123|weakpass|alice@example\.com|csrf_token/);
    assert.doesNotMatch(log, /"username":"alice"/);
  });

  test('an unknown user: named under LEGACY, hidden under PreventUserExistenceErrors', async () => {
    const s = new PageSession(server.url);
    await s.get(`/forgotPassword${pageQuery(legacy)}`);
    const named = await s.post(`/forgotPassword${pageQuery(legacy)}`, { username: 'nobody' });
    assert.equal(named.status, 400);
    assert.equal(fieldError(named.html, 'username'), 'We could not find an account with that username or email address.');
    assert.equal(inputValue(named.html, 'username'), 'nobody');

    const hidden = await s.post(`/forgotPassword${pageQuery(enabled)}`, { username: 'nobody@example.com' });
    assert.equal(hidden.status, 303, 'the same answer a real user gets');
    const next = await s.get(hidden.headers.get('location')!);
    assert.match(next.html, /We sent a code by email to <strong>n\*\*\*@e\*\*\*<\/strong>/);
  });

  test('a client with a secret: the page computes the SecretHash itself', async () => {
    await makeUser(server.client, poolId, 'bob', 'bob@example.com');
    const s = new PageSession(server.url);
    await s.get(`/forgotPassword${pageQuery(withSecret)}`);
    const sent = await s.post(`/forgotPassword${pageQuery(withSecret)}`, { username: 'bob' });
    assert.equal(sent.status, 303);
    await s.get(sent.headers.get('location')!);
    const code = await lastCode(server, 'bob@example.com');
    const done = await s.post(`/confirmForgotPassword${pageQuery(withSecret)}`, { username: 'bob', code, password: 'Bobs-New-Pass1', 'confirm-password': 'Bobs-New-Pass1' });
    assert.equal(done.status, 200, fieldError(done.html, 'username') ?? done.html.slice(0, 300));
    assert.ok(await passwordWorks(server, poolId, 'bob', 'Bobs-New-Pass1'));
  });

  test('no code outstanding, a disabled account and the hourly request limit each get their sentence', async () => {
    await makeUser(server.client, poolId, 'carol', 'carol@example.com');
    const s = new PageSession(server.url);
    await s.get(`/confirmForgotPassword${pageQuery(legacy, undefined)}`);
    const none = await s.post(`/confirmForgotPassword${pageQuery(legacy, undefined)}`, { username: 'carol', code: '123456', password: 'Carol-Pass-1', 'confirm-password': 'Carol-Pass-1' });
    assert.equal(fieldError(none.html, 'code'), 'This code has expired or has already been used. Request a new code.');
    assert.doesNotMatch(none.html, /Back to/);

    let last;
    for (let i = 0; i < 11; i++) last = await s.post(`/forgotPassword${pageQuery(legacy)}`, { username: 'carol' });
    assert.equal(last!.status, 429);
    assert.match(last!.html, /You have asked for too many codes\. Wait an hour, then try again\./);
  });
});

describe('the development mailbox', () => {
  test('lists messages newest first with the code highlighted, filters by recipient', async () => {
    await makeUser(server.client, poolId, 'dave', 'dave@example.com');
    const s = new PageSession(server.url);
    await s.get(`/forgotPassword${pageQuery(legacy)}`);
    await s.post(`/forgotPassword${pageQuery(legacy)}`, { username: 'dave' });
    await s.post(`/forgotPassword${pageQuery(legacy)}`, { username: 'dave' });
    const newest = await lastCode(server, 'dave@example.com');
    const res = await fetch(`${server.url}/_dev/mailbox?to=DAVE@`);
    assert.equal(res.status, 200);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.match(res.headers.get(name) ?? '', value, name);
    const html = await res.text();
    const items = [...html.matchAll(/<li class="message"/g)];
    assert.equal(items.length, 2, 'only dave’s messages');
    assert.match(html, /2 messages to “DAVE@”, newest first/);
    const first = /<span class="code" data-code>(\d+)<\/span>/.exec(html)?.[1];
    assert.equal(first, newest, 'the newest message comes first');
    assert.match(html, new RegExp(`<mark class="code">${newest}</mark>`));
    assert.match(html, new RegExp(`data-copy="${newest}" hidden>Copy code</button>`));
    const all = await (await fetch(`${server.url}/_dev/mailbox`)).text();
    assert.ok([...all.matchAll(/<li class="message"/g)].length > 2);
  });

  test('text messages are listed too, and the page names the masked phone number', async () => {
    const pool = await server.client.send(
      new CreateUserPoolCommand({
        PoolName: 'sms-pages',
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_phone_number', Priority: 1 }] },
        SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::123456789012:role/cognito-sms', ExternalId: 'pages' },
      }),
    );
    const smsPoolId = pool.UserPool!.Id!;
    const { clientId } = await makePageClient(server.client, smsPoolId);
    await server.client.send(
      new AdminCreateUserCommand({
        UserPoolId: smsPoolId,
        Username: 'hana',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'phone_number', Value: '+15555550177' }, { Name: 'phone_number_verified', Value: 'true' }],
      }),
    );
    await server.client.send(new AdminSetUserPasswordCommand({ UserPoolId: smsPoolId, Username: 'hana', Password: 'Original-Pass1', Permanent: true }));
    const s = new PageSession(server.url);
    await s.get(`/forgotPassword${pageQuery(clientId)}`);
    const sent = await s.post(`/forgotPassword${pageQuery(clientId)}`, { username: 'hana' });
    assert.equal(sent.status, 303);
    const next = await s.get(sent.headers.get('location')!);
    assert.match(next.html, /We sent a code by text message to <strong>\+\*+0177<\/strong>/);
    const html = await (await fetch(`${server.url}/_dev/mailbox?to=555550177`)).text();
    assert.match(html, /<span class="to">\+15555550177<\/span><span class="badge">SMS<\/span>/);
    assert.match(html, /<mark class="code">\d{6}<\/mark>/);
  });

  test('does not exist without --dev', async () => {
    const prod = await startTestServer();
    try {
      const res = await fetch(`${prod.url}/_dev/mailbox`);
      assert.equal(res.status, 404);
      // The reset pages themselves are there, without the mailbox link.
      const pool = await prod.client.send(new CreateUserPoolCommand({ PoolName: 'prod' }));
      const { clientId } = await makePageClient(prod.client, pool.UserPool!.Id!);
      const page = await new PageSession(prod.url).get(`/confirmForgotPassword${pageQuery(clientId)}`);
      assert.equal(page.status, 200);
      assert.doesNotMatch(page.html, /mailbox/);
    } finally {
      await prod.cleanup();
    }
  });
});
