// Everything stored for a password, made in one place so every operation that sets one
// (AdminCreateUser, AdminSetUserPassword, ConfirmForgotPassword, SignUp, ChangePassword, the
// NEW_PASSWORD_REQUIRED challenge) stores the same set.
import type { OperationContext } from '../context.js';
import type { UserRecord } from '../../store/records.js';
import type { Pool } from './pools.js';
import { encodeVerifier, makeVerifier, srpPoolName } from '../../crypto/srp.js';

export type Credentials = Pick<UserRecord, 'passwordHash' | 'srpVerifier'>;

/**
 * The stored form of `password` for `user` (its username and sub are already final): the
 * argon2id hash for the password flows, and an SRP verifier because Cognito's USER_SRP_AUTH
 * (the default of amazon-cognito-identity-js and Amplify) cannot be answered from a hash. The
 * verifier allows an offline guess at SHA-256 speed, so it is kept as carefully as the hash:
 * never logged, never exported, replaced together with it.
 *
 * The SRP user id is the username (Cognito's USER_ID_FOR_SRP): the sign-in name a user types
 * may be an alias, and in UsernameAttributes pools the username is the generated UUID.
 */
export async function newCredentials(ctx: OperationContext, pool: Pool, user: Pick<UserRecord, 'sub' | 'username'>, password: string): Promise<Credentials> {
  return {
    passwordHash: await ctx.passwords.hashPassword(password),
    srpVerifier: encodeVerifier(makeVerifier(srpPoolName(pool.id), user.username, password)),
  };
}
