import type { SignUpRequest, SignUpResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { StoreConflict, type UserRecord } from '../store/records.js';
import { missingRequired, requiredIssue, schemaMessage } from '../domain/attributes.js';
import { InvalidParameterException, NotAuthorizedException, UsernameExistsException } from './exceptions.js';
import { loadClient } from './shared/pools.js';
import { checkSecretHash } from './shared/secretHash.js';
import { reportDelivery } from './shared/delivery.js';
import { checkIpBlock, deliveryDetails } from './shared/recovery.js';
import { checkClientWrites } from './shared/clientPermissions.js';
import { checkedAttributeWrites, schemaOf } from './shared/userAttributes.js';
import { aliasTaken, newUserIdentity, withIdentityAttribute } from './shared/newUsers.js';
import { aliasConflicts, userKeys } from './shared/userWrites.js';
import { enforcePasswordPolicy } from './shared/passwords.js';
import { newCredentials } from './shared/credentials.js';
import { issueSignUpCode, SIGNUP_MESSAGES, signUpChannelOf } from './shared/signUpCodes.js';
import { customVerificationTemplate } from './shared/customMessage.js';
import { preSignUp, withAutoVerified } from './shared/preSignUp.js';

/**
 * Self sign-up: an UNCONFIRMED user and, when the pool auto-verifies an attribute the user
 * gave, a confirmation code sent to it. Order: client, secret hash, IP block, self sign-up
 * allowed, username rules, attribute permissions and schema (required ones included, unlike
 * AdminCreateUser), password policy, taken username or alias, the PreSignUp trigger, then
 * the one costly step (hashing), the CustomMessage trigger and one transaction (user, code,
 * message).
 */
export async function signUp(ctx: OperationContext, input: SignUpRequest): Promise<SignUpResponse> {
  const { client, pool } = await loadClient(ctx, input.ClientId!);
  checkSecretHash(client, input.SecretHash, [input.Username!]);
  checkIpBlock(ctx, pool);
  if (pool.settings.AdminCreateUserConfig?.AllowAdminCreateUserOnly) throw new NotAuthorizedException(SIGNUP_MESSAGES.notPermitted);
  const password = input.Password;
  if (password === undefined) throw new InvalidParameterException(SIGNUP_MESSAGES.passwordMissing);

  const identity = newUserIdentity(pool, input.Username!);
  checkClientWrites(client, pool, input.UserAttributes);
  const attributes = withIdentityAttribute(identity, checkedAttributeWrites(pool, input.UserAttributes, 'create'));
  const missing = missingRequired(schemaOf(pool), attributes);
  if (missing.length > 0) throw new InvalidParameterException(schemaMessage(missing.map(requiredIssue)));
  enforcePasswordPolicy(pool, password, 'signUp');
  // ValidationData and ClientMetadata are kept nowhere: they go to the PreSignUp and
  // CustomMessage triggers untouched.

  const keys = userKeys(pool, { username: identity.username, attributes });
  if (await ctx.store.users.findUserByUsername(pool.id, keys.usernameKey)) throw new UsernameExistsException(SIGNUP_MESSAGES.userExists);
  // Only aliases that bind now can collide: a UsernameAttributes value or preferred_username.
  // An email or phone alias binds once verified, so another user's verified address is no
  // obstacle here (ConfirmSignUp settles it).
  const conflicts = await aliasConflicts(ctx.store, pool, identity.sub, keys.aliases);
  if (conflicts.length > 0) throw aliasTaken(conflicts[0]!.kind);

  // The PreSignUp function may refuse the sign-up, confirm the user and verify its contacts;
  // an address it verifies becomes an alias now, so those are checked again.
  const pre = await preSignUp(ctx, pool, {
    userName: identity.username,
    attributes,
    clientId: client.id,
    validationData: input.ValidationData,
    clientMetadata: input.ClientMetadata,
  });
  const verifiedAttributes = withAutoVerified(attributes, pre);
  const finalKeys = verifiedAttributes === attributes ? keys : userKeys(pool, { username: identity.username, attributes: verifiedAttributes });
  if (finalKeys !== keys) {
    const moreConflicts = await aliasConflicts(ctx.store, pool, identity.sub, finalKeys.aliases);
    if (moreConflicts.length > 0) throw aliasTaken(moreConflicts[0]!.kind);
  }

  // The one costly step, after every cheap check has passed.
  const credentials = await newCredentials(ctx, pool, identity, password);
  const now = ctx.clock.now();
  const user: UserRecord = {
    sub: identity.sub,
    poolId: pool.id,
    username: identity.username,
    status: pre.autoConfirmUser ? 'CONFIRMED' : 'UNCONFIRMED',
    enabled: true,
    ...credentials,
    passwordChangedAt: now,
    attributes: verifiedAttributes,
    mfa: { enabled: [] },
    tokensValidAfter: now,
    createdAt: now,
    updatedAt: now,
  };
  // A user the function confirmed gets no confirmation code.
  const channel = pre.autoConfirmUser ? undefined : signUpChannelOf(pool, user);
  const template = channel
    ? await customVerificationTemplate(ctx, pool, user, channel, { source: 'CustomMessage_SignUp', clientId: client.id, clientMetadata: input.ClientMetadata })
    : undefined;
  try {
    await ctx.store.transaction(async (tx) => {
      await tx.users.createUser(user, finalKeys.usernameKey, finalKeys.aliases);
      if (channel) await issueSignUpCode(ctx, tx, pool, user, channel, template, client.id);
    });
  } catch (err) {
    // Lost a race with a concurrent sign-up: the same answers the checks above give.
    if (err instanceof StoreConflict && err.what === 'username') throw new UsernameExistsException(SIGNUP_MESSAGES.userExists);
    if (err instanceof StoreConflict && err.what === 'alias') throw aliasTaken(err.detail ?? 'email');
    throw err;
  }
  // After the commit, as Cognito: the user exists even when the code could not be sent.
  await reportDelivery(ctx, 'SignUp');
  return {
    UserConfirmed: pre.autoConfirmUser,
    UserSub: user.sub,
    ...(channel && { CodeDeliveryDetails: deliveryDetails(channel) }),
  };
}
