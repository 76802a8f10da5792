// Everything stored for a password, made in one place so every operation that sets one
// (AdminCreateUser, AdminSetUserPassword, ConfirmForgotPassword, SignUp, ChangePassword, the
// NEW_PASSWORD_REQUIRED challenge) stores the same set.
import type { OperationContext } from '../context.js';
import type { UserRecord } from '../../store/records.js';
import type { Pool } from './pools.js';

export type Credentials = Pick<UserRecord, 'passwordHash'>;

/** The stored form of `password` for `user` (its username and sub are already final). */
export async function newCredentials(ctx: OperationContext, _pool: Pool, _user: Pick<UserRecord, 'sub' | 'username'>, password: string): Promise<Credentials> {
  return { passwordHash: await ctx.passwords.hashPassword(password) };
}
