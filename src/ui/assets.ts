// The hosted pages' stylesheet and their two small scripts, served as files from this
// origin so the content security policy needs no 'unsafe-inline'. Both scripts only improve
// a page that already works without them.
import type { FastifyInstance } from 'fastify';
import { COGNITO_SYMBOLS } from '../domain/passwordPolicy.js';

export const STATIC_PATHS = {
  css: '/ui/static/pages.css',
  resetJs: '/ui/static/reset.js',
  mailboxJs: '/ui/static/mailbox.js',
} as const;

const CSS = `:root{--accent:#2456c7;--accent-text:#fff;--error:#b3261e;--ok:#1b7a3a;--muted:#5b6270;--line:#d5d9e0;--bg:#f3f5f8;--card:#fff;--text:#1c2230}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.card{max-width:28rem;margin:3rem auto;background:var(--card);border:1px solid var(--line);border-top:4px solid var(--accent);border-radius:8px;padding:2rem}
.card.wide{max-width:64rem}
@media (max-width:32rem){.card{margin:0;border-radius:0;border-left:0;border-right:0;padding:1.25rem;min-height:100vh}}
.brand{margin-bottom:1rem}.logo{display:block;max-height:48px;max-width:12rem}.brand-name{font-weight:600;color:var(--accent)}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}
p{margin:0 0 1rem}.lead{color:var(--muted)}
.field{margin:0 0 1.25rem}
label{display:block;font-weight:600;margin-bottom:.25rem}
.hint{display:block;color:var(--muted);font-size:.9rem;margin-bottom:.35rem}
input[type=text],input[type=password],input[type=email],input[type=search]{width:100%;font:inherit;padding:.6rem .7rem;border:1px solid #8a93a3;border-radius:6px;background:#fff;color:inherit}
input:focus,button:focus,a:focus{outline:3px solid var(--accent);outline-offset:2px}
input[aria-invalid=true]{border:2px solid var(--error)}
.field-error{display:block;color:var(--error);font-weight:600;margin:.35rem 0 0}
.field-error::before{content:"\\26A0\\FE0E  "}
button,.button{display:inline-block;font:inherit;font-weight:600;padding:.65rem 1.2rem;border:0;border-radius:6px;background:var(--accent);color:var(--accent-text);cursor:pointer;text-decoration:none}
button.secondary{background:transparent;color:var(--accent);border:1px solid var(--accent);padding:.3rem .7rem;font-size:.9rem}
.actions{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin-top:1.5rem}
a{color:var(--accent)}
.error-summary{border:2px solid var(--error);border-radius:6px;padding:.75rem 1rem;margin:0 0 1.25rem}
.error-summary h2{font-size:1rem;margin:0 0 .25rem;color:var(--error)}.error-summary ul{margin:0;padding-left:1.2rem}
.notice{background:#eef3fd;border-left:4px solid var(--accent);padding:.6rem .9rem;margin:0 0 1.25rem}
.success{border-left-color:var(--ok);background:#ecf7ef}
.rules{list-style:none;margin:.35rem 0 0;padding:0;font-size:.92rem}
.rules li{padding-left:1.5rem;position:relative;color:var(--muted)}
.rules li::before{content:"\\25CB";position:absolute;left:.2rem}
.rules li.met{color:var(--ok)}.rules li.met::before{content:"\\2713"}
.rules li.unmet{color:var(--error)}.rules li.unmet::before{content:"\\2717"}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
.dev{font-size:.9rem;color:var(--muted);border-top:1px solid var(--line);margin-top:1.5rem;padding-top:1rem}
.filter{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;margin-bottom:1.5rem}.filter .field{flex:1 1 16rem;margin:0}
.messages{list-style:none;margin:0;padding:0}
.message{border:1px solid var(--line);border-radius:6px;padding:1rem;margin-bottom:1rem}
.message header{display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.9rem;color:var(--muted);margin-bottom:.5rem}
.message .to{font-weight:600;color:var(--text)}
.message pre{white-space:pre-wrap;word-break:break-word;font:inherit;margin:0 0 .5rem}
.code{display:inline-block;font:700 1.15rem/1.3 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;letter-spacing:.08em;background:#fff3bf;color:#1c2230;padding:.05rem .35rem;border-radius:4px;user-select:all}
.codeline{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center}
.badge{font-size:.8rem;border:1px solid var(--line);border-radius:999px;padding:0 .5rem}
`;

const RESET_JS = `'use strict';
(function () {
  var input = document.getElementById('password');
  var list = document.getElementById('password-rules');
  if (!input || !list) return;
  var symbols = ${JSON.stringify([...COGNITO_SYMBOLS].join(''))};
  var tests = {
    length: function (p, li) { return Array.from(p).length >= Number(li.getAttribute('data-min')); },
    uppercase: function (p) { return /[A-Z]/.test(p); },
    lowercase: function (p) { return /[a-z]/.test(p); },
    numbers: function (p) { return /[0-9]/.test(p); },
    symbols: function (p) { return Array.from(p).some(function (c) { return symbols.indexOf(c) >= 0; }); }
  };
  var status = document.getElementById('password-rules-status');
  function update() {
    var p = input.value;
    var items = list.querySelectorAll('li[data-rule]');
    var met = 0;
    items.forEach(function (li) {
      var ok = p.length > 0 && tests[li.getAttribute('data-rule')](p, li);
      li.classList.toggle('met', ok);
      li.classList.toggle('unmet', p.length > 0 && !ok);
      var state = li.querySelector('.state');
      if (state) state.textContent = p.length === 0 ? '' : ok ? ' (met)' : ' (not met)';
      if (ok) met++;
    });
    if (status) status.textContent = p.length === 0 ? '' : met + ' of ' + items.length + ' password requirements met';
  }
  input.addEventListener('input', update);
})();
`;

const MAILBOX_JS = `'use strict';
(function () {
  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var text = button.getAttribute('data-copy');
      var done = function () {
        button.textContent = 'Copied';
        var live = document.getElementById('copy-status');
        if (live) live.textContent = 'Code ' + text + ' copied to the clipboard';
        setTimeout(function () { button.textContent = 'Copy code'; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, function () {});
    });
  });
})();
`;

export function assetRoutes(app: FastifyInstance): void {
  const serve = (path: string, type: string, body: string): void => {
    app.get(path, async (_req, reply) => {
      reply.removeHeader('access-control-allow-origin');
      reply.removeHeader('access-control-expose-headers');
      return reply
        .header('content-type', type)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'public, max-age=300')
        .header('cross-origin-resource-policy', 'same-origin')
        .send(body);
    });
  };
  serve(STATIC_PATHS.css, 'text/css; charset=utf-8', CSS);
  serve(STATIC_PATHS.resetJs, 'text/javascript; charset=utf-8', RESET_JS);
  serve(STATIC_PATHS.mailboxJs, 'text/javascript; charset=utf-8', MAILBOX_JS);
}
