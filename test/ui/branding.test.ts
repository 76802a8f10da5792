// --ui-branding: what it accepts, and how a pool's colour and logo reach its pages without
// loosening the content security policy.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { parseUiBranding } from '../../src/ui/branding.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makePageClient, PageSession, pageQuery } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'userpool-branding-'));
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';
writeFileSync(join(dir, 'logo.svg'), SVG);
writeFileSync(join(dir, 'logo.txt'), 'not an image');
after(() => rmSync(dir, { recursive: true, force: true }));

const fail = (m: string): Error => new Error(m);

describe('parsing --ui-branding', () => {
  test('accepts inline JSON and a file whose logo path is relative to it', () => {
    const inline = parseUiBranding('{"*":{"color":"#0b5cad","name":"Example"}}', '--ui-branding', fail);
    assert.deepEqual(inline.get('*'), { color: '#0b5cad', name: 'Example' });
    writeFileSync(join(dir, 'branding.json'), JSON.stringify({ 'us-east-1_abc123': { logo: './logo.svg', color: '#fff' } }));
    const fromFile = parseUiBranding(join(dir, 'branding.json'), '--ui-branding', fail, '/');
    assert.deepEqual(fromFile.get('us-east-1_abc123'), { logo: join(dir, 'logo.svg'), color: '#fff' });
  });

  test('refuses what it cannot use, naming the option', () => {
    const cases: Array<[string, RegExp]> = [
      ['{not json', /^--ui-branding must be a JSON object/],
      ['{"*":[]}', /^--ui-branding: \*: must be an object$/],
      ['{"*":{"color":"red"}}', /^--ui-branding: \*: color must be #rgb or #rrggbb$/],
      ['{"*":{"color":"#0b5cad;}body{x:y"}}', /color must be #rgb or #rrggbb/],
      ['{"*":{"colour":"#000"}}', /unknown setting colour/],
      ['{"../x":{}}', /is not a pool id or "\*"/],
      [`{"*":{"logo":"${join(dir, 'missing.png')}"}}`, /no file at/],
      [`{"*":{"logo":"${join(dir, 'logo.txt')}"}}`, /logo must be a \.png, \.jpg, \.gif, \.webp or \.svg file/],
      ['{"*":{"name":""}}', /name must be 1 to 64 characters/],
      ['no-such-file.json', /^--ui-branding: cannot read no-such-file\.json$/],
    ];
    for (const [raw, says] of cases) {
      assert.throws(() => parseUiBranding(raw, '--ui-branding', fail, dir), (err: Error) => says.test(err.message), raw);
    }
  });
});

describe('a branded pool', () => {
  let server: TestServer;
  let branded: string;
  let plain: string;

  before(async () => {
    server = await startTestServer({ dev: true });
    const a = await server.client.send(new CreateUserPoolCommand({ PoolName: 'branded' }));
    const b = await server.client.send(new CreateUserPoolCommand({ PoolName: 'plain' }));
    const poolId = a.UserPool!.Id!;
    branded = (await makePageClient(server.client, poolId)).clientId;
    plain = (await makePageClient(server.client, b.UserPool!.Id!)).clientId;
    // The branding names a pool id, known only once the pool exists: restart on the same data.
    await server.stop();
    server = await startTestServer({ dataDir: server.dataDir, dev: true, uiBranding: new Map([[poolId, { color: '#ffcc00', logo: join(dir, 'logo.svg'), name: 'Acme' }]]) });
  });
  after(async () => {
    await server.cleanup();
  });

  test('its pages link its theme and logo, served from this origin', async () => {
    const page = await new PageSession(server.url).get(`/forgotPassword${pageQuery(branded)}`);
    const theme = /<link rel="stylesheet" href="(\/ui\/theme\/[^"]+\.css)">/.exec(page.html)?.[1];
    const logo = /<img class="logo" src="(\/ui\/logo\/[^"]+)" alt="Acme">/.exec(page.html)?.[1];
    assert.ok(theme && logo, 'theme and logo are linked');
    assert.match(page.headers.get('content-security-policy')!, /img-src 'self'/);

    const css = await fetch(server.url + theme);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type')!, /^text\/css/);
    // A light accent gets dark text, for contrast.
    assert.equal(await css.text(), ':root{--accent:#ffcc00;--accent-text:#1c2230}\n');

    const img = await fetch(server.url + logo);
    assert.equal(img.status, 200);
    assert.equal(img.headers.get('content-type'), 'image/svg+xml');
    assert.match(img.headers.get('content-security-policy')!, /default-src 'none'.*sandbox/);
    assert.equal(await img.text(), SVG);
  });

  test('a pool without branding has the neutral look, and unknown themes are not found', async () => {
    const page = await new PageSession(server.url).get(`/forgotPassword${pageQuery(plain)}`);
    assert.doesNotMatch(page.html, /\/ui\/theme\/|class="logo"/);
    assert.equal((await fetch(`${server.url}/ui/theme/us-east-1_nothing.css`)).status, 404);
    assert.equal((await fetch(`${server.url}/ui/logo/us-east-1_nothing`)).status, 404);
  });
});
