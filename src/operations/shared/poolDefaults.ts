// A pool's settings as CreateUserPool and UpdateUserPool leave them: checked the way Cognito
// checks them, with Cognito's default stored (and so returned by DescribeUserPool) for every
// setting the request leaves out.
//
// UpdateUserPool replaces the updatable settings wholesale; anything it omits goes back to its
// default, as Cognito documents. What cannot change after creation (the schema, username and
// alias attributes, username case sensitivity) stays. The pool's name, tier and tags stay when
// omitted: a name has no default, and a tier or tags silently dropped by an unrelated update
// would be a nasty surprise (Cognito's documentation does not say either way).
//
// Cognito differs: feature tiers are not enforced. A self-hosted pool has no plan to upgrade,
// so UserPoolAddOns, PasswordHistorySize and the choice-based sign-in factors are stored on any
// tier instead of being refused with FeatureUnavailableInTierException.
import type {
  AdminCreateUserConfigType,
  CreateUserPoolRequest,
  PasswordPolicyType,
  SignInPolicyType,
  UpdateUserPoolRequest,
  VerificationMessageTemplateType,
} from '@aws-sdk/client-cognito-identity-provider';
import { DEFAULT_PASSWORD_POLICY } from '../../domain/passwordPolicy.js';
import { InvalidParameterException } from '../exceptions.js';
import { buildPoolSchema } from './schemaAttributes.js';
import type { PoolSettings } from './pools.js';
import { pickPresent, withoutNulls } from './wireInput.js';

/** The settings UpdateUserPool replaces (and resets when omitted). */
const UPDATABLE_KEYS = [
  'Policies',
  'DeletionProtection',
  'LambdaConfig',
  'AutoVerifiedAttributes',
  'SmsVerificationMessage',
  'EmailVerificationMessage',
  'EmailVerificationSubject',
  'VerificationMessageTemplate',
  'SmsAuthenticationMessage',
  'UserAttributeUpdateSettings',
  'MfaConfiguration',
  'DeviceConfiguration',
  'EmailConfiguration',
  'SmsConfiguration',
  'AdminCreateUserConfig',
  'UserPoolAddOns',
  'AccountRecoverySetting',
] as const satisfies readonly (keyof UpdateUserPoolRequest & keyof CreateUserPoolRequest & keyof PoolSettings)[];

type UpdatableSettings = Pick<CreateUserPoolRequest, (typeof UPDATABLE_KEYS)[number]>;

export const DEFAULT_POOL_TIER = 'ESSENTIALS';
const DEFAULT_TEMPORARY_PASSWORD_DAYS = DEFAULT_PASSWORD_POLICY.temporaryPasswordValidityDays;

function pickUpdatable(input: UpdatableSettings): UpdatableSettings {
  return pickPresent(input, UPDATABLE_KEYS);
}

function invalid(message: string): InvalidParameterException {
  return new InvalidParameterException(message);
}

/**
 * Cognito's cross-field rules for the updatable settings. `mfaFactorActive`: the pool already
 * runs with MFA, so an MFA factor is configured and SMS is not the only way to satisfy it.
 */
function checkUpdatable(s: UpdatableSettings, mfaFactorActive: boolean): void {
  if (s.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays !== undefined && s.AdminCreateUserConfig?.UnusedAccountValidityDays !== undefined) {
    throw invalid('Please use TemporaryPasswordValidityDays in PasswordPolicy instead of UnusedAccountValidityDays');
  }
  const factors = s.Policies?.SignInPolicy?.AllowedFirstAuthFactors;
  if (factors !== undefined && !factors.includes('PASSWORD')) {
    throw invalid('Password should be configured as one of the allowed first auth factors.');
  }
  const mechanisms = s.AccountRecoverySetting?.RecoveryMechanisms ?? [];
  const priorities = new Set(mechanisms.map((m) => m.Priority));
  const names = new Set(mechanisms.map((m) => m.Name));
  if (priorities.size < mechanisms.length || names.size < mechanisms.length) {
    throw invalid('Account Recovery Setting cannot have duplicate priorities or recovery mechanisms.');
  }
  if (names.has('admin_only') && mechanisms.length > 1) {
    throw invalid('Account Recovery Setting cannot use admin_only setting with any other recovery mechanisms.');
  }
  if (s.AutoVerifiedAttributes?.includes('phone_number') && !s.SmsConfiguration) {
    throw invalid('SMS configuration is required when phone_number is selected for auto verification');
  }
  const mfaOn = s.MfaConfiguration === 'ON' || s.MfaConfiguration === 'OPTIONAL';
  if (mfaOn && !s.SmsConfiguration && !mfaFactorActive) {
    throw invalid('SMS configuration and Auto verification for phone_number are required when MFA is required/optional');
  }
}

function passwordPolicy(given: PasswordPolicyType | undefined, temporaryPasswordDays: number): PasswordPolicyType {
  if (!given) {
    return {
      MinimumLength: DEFAULT_PASSWORD_POLICY.minimumLength,
      RequireUppercase: DEFAULT_PASSWORD_POLICY.requireUppercase,
      RequireLowercase: DEFAULT_PASSWORD_POLICY.requireLowercase,
      RequireNumbers: DEFAULT_PASSWORD_POLICY.requireNumbers,
      RequireSymbols: DEFAULT_PASSWORD_POLICY.requireSymbols,
      TemporaryPasswordValidityDays: temporaryPasswordDays,
    };
  }
  // A policy object that is sent is taken as written: booleans it leaves out are false (the
  // model's default for them); only the length and the validity days fall back.
  return {
    MinimumLength: given.MinimumLength ?? DEFAULT_PASSWORD_POLICY.minimumLength,
    RequireUppercase: given.RequireUppercase ?? false,
    RequireLowercase: given.RequireLowercase ?? false,
    RequireNumbers: given.RequireNumbers ?? false,
    RequireSymbols: given.RequireSymbols ?? false,
    ...(given.PasswordHistorySize !== undefined && { PasswordHistorySize: given.PasswordHistorySize }),
    TemporaryPasswordValidityDays: temporaryPasswordDays,
  };
}

function signInPolicy(given: SignInPolicyType | undefined): SignInPolicyType {
  return { AllowedFirstAuthFactors: given?.AllowedFirstAuthFactors ?? ['PASSWORD'] };
}

/**
 * The verification template and the older top-level message fields are two views of the
 * same setting; Cognito reports them in step, whichever one the request used.
 */
function verificationMessages(s: UpdatableSettings): Pick<PoolSettings, 'VerificationMessageTemplate' | 'EmailVerificationMessage' | 'EmailVerificationSubject' | 'SmsVerificationMessage'> {
  const template: VerificationMessageTemplateType = { ...s.VerificationMessageTemplate };
  template.DefaultEmailOption ??= 'CONFIRM_WITH_CODE';
  template.EmailMessage ??= s.EmailVerificationMessage;
  template.EmailSubject ??= s.EmailVerificationSubject;
  template.SmsMessage ??= s.SmsVerificationMessage;
  return withoutNulls({
    VerificationMessageTemplate: template,
    EmailVerificationMessage: template.EmailMessage,
    EmailVerificationSubject: template.EmailSubject,
    SmsVerificationMessage: template.SmsMessage,
  });
}

/** The updatable settings with Cognito's defaults filled in. */
function withDefaults(s: UpdatableSettings): PoolSettings {
  // UnusedAccountValidityDays is the deprecated name of TemporaryPasswordValidityDays; both
  // report the one value.
  const days = s.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays ?? s.AdminCreateUserConfig?.UnusedAccountValidityDays ?? DEFAULT_TEMPORARY_PASSWORD_DAYS;
  const adminCreateUser: AdminCreateUserConfigType = {
    AllowAdminCreateUserOnly: s.AdminCreateUserConfig?.AllowAdminCreateUserOnly ?? false,
    UnusedAccountValidityDays: days,
    ...(s.AdminCreateUserConfig?.InviteMessageTemplate && { InviteMessageTemplate: s.AdminCreateUserConfig.InviteMessageTemplate }),
  };
  return {
    ...s,
    Policies: { PasswordPolicy: passwordPolicy(s.Policies?.PasswordPolicy, days), SignInPolicy: signInPolicy(s.Policies?.SignInPolicy) },
    DeletionProtection: s.DeletionProtection ?? 'INACTIVE',
    LambdaConfig: s.LambdaConfig ?? {},
    MfaConfiguration: s.MfaConfiguration ?? 'OFF',
    ...verificationMessages(s),
    EmailConfiguration: { ...s.EmailConfiguration, EmailSendingAccount: s.EmailConfiguration?.EmailSendingAccount ?? 'COGNITO_DEFAULT' },
    AdminCreateUserConfig: adminCreateUser,
    UserAttributeUpdateSettings: {
      AttributesRequireVerificationBeforeUpdate: s.UserAttributeUpdateSettings?.AttributesRequireVerificationBeforeUpdate ?? [],
    },
  };
}

/** The stored settings of a new pool (everything but its id, name and dates). */
export function newPoolSettings(request: CreateUserPoolRequest): PoolSettings {
  const input = withoutNulls(request);
  if ((input.UsernameAttributes?.length ?? 0) > 0 && (input.AliasAttributes?.length ?? 0) > 0) {
    throw invalid('Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.');
  }
  const updatable = pickUpdatable(input);
  checkUpdatable(updatable, false);
  const schema = buildPoolSchema(input.Schema);
  return {
    ...withDefaults(updatable),
    SchemaAttributes: schema,
    ...(input.AliasAttributes !== undefined && { AliasAttributes: input.AliasAttributes }),
    ...(input.UsernameAttributes !== undefined && { UsernameAttributes: input.UsernameAttributes }),
    ...(input.UsernameConfiguration !== undefined && { UsernameConfiguration: input.UsernameConfiguration }),
    ...(input.UserPoolTags !== undefined && { UserPoolTags: input.UserPoolTags }),
    UserPoolTier: input.UserPoolTier ?? DEFAULT_POOL_TIER,
  };
}

/** The stored settings after UpdateUserPool, from the current ones. */
export function updatedPoolSettings(current: PoolSettings, request: UpdateUserPoolRequest): PoolSettings {
  const input = withoutNulls(request);
  const updatable = pickUpdatable(input);
  const mfaActive = current.MfaConfiguration === 'ON' || current.MfaConfiguration === 'OPTIONAL';
  checkUpdatable(updatable, mfaActive);
  // Everything that is not an updatable setting carries over: the immutable settings, and any
  // pool state other operations keep in the settings document.
  const kept: Record<string, unknown> = { ...current };
  for (const key of UPDATABLE_KEYS) delete kept[key];
  return {
    ...(kept as PoolSettings),
    ...withDefaults(updatable),
    ...(input.UserPoolTags !== undefined && { UserPoolTags: input.UserPoolTags }),
    UserPoolTier: input.UserPoolTier ?? current.UserPoolTier ?? DEFAULT_POOL_TIER,
  };
}
