import type { SignUpRequest, SignUpResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { StoreConflict, type UserRecord } from '../store/records.js';
import { missingRequired, requiredIssue, schemaMessage } from '../domain/attributes.js';
import { InvalidParameterException, NotAuthorizedException, UsernameExistsException } from './exceptions.js';
import { loadClient } from './shared/pools.js';
import { checkSecretHash } from './shared/secretHash.js';
import { checkIpBlock, deliveryDetails } from './shared/recovery.js';
import { checkClientWrites } from './shared/clientPermissions.js';
import { checkedAttributeWrites, schemaOf } from './shared/userAttributes.js';
import { aliasTaken, newUserIdentity, withIdentityAttribute } from './shared/newUsers.js';
import { aliasConflicts, userKeys } from './shared/userWrites.js';
import { enforcePasswordPolicy } from './shared/passwords.js';
import { newCredentials } from './shared/credentials.js';
import { issueSignUpCode, SIGNUP_MESSAGES, signUpChannelOf } from './shared/signUpCodes.js';

/**
 * Self sign-up: an UNCONFIRMED user and, when the pool auto-verifies an attribute the user
 * gave, a confirmation code sent to it. Order: client, secret hash, IP block, self sign-up
 * allowed, username rules, attribute permissions and schema (required ones included, unlike
 * AdminCreateUser), password policy, taken username or alias, then the one costly step
 * (hashing) and one transaction (user, code, message).
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
  // ValidationData and ClientMetadata are accepted and kept nowhere: they exist for the
  // PreSignUp (and CustomMessage) triggers, which the triggers issue adds here, before the
  // user is written, with exactly these values.

  const keys = userKeys(pool, { username: identity.username, attributes });
  if (await ctx.store.users.findUserByUsername(pool.id, keys.usernameKey)) throw new UsernameExistsException(SIGNUP_MESSAGES.userExists);
  // Only aliases that bind now can collide: a UsernameAttributes value or preferred_username.
  // An email or phone alias binds once verified, so another user's verified address is no
  // obstacle here (ConfirmSignUp settles it).
  const conflicts = await aliasConflicts(ctx.store, pool, identity.sub, keys.aliases);
  if (conflicts.length > 0) throw aliasTaken(conflicts[0]!.kind);

  // The one costly step, after every cheap check has passed.
  const credentials = await newCredentials(ctx, pool, identity, password);
  const now = ctx.clock.now();
  const user: UserRecord = {
    sub: identity.sub,
    poolId: pool.id,
    username: identity.username,
    status: 'UNCONFIRMED',
    enabled: true,
    ...credentials,
    passwordChangedAt: now,
    attributes,
    mfa: { enabled: [] },
    tokensValidAfter: now,
    createdAt: now,
    updatedAt: now,
  };
  const channel = signUpChannelOf(pool, user);
  try {
    await ctx.store.transaction(async (tx) => {
      await tx.users.createUser(user, keys.usernameKey, keys.aliases);
      if (channel) await issueSignUpCode(ctx, tx, pool, user, channel);
    });
  } catch (err) {
    // Lost a race with a concurrent sign-up: the same answers the checks above give.
    if (err instanceof StoreConflict && err.what === 'username') throw new UsernameExistsException(SIGNUP_MESSAGES.userExists);
    if (err instanceof StoreConflict && err.what === 'alias') throw aliasTaken(err.detail ?? 'email');
    throw err;
  }
  return {
    UserConfirmed: false,
    UserSub: user.sub,
    ...(channel && { CodeDeliveryDetails: deliveryDetails(channel) }),
  };
}
