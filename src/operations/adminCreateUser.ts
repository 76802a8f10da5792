import type { AdminCreateUserRequest, AdminCreateUserResponse, DeliveryMediumType } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { newCredentials } from './shared/credentials.js';
import type { Store } from '../store/store.js';
import { StoreConflict, type UserRecord } from '../store/records.js';
import { renderInvite, type InviteTemplate } from '../domain/inviteMessage.js';
import { customInviteTemplate } from './shared/customMessage.js';
import { generateTemporaryPassword } from '../crypto/temporaryPassword.js';
import { queueMessage } from '../delivery/messageLog.js';
import { reportDelivery } from './shared/delivery.js';
import { InvalidParameterException, UnsupportedUserStateException, UserNotFoundException, UsernameExistsException } from './exceptions.js';
import { loadPool, type Pool } from './shared/pools.js';
import { loadUser } from './shared/users.js';
import { enforcePasswordPolicy, passwordPolicyOf } from './shared/passwords.js';
import { checkedAttributeWrites } from './shared/userAttributes.js';
import { aliasTaken, newUserIdentity, withIdentityAttribute } from './shared/newUsers.js';
import { aliasCanMove, aliasConflicts, saveUserAttributes, userKeys, withoutAlias } from './shared/userWrites.js';
import { toUserType } from './shared/userView.js';
import { queueForSender, senderTriggerOf } from './shared/customSender.js';
import { preSignUp, withAutoVerified } from './shared/preSignUp.js';

export async function adminCreateUser(ctx: OperationContext, input: AdminCreateUserRequest): Promise<AdminCreateUserResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  if (input.MessageAction === 'RESEND') return resendInvite(ctx, pool, input);

  const identity = newUserIdentity(pool, input.Username!);
  const submitted = withIdentityAttribute(identity, checkedAttributeWrites(pool, input.UserAttributes, 'create'));
  // The pool's PreSignUp function may refuse the user or mark its email/phone verified.
  const attributes = withAutoVerified(
    submitted,
    await preSignUp(ctx, pool, {
      userName: input.Username!,
      attributes: submitted,
      clientId: null,
      triggerSource: 'PreSignUp_AdminCreateUser',
      validationData: input.ValidationData,
      clientMetadata: input.ClientMetadata,
    }),
  );
  // Required attributes are not enforced here, as in Cognito: an admin-created user supplies
  // the missing ones in the NEW_PASSWORD_REQUIRED challenge.
  // ValidationData only feeds the pre sign-up trigger; there is nothing to keep.
  const temporaryPassword = chooseTemporaryPassword(pool, input.TemporaryPassword);
  const mediums = input.MessageAction === 'SUPPRESS' ? [] : deliveryMediums(input.DesiredDeliveryMediums, attributes);

  const now = ctx.clock.now();
  const user: UserRecord = {
    sub: identity.sub,
    poolId: pool.id,
    username: identity.username,
    status: 'FORCE_CHANGE_PASSWORD',
    enabled: true,
    passwordHash: null,
    srpVerifier: null,
    passwordChangedAt: now,
    attributes,
    mfa: { enabled: [] },
    tokensValidAfter: now,
    createdAt: now,
    updatedAt: now,
  };
  const keys = userKeys(pool, user);
  if (await ctx.store.users.findUserByUsername(pool.id, keys.usernameKey)) throw new UsernameExistsException('User account already exists');
  const conflicts = await aliasConflicts(ctx.store, pool, user.sub, keys.aliases);
  for (const c of conflicts) {
    if (!(input.ForceAliasCreation && aliasCanMove(pool, c.kind, attributes))) throw aliasTaken(c.kind);
  }

  // The one costly step, after every cheap check has passed.
  Object.assign(user, await newCredentials(ctx, pool, user, temporaryPassword));
  // The CustomMessage function composes the invitation before the transaction (it may take seconds).
  const template = await customInviteTemplate(ctx, pool, user, mediums, input.ClientMetadata, poolInviteTemplate(pool));
  try {
    await ctx.store.transaction(async (tx) => {
      // ForceAliasCreation: the earlier holders lose the alias before the new user takes it
      // (re-read in the transaction, so a change made to them meanwhile is kept).
      for (const c of conflicts) {
        const holder = await tx.users.findUserBySub(pool.id, c.holder.sub);
        if (holder) await saveUserAttributes(tx, pool, withoutAlias(holder, c.kind, now));
      }
      await tx.users.createUser(user, keys.usernameKey, keys.aliases);
      await sendInvites(ctx, tx, pool, user, mediums, temporaryPassword, template);
    });
  } catch (err) {
    // Lost a race with a concurrent create: the same answers the checks above give.
    if (err instanceof StoreConflict && err.what === 'username') throw new UsernameExistsException('User account already exists');
    if (err instanceof StoreConflict && err.what === 'alias') throw aliasTaken(err.detail ?? 'email');
    throw err;
  }
  await reportDelivery(ctx, 'AdminCreateUser');
  return { User: toUserType(user) };
}

/** The given temporary password, held to the pool's policy, or a generated one that meets it. */
function chooseTemporaryPassword(pool: Pool, given: string | undefined): string {
  if (given) {
    enforcePasswordPolicy(pool, given, 'passwordChange');
    return given;
  }
  return generateTemporaryPassword(passwordPolicyOf(pool));
}

/**
 * The channels the invite goes to. Cognito differs: Cognito documents SMS as the default;
 * without DesiredDeliveryMediums we send SMS when the user has a phone number and email
 * otherwise, so a user created with only an email still gets the invite. Mediums asked for
 * explicitly must match an attribute the user has.
 */
function deliveryMediums(desired: DeliveryMediumType[] | undefined, attributes: Record<string, string>): Array<'EMAIL' | 'SMS'> {
  const available = (m: string): boolean => (m === 'EMAIL' ? !!attributes.email : m === 'SMS' ? !!attributes.phone_number : false);
  if (!desired || desired.length === 0) {
    if (attributes.phone_number) return ['SMS'];
    return attributes.email ? ['EMAIL'] : [];
  }
  const chosen = [...new Set(desired)].filter(available) as Array<'EMAIL' | 'SMS'>;
  if (chosen.length === 0) throw new InvalidParameterException('User has no attribute matching desired delivery mediums');
  return chosen;
}

/** The name the invite shows: the email or phone number in UsernameAttributes pools. */
function displayName(pool: Pool, user: UserRecord): string {
  for (const kind of pool.settings.UsernameAttributes ?? []) {
    const value = user.attributes[kind];
    if (value) return value;
  }
  return user.username;
}

/** The pool's invitation template (AdminCreateUserConfig.InviteMessageTemplate). */
function poolInviteTemplate(pool: Pool): InviteTemplate {
  const t = pool.settings.AdminCreateUserConfig?.InviteMessageTemplate ?? {};
  return { emailSubject: t.EmailSubject, emailMessage: t.EmailMessage, smsMessage: t.SMSMessage };
}

async function sendInvites(
  ctx: OperationContext,
  store: Store,
  pool: Pool,
  user: UserRecord,
  mediums: Array<'EMAIL' | 'SMS'>,
  temporaryPassword: string,
  template: InviteTemplate,
): Promise<void> {
  for (const channel of mediums) {
    // A pool's custom sender function gets the temporary password (encrypted) instead.
    const sender = senderTriggerOf(template, channel);
    if (sender) {
      await queueForSender(ctx, pool, user, channel, temporaryPassword, sender);
      continue;
    }
    const { subject, body } = renderInvite(template, channel, displayName(pool, user), temporaryPassword);
    const destination = channel === 'EMAIL' ? user.attributes.email! : user.attributes.phone_number!;
    await queueMessage(ctx, store, {
      poolId: pool.id,
      sub: user.sub,
      channel,
      destination,
      subject,
      body,
      purpose: 'invite',
      // The stored copy loses the password once sent, or when the password would have expired.
      secrets: [temporaryPassword],
      expiresAt: ctx.clock.now() + (pool.settings.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays ?? 7) * 86_400_000,
    });
  }
}

/**
 * MessageAction RESEND: a new temporary password for a user who has not signed in yet, which
 * also restarts the temporary password's validity (passwordChangedAt).
 */
async function resendInvite(ctx: OperationContext, pool: Pool, input: AdminCreateUserRequest): Promise<AdminCreateUserResponse> {
  const existing = await loadUser(ctx, pool, input.Username!);
  if (existing.status !== 'FORCE_CHANGE_PASSWORD') {
    throw new UnsupportedUserStateException('Resend not possible. The user is not in FORCE_CHANGE_PASSWORD status.');
  }
  const temporaryPassword = chooseTemporaryPassword(pool, input.TemporaryPassword);
  const mediums = deliveryMediums(input.DesiredDeliveryMediums, existing.attributes);
  const now = ctx.clock.now();
  const user: UserRecord = { ...existing, ...(await newCredentials(ctx, pool, existing, temporaryPassword)), passwordChangedAt: now, updatedAt: now };
  const template = await customInviteTemplate(ctx, pool, user, mediums, input.ClientMetadata, poolInviteTemplate(pool));
  await ctx.store.transaction(async (tx) => {
    if (!(await tx.users.updateCredentials(user))) throw new UserNotFoundException('User does not exist.');
    await sendInvites(ctx, tx, pool, user, mediums, temporaryPassword, template);
  });
  await reportDelivery(ctx, 'AdminCreateUser');
  return { User: toUserType(user) };
}
