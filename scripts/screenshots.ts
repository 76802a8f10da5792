// npm run screenshots: regenerates docs/screenshots/*.png, the pictures of the hosted pages
// the README shows. It starts a throwaway development server (temp data directory, a branded
// pool), walks the reset journey in the system's Chromium at a desktop and a phone width, and
// captures each page: forgot, reset with an error, success, and the development mailbox.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { defaultConfig } from '../src/config/config.js';
import { startApp } from '../src/app.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'screenshots');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const WIDTHS = [
  { name: 'desktop', viewport: { width: 1280, height: 800 }, isMobile: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true },
] as const;
const CALLBACK = 'https://app.example.com/signed-in';
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40" viewBox="0 0 160 40"><rect width="40" height="40" rx="8" fill="#0f766e"/><path d="M11 20l6 6 12-12" stroke="#fff" stroke-width="4" fill="none" stroke-linecap="round" stroke-linejoin="round"/><text x="50" y="27" font-family="Helvetica, Arial, sans-serif" font-size="20" font-weight="700" fill="#0f3d3a">Example</text></svg>`;

async function main(): Promise<void> {
  if (!CHROMIUM) throw new Error("no Chromium at /usr/bin/chromium: install Debian's package (apt-get install chromium)");
  const dataDir = mkdtempSync(join(tmpdir(), 'userpool-screenshots-'));
  writeFileSync(join(dataDir, 'logo.svg'), LOGO);
  const config = {
    ...defaultConfig(),
    port: 0,
    dataDir,
    dev: true,
    logLevel: 'silent',
    uiBranding: new Map([['*', { color: '#0f766e', logo: join(dataDir, 'logo.svg'), name: 'Example' }]]),
  };
  const app = await startApp(config);
  const sdk = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIASCREENSHOTS0001', secretAccessKey: 'screenshots-secret-000000' } });
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const pool = await sdk.send(new CreateUserPoolCommand({ PoolName: 'example', AutoVerifiedAttributes: ['email'] }));
    const poolId = pool.UserPool!.Id!;
    const client = await sdk.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'Example', CallbackURLs: [CALLBACK] }));
    const query = `?client_id=${client.UserPoolClient!.ClientId!}&redirect_uri=${encodeURIComponent(CALLBACK)}`;
    mkdirSync(OUT, { recursive: true });

    for (const w of WIDTHS) {
      const username = `jane.${w.name}`;
      const email = `${username}@example.com`;
      await sdk.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }] }));
      await sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: 'Original-Pass1', Permanent: true }));
      const context = await browser.newContext({ viewport: w.viewport, isMobile: w.isMobile, hasTouch: w.isMobile, deviceScaleFactor: 1 });
      const page = await context.newPage();
      const shoot = async (p: Page, name: string): Promise<void> => {
        await p.screenshot({ path: join(OUT, `${name}-${w.name}.png`), fullPage: true });
      };

      await page.goto(`${app.url}/forgotPassword${query}`);
      await page.getByLabel('Username or email address').fill(username);
      await shoot(page, 'forgot-password');
      await Promise.all([page.waitForURL(/confirmForgotPassword/), page.getByRole('button', { name: 'Send code' }).click()]);

      const mailbox = await context.newPage();
      await mailbox.goto(`${app.url}/_dev/mailbox`);
      const code = ((await mailbox.locator('li.message').first().locator('[data-code]').textContent()) ?? '').trim();
      await shoot(mailbox, 'mailbox');
      await mailbox.close();

      await page.getByLabel('Code', { exact: true }).fill(code);
      await page.getByLabel('New password', { exact: true }).fill('sunshine');
      await page.getByLabel('Confirm new password').fill('sunshine');
      await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Change password' }).click()]);
      await page.waitForLoadState('domcontentloaded');
      await shoot(page, 'reset-password-error');

      await page.getByLabel('New password', { exact: true }).fill('Sunshine-2026!');
      await page.getByLabel('Confirm new password').fill('Sunshine-2026!');
      await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Change password' }).click()]);
      await page.getByRole('heading', { name: 'Your password has been reset' }).waitFor();
      await shoot(page, 'reset-password-done');
      await context.close();
    }
    process.stdout.write(`screenshots written to ${OUT}\n`);
  } finally {
    await browser.close();
    sdk.destroy();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
