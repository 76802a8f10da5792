// The hosted reset pages in a real Chromium: a person asks for a code, reads it in the
// development mailbox page, is refused a weak password, sets a good one and signs in with it
// through the SDK; the same with JavaScript off; a forged cross-site post; an unregistered
// redirect_uri; the security headers. One browser for the whole file.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { CreateUserPoolCommand, InitiateAuthCommand, NotAuthorizedException } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { emailCount, makeUser } from '../reset/helpers.js';
import { CALLBACK, makePageClient, pageQuery, SECURITY_HEADERS } from './helpers.js';
import { launchChromium, NO_CHROMIUM } from './browser.js';

let browser: Browser | undefined;
let launchError: unknown;
let server: TestServer;
let poolId: string;
let clientId: string;

before(async () => {
  try {
    browser = await launchChromium();
  } catch (err) {
    // Reported by every test below, so a missing browser under CI is a failure, not a skip.
    launchError = err;
  }
  server = await startTestServer({ dev: true });
  const pool = await server.client.send(new CreateUserPoolCommand({ PoolName: 'browser', AutoVerifiedAttributes: ['email'] }));
  poolId = pool.UserPool!.Id!;
  clientId = (await makePageClient(server.client, poolId)).clientId;
});
after(async () => {
  await browser?.close();
  await server?.cleanup();
});

function theBrowser(t: TestContext): Browser | undefined {
  if (launchError) throw launchError;
  if (!browser) t.skip(NO_CHROMIUM);
  return browser;
}

/** Collects the console's content-security-policy complaints: the pages must cause none. */
function watchCsp(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

function assertSecurityHeaders(res: Response | null, what: string): void {
  assert.ok(res, what);
  const headers = res.headers();
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.match(headers[name] ?? '', value, `${what}: ${name}`);
}

/** Clicks a submit button and waits for the page its post answers. */
async function submit(page: Page, button: string): Promise<Response> {
  const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: button }).click()]);
  await page.waitForLoadState('domcontentloaded');
  return res;
}

async function readCodeInMailbox(context: BrowserContext, email: string, js: boolean): Promise<string> {
  const mailbox = await context.newPage();
  const csp = watchCsp(mailbox);
  assertSecurityHeaders(await mailbox.goto(`${server.url}/_dev/mailbox`), 'mailbox');
  await mailbox.getByLabel('Recipient').fill(email);
  await Promise.all([mailbox.waitForURL(/\/_dev\/mailbox\?to=/), mailbox.getByRole('button', { name: 'Filter' }).click()]);
  const newest = mailbox.locator('li.message').first();
  assert.match((await newest.locator('.to').textContent()) ?? '', new RegExp(email.replace('.', '\\.')));
  const code = ((await newest.locator('[data-code]').textContent()) ?? '').trim();
  assert.match(code, /^\d{6}$/);
  assert.equal(await newest.locator('mark.code').first().textContent(), code, 'the code is highlighted in the message');
  // Located by its data, not its name: the name changes once clicked.
  const copy = newest.locator('button[data-copy]');
  if (js) {
    assert.equal(await copy.textContent(), 'Copy code');
    await copy.click();
    await mailbox.waitForFunction(() => /copied to the clipboard/.test(document.getElementById('copy-status')?.textContent ?? ''));
    assert.equal(await mailbox.evaluate(() => navigator.clipboard.readText()), code, 'the copy button copies the code');
    assert.equal(await copy.textContent(), 'Copied');
  } else {
    assert.equal(await copy.isVisible(), false, 'without JavaScript there is no dead button');
  }
  assert.deepEqual(csp, []);
  await mailbox.close();
  return code;
}

async function journey(t: TestContext, js: boolean): Promise<void> {
  const b = theBrowser(t);
  if (!b) return;
  const username = js ? 'erin' : 'frank';
  const email = `${username}@example.com`;
  const good = js ? 'Erin-New-Pass1!' : 'Frank-New-Pass1!';
  await makeUser(server.client, poolId, username, email);
  const context = await b.newContext({ javaScriptEnabled: js, viewport: { width: 1280, height: 900 } });
  try {
    if (js) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const page = await context.newPage();
    const csp = watchCsp(page);
    assertSecurityHeaders(await page.goto(`${server.url}/forgotPassword${pageQuery(clientId)}`), 'forgot page');
    assert.equal(await page.title(), 'Forgot your password?');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'username', 'the field to fill has the focus');
    await page.getByLabel('Username or email address').fill(username);
    await Promise.all([page.waitForURL(/\/confirmForgotPassword\?/), page.getByRole('button', { name: 'Send code' }).click()]);
    assert.equal(page.url(), `${server.url}/confirmForgotPassword${pageQuery(clientId)}`, 'nothing secret in the URL');
    assert.match((await page.getByRole('status').textContent()) ?? '', /We sent a code by email to \w\*\*\*@e\*\*\*/);
    assert.equal(await page.getByLabel('Username or email address').inputValue(), username);

    const code = await readCodeInMailbox(context, email, js);

    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByLabel('New password', { exact: true }).fill('weakpass');
    if (js) {
      // The live checklist marks the rules while typing.
      assert.equal(await page.locator('li[data-rule="length"]').getAttribute('class'), 'met');
      assert.equal(await page.locator('li[data-rule="uppercase"]').getAttribute('class'), 'unmet');
      assert.equal(await page.locator('#password-rules-status').textContent(), '2 of 5 password requirements met');
    }
    await page.getByLabel('Confirm new password').fill('weakpass');
    const weak = await submit(page, 'Change password');
    assert.equal(weak.status(), 400);
    assert.equal(await page.locator('#password-error').textContent(), 'Your new password must contain an uppercase letter (A–Z).');
    assert.match((await page.getByRole('alert').textContent()) ?? '', /There is a problem.*uppercase letter/s);
    assert.equal(await page.getByLabel('New password', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'password', 'the field in error has the focus');
    // The server marks the checklist too, so it works without JavaScript.
    assert.equal(await page.locator('li[data-rule="uppercase"]').getAttribute('class'), 'unmet');
    assert.equal(await page.locator('li[data-rule="lowercase"]').getAttribute('class'), 'met');
    assert.equal(await page.getByLabel('Code', { exact: true }).inputValue(), code, 'the code is kept');

    await page.getByLabel('New password', { exact: true }).fill(good);
    await page.getByLabel('Confirm new password').fill(good);
    const done = await submit(page, 'Change password');
    assert.equal(done.status(), 200);
    assertSecurityHeaders(done, 'success page');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Your password has been reset');
    assert.equal(await page.getByRole('link', { name: 'Back to Example App' }).getAttribute('href'), CALLBACK);
    assert.deepEqual(csp, [], 'no content security policy violation');

    const signIn = await server.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: good } }));
    assert.ok(signIn.AuthenticationResult?.AccessToken, 'signed in with the new password');
    await assert.rejects(
      server.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: 'Original-Pass1' } })),
      NotAuthorizedException,
    );
  } finally {
    await context.close();
  }
}

describe('the reset journey in Chromium', () => {
  test('with JavaScript: forgot page, mailbox, weak password refused, new password, SDK sign-in', async (t) => {
    await journey(t, true);
  });

  test('with JavaScript disabled: the same journey', async (t) => {
    await journey(t, false);
  });
});

describe('refusals in Chromium', () => {
  test('a cross-site form post without the token is refused and sends nothing', async (t) => {
    const b = theBrowser(t);
    if (!b) return;
    await makeUser(server.client, poolId, 'grace', 'grace@example.com');
    const target = `${server.url}/forgotPassword${pageQuery(clientId)}`.replace(/&/g, '&amp;');
    // Another site (localhost is another site than 127.0.0.1) with a form aimed at the page.
    const evil: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><title>evil</title><form method="post" action="${target}"><input name="username" value="grace"><button>Win a prize</button></form>`);
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    const context = await b.newContext();
    try {
      const page = await context.newPage();
      // The victim has used the real page before: a CSRF cookie exists in this browser.
      await page.goto(`${server.url}/forgotPassword${pageQuery(clientId)}`);
      await page.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
      const res = await submit(page, 'Win a prize');
      assert.equal(res.status(), 403);
      assert.match((await page.getByRole('alert').textContent()) ?? '', /This form has expired or was not sent from this page/);
      assert.equal(await emailCount(server, 'grace@example.com'), 0);
    } finally {
      await context.close();
      await new Promise((r) => evil.close(r));
    }
  });

  test('a redirect_uri the client has not registered is refused, and no link leads to it', async (t) => {
    const b = theBrowser(t);
    if (!b) return;
    const context = await b.newContext();
    try {
      const page = await context.newPage();
      const url = `${server.url}/forgotPassword${pageQuery(clientId, 'https://evil.example/steal')}`;
      const res = await page.goto(url);
      assert.equal(res?.status(), 400);
      assertSecurityHeaders(res, 'refusal page');
      assert.equal(page.url(), url, 'no redirect');
      assert.match((await page.getByRole('alert').textContent()) ?? '', /not registered for this app/);
      assert.equal(await page.locator('form').count(), 0);
      assert.equal(await page.locator('a[href*="evil"]').count(), 0);
    } finally {
      await context.close();
    }
  });

  test('the pages cannot be framed', async (t) => {
    const b = theBrowser(t);
    if (!b) return;
    const framer: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><iframe src="${server.url}/forgotPassword${pageQuery(clientId).replace(/&/g, '&amp;')}"></iframe>`);
    });
    await new Promise<void>((r) => framer.listen(0, '127.0.0.1', r));
    const context = await b.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`http://localhost:${(framer.address() as AddressInfo).port}/`);
      await page.waitForTimeout(500);
      const frame = page.frames().find((f) => f !== page.mainFrame());
      const framed = frame ? await frame.locator('form').count().catch(() => 0) : 0;
      assert.equal(framed, 0, 'the form is not rendered inside another site');
    } finally {
      await context.close();
      await new Promise((r) => framer.close(r));
    }
  });
});
