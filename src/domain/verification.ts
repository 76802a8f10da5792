// Verifying a contact attribute with a code: which attribute a sign-up code goes to, and the
// message that carries a verification code (sign-up, resend and password-reset codes share
// the pool's verification template). Pure.
import type { Channel } from './recovery.js';

export interface VerificationTemplate {
  emailSubject?: string | undefined;
  emailMessage?: string | undefined;
  smsMessage?: string | undefined;
}

/** Cognito's defaults when the pool sets no verification message or subject. */
export const DEFAULT_VERIFICATION_SUBJECT = 'Your verification code';
export const DEFAULT_VERIFICATION_MESSAGE = 'Your verification code is {####}. ';

export interface RenderedVerification {
  subject: string | null;
  body: string;
}

/**
 * Fills {####} with the code and {username} with the username in one pass with a replacer
 * function, so the substitution is literal: a username holding `{####}` or `$&` stays as
 * written and can never pull the code into a second place.
 */
export function renderVerification(template: VerificationTemplate, medium: Channel['medium'], code: string, username: string): RenderedVerification {
  const source = (medium === 'EMAIL' ? template.emailMessage : template.smsMessage) ?? DEFAULT_VERIFICATION_MESSAGE;
  const body = source.replace(/\{####\}|\{username\}/g, (placeholder) => (placeholder === '{####}' ? code : username));
  return { subject: medium === 'EMAIL' ? (template.emailSubject ?? DEFAULT_VERIFICATION_SUBJECT) : null, body };
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
