// How a stored user looks on the wire: UserType (AdminCreateUser, ListUsers) and the
// AdminGetUser shape. Sign-in and reset reuse these, so every operation shows a user alike.
import type { AdminGetUserResponse, AttributeType, MFAOptionType, UserType } from '@aws-sdk/client-cognito-identity-provider';
import type { UserRecord } from '../../store/records.js';

/** sub first, then the stored attributes in the order they were written. */
export function userAttributeList(user: UserRecord, only?: ReadonlySet<string>): AttributeType[] {
  const all: AttributeType[] = [{ Name: 'sub', Value: user.sub }];
  for (const [Name, Value] of Object.entries(user.attributes)) all.push({ Name, Value });
  return only ? all.filter((a) => only.has(a.Name!)) : all;
}

/** The legacy MFAOptions list: SMS to the phone number when SMS MFA is on. */
function mfaOptions(user: UserRecord): MFAOptionType[] | undefined {
  if (!user.mfa.enabled.includes('SMS_MFA') || !user.attributes.phone_number) return undefined;
  return [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }];
}

/** UserType. `only` limits the attributes (ListUsers' AttributesToGet). */
export function toUserType(user: UserRecord, only?: ReadonlySet<string>): UserType {
  const view: UserType = {
    Username: user.username,
    Attributes: userAttributeList(user, only),
    UserCreateDate: new Date(user.createdAt),
    UserLastModifiedDate: new Date(user.updatedAt),
    Enabled: user.enabled,
    UserStatus: user.status,
  };
  const mfa = mfaOptions(user);
  if (mfa) view.MFAOptions = mfa;
  return view;
}

/** AdminGetUserResponse: UserType's facts plus the MFA settings. */
export function toAdminGetUser(user: UserRecord): AdminGetUserResponse {
  const view: AdminGetUserResponse = {
    Username: user.username,
    UserAttributes: userAttributeList(user),
    UserCreateDate: new Date(user.createdAt),
    UserLastModifiedDate: new Date(user.updatedAt),
    Enabled: user.enabled,
    UserStatus: user.status,
  };
  const mfa = mfaOptions(user);
  if (mfa) view.MFAOptions = mfa;
  // Cognito leaves both out when the user has no MFA configured.
  if (user.mfa.preferred) view.PreferredMfaSetting = user.mfa.preferred;
  if (user.mfa.enabled.length > 0) view.UserMFASettingList = [...user.mfa.enabled];
  return view;
}
