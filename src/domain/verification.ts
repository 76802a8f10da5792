// Verifying a contact attribute with a code: which attribute a sign-up code goes to, and the
// message that carries a verification code (sign-up, resend and password-reset codes share
// the pool's verification template). Pure.
import type { Channel } from './recovery.js';

export interface VerificationTemplate {
  emailSubject?: string | undefined;
  emailMessage?: string | undefined;
  smsMessage?: string | undefined;
  /** CONFIRM_WITH_LINK: a sign-up email carries a confirmation link instead of the code. */
  defaultEmailOption?: 'CONFIRM_WITH_CODE' | 'CONFIRM_WITH_LINK' | undefined;
  emailSubjectByLink?: string | undefined;
  /** Holds `{##link text##}`, which becomes the link. */
  emailMessageByLink?: string | undefined;
}

/** Cognito's defaults when the pool sets no verification message or subject. */
export const DEFAULT_VERIFICATION_SUBJECT = 'Your verification code';
export const DEFAULT_VERIFICATION_MESSAGE = 'Your verification code is {####}. ';
/** Cognito's defaults for CONFIRM_WITH_LINK. */
export const DEFAULT_LINK_SUBJECT = 'Your verification link';
export const DEFAULT_LINK_MESSAGE = 'Please click the link below to verify your email address. {##Verify Email##} ';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface RenderedVerification {
  subject: string | null;
  body: string;
}

/**
 * Fills {####} with the code and {username} with the username in one pass with a replacer
 * function, so the substitution is literal: a username holding `{####}` or `$&` stays as
 * written and can never pull the code into a second place.
 */
export function renderVerification(
  template: VerificationTemplate,
  medium: Channel['medium'],
  code: string,
  username: string,
  /** The confirmation link of a sign-up code; used when the pool says CONFIRM_WITH_LINK. */
  link?: string,
): RenderedVerification {
  if (medium === 'EMAIL' && link && template.defaultEmailOption === 'CONFIRM_WITH_LINK') return renderLink(template, link);
  const source = (medium === 'EMAIL' ? template.emailMessage : template.smsMessage) ?? DEFAULT_VERIFICATION_MESSAGE;
  const body = source.replace(/\{####\}|\{username\}/g, (placeholder) => (placeholder === '{####}' ? code : username));
  return { subject: medium === 'EMAIL' ? (template.emailSubject ?? DEFAULT_VERIFICATION_SUBJECT) : null, body };
}

/**
 * The CONFIRM_WITH_LINK email: each `{##text##}` becomes an HTML link labelled `text`
 * (HTML-escaped, as is the URL), which makes the email HTML (sent with a text alternative).
 */
function renderLink(template: VerificationTemplate, link: string): RenderedVerification {
  const source = template.emailMessageByLink || DEFAULT_LINK_MESSAGE;
  const body = source.replace(/\{##([\s\S]+?)##\}/g, (_whole, text: string) => `<a href="${escapeHtml(link)}">${escapeHtml(text)}</a>`);
  return { subject: template.emailSubjectByLink || DEFAULT_LINK_SUBJECT, body };
}

/**
 * Where a sign-up confirmation code goes, from the pool's AutoVerifiedAttributes and the
 * user's attributes. With both email and phone_number auto-verified, Cognito sends the code
 * by SMS only (the email stays unverified until verified separately); a user who gave only
 * one of them gets the code there. No auto-verified attribute with a value: no code.
 */
export function signUpChannel(autoVerified: readonly string[], attributes: Readonly<Record<string, string>>): Channel | undefined {
  const phone = attributes.phone_number;
  if (autoVerified.includes('phone_number') && phone) return { medium: 'SMS', attribute: 'phone_number', destination: phone };
  const email = attributes.email;
  if (autoVerified.includes('email') && email) return { medium: 'EMAIL', attribute: 'email', destination: email };
  return undefined;
}
