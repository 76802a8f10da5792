// Cognito's Lambda trigger events, shaped exactly as Cognito sends them: version "1",
// triggerSource, region, userPoolId, userName (the canonical username), callerContext, and
// request.userAttributes as strings with sub and cognito:user_status included.
import type { UserRecord } from '../store/records.js';

export interface TriggerEvent {
  /** "1" for every event but PreTokenGeneration's V2_0 one ("2"). */
  version: '1' | '2';
  triggerSource: string;
  region: string;
  userPoolId: string;
  userName: string;
  callerContext: { awsSdkVersion: string; clientId: string };
  request: Record<string, unknown>;
  response: Record<string, unknown>;
}

export function userAttributesForTrigger(user: UserRecord): Record<string, string> {
  return { sub: user.sub, ...user.attributes, 'cognito:user_status': user.status };
}

export function triggerEvent(args: {
  triggerSource: string;
  poolId: string;
  user: UserRecord;
  clientId: string | null;
  userAgent: string | undefined;
  request: Record<string, unknown>;
  /** The response as Cognito hands it to the function (default {}; CustomMessage sends nulls). */
  response?: Record<string, unknown>;
}): TriggerEvent {
  return eventWithoutUser({
    ...args,
    userName: args.user.username,
    request: { userAttributes: userAttributesForTrigger(args.user), ...args.request },
  });
}

/**
 * The envelope alone, for events that have no stored user to describe: UserMigration (the
 * user does not exist yet; userName is the name as entered) and PreSignUp (the attributes
 * as submitted, without sub or status).
 */
export function eventWithoutUser(args: {
  triggerSource: string;
  poolId: string;
  userName: string;
  clientId: string | null;
  userAgent: string | undefined;
  request: Record<string, unknown>;
  response?: Record<string, unknown>;
}): TriggerEvent {
  // Cognito reports the caller's SDK as "aws-sdk-<lang>-<version>"; the user agent carries it.
  const sdk = /aws-sdk-[a-z]+\/[\d.]+/.exec(args.userAgent ?? '')?.[0]?.replace('/', '-') ?? 'aws-sdk-unknown-unknown';
  return {
    version: '1',
    triggerSource: args.triggerSource,
    region: args.poolId.split('_')[0] ?? 'us-east-1',
    userPoolId: args.poolId,
    userName: args.userName,
    callerContext: { awsSdkVersion: sdk, clientId: args.clientId ?? 'CLIENT_ID_NOT_APPLICABLE' },
    request: args.request,
    response: args.response ?? {},
  };
}
