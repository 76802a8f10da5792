// The PostConfirmation trigger after a sign-up is confirmed (ConfirmSignUp, AdminConfirmSignUp:
// PostConfirmation_ConfirmSignUp) or a password reset is (PostConfirmation_ConfirmForgotPassword).
// It runs after the commit, as in Cognito: a failing function reaches the caller as Cognito's
// error, but the user stays confirmed (aws-amplify/amplify-cli #2735) and the new password
// stays set. ClientMetadata goes to it untouched and is never stored.
import type { OperationContext } from '../context.js';
import type { UserRecord } from '../../store/records.js';
import { triggerEvent } from '../../triggers/events.js';
import type { Pool } from './pools.js';

export async function postConfirmation(
  ctx: OperationContext,
  triggerSource: 'PostConfirmation_ConfirmSignUp' | 'PostConfirmation_ConfirmForgotPassword',
  pool: Pool,
  confirmed: UserRecord,
  clientId: string | null,
  clientMetadata: Record<string, string> | undefined,
): Promise<void> {
  await ctx.triggers.run(
    pool.settings.LambdaConfig as Record<string, unknown> | undefined,
    'PostConfirmation',
    triggerEvent({
      triggerSource,
      poolId: pool.id,
      user: confirmed,
      clientId,
      userAgent: ctx.request.userAgent,
      request: { clientMetadata: clientMetadata ?? {} },
    }),
  );
}
