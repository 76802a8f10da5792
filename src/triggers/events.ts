// Cognito's Lambda trigger events, shaped exactly as Cognito sends them: version "1",
// triggerSource, region, userPoolId, userName (the canonical username), callerContext, and
// request.userAttributes as strings with sub and cognito:user_status included.
import type { UserRecord } from '../store/records.js';

export interface TriggerEvent {
  version: '1';
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
}): TriggerEvent {
  // Cognito reports the caller's SDK as "aws-sdk-<lang>-<version>"; the user agent carries it.
  const sdk = /aws-sdk-[a-z]+\/[\d.]+/.exec(args.userAgent ?? '')?.[0]?.replace('/', '-') ?? 'aws-sdk-unknown-unknown';
  return {
    version: '1',
    triggerSource: args.triggerSource,
    region: args.poolId.split('_')[0] ?? 'us-east-1',
    userPoolId: args.poolId,
    userName: args.user.username,
    callerContext: { awsSdkVersion: sdk, clientId: args.clientId ?? 'CLIENT_ID_NOT_APPLICABLE' },
    request: { userAttributes: userAttributesForTrigger(args.user), ...args.request },
    response: {},
  };
}
