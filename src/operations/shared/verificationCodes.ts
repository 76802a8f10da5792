// Issuing a one-time code and recording the message that carries it: the one path shared by
// password-reset codes and sign-up confirmation codes. Codes come from the CSPRNG, are stored
// only as a keyed MAC bound to purpose, pool, user and code id, and supersede the user's
// earlier code for the same purpose (one live code per user and purpose).
import type { OperationContext } from '../context.js';
import type { Store } from '../../store/store.js';
import type { UserRecord } from '../../store/records.js';
import type { Channel } from '../../domain/recovery.js';
import { renderVerification, type VerificationTemplate } from '../../domain/verification.js';
import { codeMac, generateCode } from '../../crypto/codes.js';
import { timeOrderedUuid } from '../../crypto/ids.js';
import { queueMessage } from '../../delivery/messageLog.js';
import { confirmLinkUrl } from './confirmLink.js';
import type { Pool } from './pools.js';
import { queueForSender, senderTriggerOf } from './customSender.js';

export interface CodeSpec {
  /** The code's purpose in the store and in its MAC ('reset', 'signup'). */
  purpose: string;
  ttlMs: number;
  /** What the recorded message is for (reset_code, signup_code). */
  messagePurpose: string;
  /** Sign-up codes: the app client a CONFIRM_WITH_LINK link names (shared/confirmLink.ts). */
  linkClientId?: string | undefined;
}

/**
 * The pool's verification message: VerificationMessageTemplate first, then the older
 * top-level fields (pools stored before the template existed may carry only those). With
 * DefaultEmailOption CONFIRM_WITH_LINK a sign-up email carries a link to this server's
 * confirmation route (EmailMessageByLink) instead of the code.
 */
export function verificationTemplate(pool: Pool): VerificationTemplate {
  const t = pool.settings.VerificationMessageTemplate;
  return {
    emailSubject: t?.EmailSubject ?? pool.settings.EmailVerificationSubject,
    emailMessage: t?.EmailMessage ?? pool.settings.EmailVerificationMessage,
    smsMessage: t?.SmsMessage ?? pool.settings.SmsVerificationMessage,
    defaultEmailOption: t?.DefaultEmailOption,
    emailSubjectByLink: t?.EmailSubjectByLink,
    emailMessageByLink: t?.EmailMessageByLink,
  };
}

/**
 * Issues a fresh code (superseding any earlier one for the purpose) and records its message,
 * inside the caller's transaction. The code leaves this function only inside the message body.
 */
export async function issueVerificationCode(
  ctx: OperationContext,
  tx: Store,
  pool: Pool,
  user: UserRecord,
  channel: Channel,
  spec: CodeSpec,
  /** The message as the CustomMessage trigger composed it (shared/customMessage.ts); default the pool's. */
  template: VerificationTemplate = verificationTemplate(pool),
): Promise<void> {
  const now = ctx.clock.now();
  const code = generateCode(ctx.config.reset.codeLength);
  const id = timeOrderedUuid(now);
  const key = ctx.codeKeys.current;
  await tx.codes.issueCode({
    id,
    poolId: pool.id,
    sub: user.sub,
    purpose: spec.purpose,
    mac: codeMac(key.key, spec.purpose, pool.id, user.sub, id, code),
    keyId: key.id,
    createdAt: now,
    expiresAt: now + spec.ttlMs,
    attribute: channel.attribute,
    sentTo: channel.destination,
  });
  // A pool's custom sender function gets the code (encrypted) instead of our transport.
  const sender = senderTriggerOf(template, channel.medium);
  if (sender) return queueForSender(ctx, pool, user, channel.medium, code, sender);
  const link = spec.linkClientId ? confirmLinkUrl(ctx, spec.linkClientId, user.username, code) : undefined;
  const { subject, body } = renderVerification(template, channel.medium, code, user.username, link);
  await queueMessage(ctx, tx, {
    poolId: pool.id,
    sub: user.sub,
    channel: channel.medium,
    destination: channel.destination,
    subject,
    body,
    purpose: spec.messagePurpose,
    // The stored copy loses the code once the message is delivered or the code expires.
    secrets: link ? [link, code] : [code],
    expiresAt: now + spec.ttlMs,
  });
}
