// GET /_dev/mailbox: the messages the server sent (email and SMS), newest first, for a
// developer at a browser. It reads the same message log as /_aws/ses and /_aws/sns and, like
// them, exists only with --dev. The code in each message is highlighted and has a copy button
// (the button needs the small script; without it the code is still one click to select).
// ?to= filters by recipient (part of the address or number, any case), as a plain GET form.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../operations/context.js';
import type { MessageRecord } from '../store/records.js';
import { esc, queryParam, renderShell, sendHtml } from './html.js';
import { STATIC_PATHS } from './assets.js';

export const MAILBOX_PATH = '/_dev/mailbox';
/** The page shows this many of the newest matching messages. */
const SHOWN = 200;

/** The one-time code or temporary password in a message: the first run of 6 to 10 digits. */
export function codeIn(text: string): string | undefined {
  return /(?<![\d])\d{6,10}(?![\d])/.exec(text)?.[0];
}

function highlighted(text: string, code: string | undefined): string {
  if (!code) return esc(text);
  return text.split(code).map(esc).join(`<mark class="code">${esc(code)}</mark>`);
}

function messageItem(m: MessageRecord): string {
  const code = codeIn(m.body);
  const when = new Date(m.createdAt).toISOString();
  const channel = m.channel === 'EMAIL' ? 'Email' : 'SMS';
  const copy = code
    ? `<div class="codeline"><span>Code: <span class="code" data-code>${esc(code)}</span></span><button type="button" class="secondary" data-copy="${esc(code)}" hidden>Copy code</button></div>`
    : '';
  return `<li class="message" data-message-id="${esc(m.id)}">
<header><span class="to">${esc(m.destination)}</span><span class="badge">${channel}</span><span class="badge">${esc(m.purpose)}</span><time datetime="${when}">${when.replace('T', ' ').slice(0, 19)} UTC</time></header>
${m.subject !== null ? `<h2 class="sr-only">${esc(m.subject)}</h2><p><strong>${esc(m.subject)}</strong></p>` : `<h2 class="sr-only">${channel} to ${esc(m.destination)}</h2>`}
<pre>${highlighted(m.body, code)}</pre>
${copy}
</li>`;
}

export function mailboxRoutes(app: FastifyInstance, services: Services): void {
  if (!services.config.dev) return;
  app.get(MAILBOX_PATH, async (req, reply) => {
    const to = (queryParam(req, 'to') ?? '').trim().slice(0, 256);
    const all = await services.store.messages.listMessages();
    const wanted = to ? all.filter((m) => m.destination.toLowerCase().includes(to.toLowerCase())) : all;
    // The log is oldest first; the page shows the newest first.
    const shown = wanted.slice(-SHOWN).reverse();
    const filter = `<form class="filter" method="get" action="${MAILBOX_PATH}" role="search">
<div class="field"><label for="to">Recipient</label><input id="to" name="to" type="search" value="${esc(to)}" autocomplete="off" spellcheck="false"></div>
<button type="submit">Filter</button>${to ? ` <a href="${MAILBOX_PATH}">Show all</a>` : ''}
</form>`;
    const summary = `<p class="lead" id="mailbox-count">${shown.length === 0 ? (to ? `No messages to “${esc(to)}”.` : 'No messages yet.') : `${wanted.length} message${wanted.length === 1 ? '' : 's'}${to ? ` to “${esc(to)}”` : ''}, newest first${wanted.length > SHOWN ? ` (the newest ${SHOWN} shown)` : ''}.`}</p>`;
    const body = `<p class="notice">Development mode: every email and SMS the server sent, as recorded. Not available without <code>--dev</code>.</p>
${filter}
${summary}
<ul class="messages" aria-labelledby="page-title">${shown.map(messageItem).join('\n')}</ul>
<span class="sr-only" id="copy-status" aria-live="polite"></span>`;
    return sendHtml(reply, 200, renderShell({ title: 'Development mailbox', body, wide: true, scripts: [STATIC_PATHS.mailboxJs] }));
  });
}
