// Who an email is from, per the pool's EmailConfiguration. Pure.
//
// Cognito sends from its own no-reply@verificationemail.com unless the pool names a sender:
// - `From` ("Name <address>" or an address) is the From header as given;
// - `SourceArn` names an Amazon SES identity, `arn:aws:ses:<region>:<account>:identity/<id>`.
//   An email identity (`identity/no-reply@example.com`) is that address; a domain identity
//   (`identity/example.com`) allows any address of the domain, and without a `From` we send as
//   `no-reply@<domain>`. When both are set, From must be an address of the identity, as SES
//   requires; otherwise the pool's sender is refused (InvalidEmailRoleAccessPolicyException).
// - `ReplyToEmailAddress` becomes Reply-To.
// EmailSendingAccount (COGNITO_DEFAULT or DEVELOPER) changes nothing here: both go through
// the server's SMTP settings. The server-wide default replaces Cognito's address when set
// (--email-from), since a real relay will rarely accept mail from verificationemail.com.

export type EmailSender = { kind: 'ok'; from: string; replyTo: string | undefined } | { kind: 'refused'; reason: string };

const SES_IDENTITY = /^arn:aws[\w-]*:ses:[a-z0-9-]+:\d{12}:identity\/(.+)$/;

/** The bare address of `Name <address>` or of an address. */
export function addressOf(from: string): string {
  return (/<([^<>]+)>\s*$/.exec(from)?.[1] ?? from).trim();
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** The pool's EmailConfiguration fields that name the sender. */
export interface SenderSettings {
  from?: string | undefined;
  sourceArn?: string | undefined;
  replyTo?: string | undefined;
}

export function emailSender(config: SenderSettings, defaultFrom: string): EmailSender {
  const replyTo = config.replyTo || undefined;
  const from = config.from || undefined;
  // Header injection: the From text goes into a header as written.
  if (from && /[\r\n]/.test(from)) return { kind: 'refused', reason: 'from_invalid' };
  if (replyTo && /[\r\n]/.test(replyTo)) return { kind: 'refused', reason: 'reply_to_invalid' };
  if (!config.sourceArn) return { kind: 'ok', from: from ?? defaultFrom, replyTo };

  const identity = SES_IDENTITY.exec(config.sourceArn)?.[1];
  if (!identity) return { kind: 'refused', reason: 'source_arn_not_ses_identity' };
  const isAddress = identity.includes('@');
  if (!from) return { kind: 'ok', from: isAddress ? identity : `no-reply@${identity}`, replyTo };
  const address = addressOf(from);
  const allowed = isAddress ? address.toLowerCase() === identity.toLowerCase() : domainOf(address) === identity.toLowerCase();
  return allowed ? { kind: 'ok', from, replyTo } : { kind: 'refused', reason: 'from_not_in_source_identity' };
}
