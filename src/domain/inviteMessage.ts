// The welcome ("invite") message AdminCreateUser sends with a temporary password. Pure.

export interface InviteTemplate {
  emailSubject?: string | undefined;
  emailMessage?: string | undefined;
  smsMessage?: string | undefined;
}

/** Cognito's defaults when the pool has no AdminCreateUserConfig.InviteMessageTemplate. */
export const DEFAULT_INVITE_SUBJECT = 'Your temporary password';
export const DEFAULT_INVITE_MESSAGE = 'Your username is {username} and temporary password is {####}.';

export interface RenderedInvite {
  subject: string | null;
  body: string;
}

/**
 * Fills {username} and {####} in one pass with a replacer function, so the substitution is
 * literal: a password may contain `$&` (a pattern to String.replace with a string), and a
 * username may contain `{####}` (which a second pass would fill with the password).
 */
export function renderInvite(template: InviteTemplate, channel: 'EMAIL' | 'SMS', username: string, temporaryPassword: string): RenderedInvite {
  const source = channel === 'EMAIL' ? template.emailMessage : template.smsMessage;
  const body = (source || DEFAULT_INVITE_MESSAGE).replace(/\{username\}|\{####\}/g, (placeholder) =>
    placeholder === '{username}' ? username : temporaryPassword,
  );
  return { subject: channel === 'EMAIL' ? template.emailSubject || DEFAULT_INVITE_SUBJECT : null, body };
}
