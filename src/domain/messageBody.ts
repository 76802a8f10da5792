// What a message body is made of once rendered: HTML or plain text, its plain-text
// alternative, and the copy with its secrets taken out that is kept after delivery. Pure.

/** The placeholder that stands for a secret in a stored copy: the template's own code placeholder. */
export const SECRET_PLACEHOLDER = '{####}';

/**
 * True when a body is HTML (Cognito sends EmailMessage templates holding tags as HTML mail).
 * A lone `<` or `a < b` is text; a known element tag is HTML.
 */
export function looksLikeHtml(body: string): boolean {
  return /<\/?(a|p|br|hr|div|span|html|head|body|table|thead|tbody|tr|td|th|b|i|u|em|strong|small|h[1-6]|ul|ol|li|img|center|font|pre|code|blockquote)\b[^<>]*>/i.test(body);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const cp = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/**
 * The plain-text alternative of an HTML body: block ends become line breaks, a link keeps
 * its target after its text (`Verify Email (https://...)`), other tags go, entities decode.
 * Not a renderer: enough for a mail client that shows text only, or a screen reader.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<a\b[^>]*?\bhref\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>([\s\S]*?)<\/a\s*>/gi, (_m, _q, d, s, b, inner: string) => {
      const href = decodeEntities((d ?? s ?? b ?? '') as string);
      const label = decodeEntities(inner.replace(/<[^>]*>/g, '')).trim();
      return !label || label === href ? href : `${label} (${href})`;
    })
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|tr|table|blockquote|pre)\s*>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '- ')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text)
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * The text with every occurrence of every secret replaced by the placeholder. Longest secret
 * first, so a secret that contains another is taken out whole. Empty secrets are ignored.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(SECRET_PLACEHOLDER);
  }
  return out;
}
