// Every answer ForgotPassword and ConfirmForgotPassword can give, as a sentence for a person,
// attached to the field it concerns ('form' when it concerns none). The operations' own
// messages are Cognito's and are for developers; these are for the user at the page.
import { CognitoException } from '../operations/exceptions.js';
import { MESSAGES } from '../operations/shared/recovery.js';
import type { PasswordPolicy } from '../domain/passwordPolicy.js';

export type Field = 'username' | 'code' | 'password' | 'confirmPassword' | 'form';

export interface PageError {
  field: Field;
  text: string;
  /** Offer to request a new code (the code is spent or expired). */
  offerNewCode?: boolean;
}

const TRY_LATER = 'Something went wrong on our side. Please try again in a few minutes.';

/** Errors both operations share: limits, blocks, triggers, validation. */
function common(err: CognitoException): PageError | undefined {
  switch (err.name) {
    case 'TooManyRequestsException':
      return { field: 'form', text: 'There are too many requests right now. Wait a moment, then try again.' };
    case 'ForbiddenException':
      return { field: 'form', text: 'Requests from your network are not allowed. Contact the app’s support.' };
    case 'UserLambdaValidationException':
    case 'UnexpectedLambdaException':
    case 'InvalidLambdaResponseException':
      return { field: 'form', text: 'The app could not complete this request. Please try again later, or contact its support.' };
    case 'ResourceNotFoundException':
      return { field: 'form', text: 'This app is not known here. Return to the app and open the link again.' };
    case 'InvalidParameterException':
      if (/at 'username'/.test(err.message)) return { field: 'username', text: 'Enter a valid username or email address.' };
      if (/at 'confirmationCode'/.test(err.message)) return { field: 'code', text: 'Enter the code exactly as it appears in the message, without spaces.' };
      if (/at 'password'/.test(err.message)) return { field: 'password', text: 'Your new password cannot begin or end with a space, and must be at most 256 characters.' };
      return undefined;
    default:
      return undefined;
  }
}

function notAuthorized(err: CognitoException): PageError {
  switch (err.message) {
    case MESSAGES.userDisabled:
      return { field: 'username', text: 'This account is disabled. Contact the app’s support.' };
    case MESSAGES.forceChange:
      return { field: 'username', text: 'This account has not been activated yet. Sign in with the temporary password you were sent.' };
    case MESSAGES.adminOnly:
      return { field: 'form', text: 'Your password can only be reset by an administrator. Contact the app’s support.' };
    default:
      return { field: 'form', text: TRY_LATER };
  }
}

/** The page's sentence for a ForgotPassword failure. */
export function forgotPasswordError(err: CognitoException): PageError {
  const shared = common(err);
  if (shared) return shared;
  switch (err.name) {
    case 'UserNotFoundException':
      return { field: 'username', text: 'We could not find an account with that username or email address.' };
    case 'NotAuthorizedException':
      return notAuthorized(err);
    case 'InvalidParameterException':
      return err.message === MESSAGES.noChannel
        ? { field: 'username', text: 'This account has no verified email address or phone number to send a code to. Contact the app’s support.' }
        : { field: 'form', text: TRY_LATER };
    case 'LimitExceededException':
      return { field: 'form', text: 'You have asked for too many codes. Wait an hour, then try again.' };
    case 'CodeDeliveryFailureException':
    case 'InvalidEmailRoleAccessPolicyException':
    case 'InvalidSmsRoleAccessPolicyException':
    case 'InvalidSmsRoleTrustRelationshipException':
      return { field: 'form', text: 'We could not send the code. Please try again later.' };
    default:
      return { field: 'form', text: TRY_LATER };
  }
}

const POLICY_REASONS: Array<[RegExp, (p: PasswordPolicy) => string]> = [
  [/not long enough/, (p) => `Your new password must have at least ${p.minimumLength} characters.`],
  [/uppercase/, () => 'Your new password must contain an uppercase letter (A–Z).'],
  [/lowercase/, () => 'Your new password must contain a lowercase letter (a–z).'],
  [/numeric/, () => 'Your new password must contain a number (0–9).'],
  [/symbol/, () => 'Your new password must contain a special character, such as ! @ # $ or %.'],
];

/** The page's sentence for a ConfirmForgotPassword failure. */
export function confirmForgotPasswordError(err: CognitoException, policy: PasswordPolicy): PageError {
  const shared = common(err);
  if (shared) return shared;
  switch (err.name) {
    case 'CodeMismatchException':
      return { field: 'code', text: 'That code is not correct. Check the message we sent you and try again.' };
    case 'ExpiredCodeException':
      return { field: 'code', text: 'This code has expired or has already been used. Request a new code.', offerNewCode: true };
    case 'InvalidPasswordException': {
      const reason = POLICY_REASONS.find(([re]) => re.test(err.message));
      return { field: 'password', text: reason ? reason[1](policy) : 'Your new password does not meet the requirements listed below.' };
    }
    case 'PasswordHistoryPolicyViolationException':
      return { field: 'password', text: 'You have used this password before. Choose a password you have not used recently.' };
    case 'LimitExceededException':
      return { field: 'form', text: 'Too many attempts. Wait a while, then request a new code.', offerNewCode: true };
    case 'TooManyFailedAttemptsException':
      return { field: 'form', text: 'Too many failed attempts. Try again tomorrow.' };
    case 'UserNotFoundException':
      return { field: 'username', text: 'We could not find an account with that username or email address.' };
    case 'UserNotConfirmedException':
      return { field: 'username', text: 'This account has not been confirmed yet. Finish signing up first.' };
    case 'NotAuthorizedException':
      return notAuthorized(err);
    default:
      return { field: 'form', text: TRY_LATER };
  }
}

/** Whether the error is one the pages explain, rather than an internal failure to log. */
export function isCognitoError(err: unknown): err is CognitoException {
  return err instanceof CognitoException && err.name !== 'InternalErrorException';
}
