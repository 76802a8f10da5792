// What the sign-in operations share besides the flows themselves: Cognito's messages, the
// shape of an answer, and reading a required member of AuthParameters / ChallengeResponses.
import type { InitiateAuthResponse } from '@aws-sdk/client-cognito-identity-provider';
import { InvalidParameterException } from '../exceptions.js';

export const AUTH_MESSAGES = {
  incorrect: 'Incorrect username or password.',
  userNotFound: 'User does not exist.',
  notConfirmed: 'User is not confirmed.',
  resetRequired: 'Password reset required for the user',
  disabled: 'User is disabled.',
  attemptsExceeded: 'Password attempts exceeded',
  temporaryExpired: 'Temporary password has expired and must be reset by an administrator.',
  invalidRefresh: 'Invalid Refresh Token.',
  refreshRevoked: 'Refresh Token has been revoked',
  refreshExpired: 'Refresh Token has expired',
  notSupported: 'Initiate Auth method not supported.',
  noCustomAuth: 'Custom auth lambda trigger is not configured for the user pool.',
};

export type AuthResponse = Pick<InitiateAuthResponse, 'ChallengeName' | 'Session' | 'ChallengeParameters' | 'AuthenticationResult'>;
export type Params = Record<string, string | undefined>;

export function required(params: Params | undefined, name: string): string {
  const value = params?.[name];
  if (!value) throw new InvalidParameterException(`Missing required parameter ${name}`);
  return value;
}
