// The exceptions an operation may throw. Each class is named exactly as Cognito names the
// exception on the wire (`__type`), so `throw new CodeMismatchException(...)` reads as the
// answer the SDK will see. The serializer in protocol/ is the only place that turns them into
// HTTP; the model check test keeps every name honest against the official model.

export abstract class CognitoException extends Error {
  /** HTTP status on the wire. Cognito answers 400 for every client fault (spec 1.3). */
  readonly statusCode: number = 400;
  constructor(message: string) {
    // An answer, not a fault: no stack is captured (it would cost more than the answer and
    // is never shown). Unexpected errors keep theirs for the log.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = new.target.name;
  }
}

export class AliasExistsException extends CognitoException {}

export class CodeDeliveryFailureException extends CognitoException {}

export class CodeMismatchException extends CognitoException {}

export class ConcurrentModificationException extends CognitoException {}

export class DeviceKeyExistsException extends CognitoException {}

export class DuplicateProviderException extends CognitoException {}

export class EnableSoftwareTokenMFAException extends CognitoException {}

export class ExpiredCodeException extends CognitoException {}

export class FeatureUnavailableInTierException extends CognitoException {}

export class ForbiddenException extends CognitoException {}

export class GroupExistsException extends CognitoException {}

export class InternalErrorException extends CognitoException {
  override readonly statusCode = 500;
}

export class InvalidEmailRoleAccessPolicyException extends CognitoException {}

export class InvalidLambdaResponseException extends CognitoException {}

export class InvalidOAuthFlowException extends CognitoException {}

export class InvalidParameterException extends CognitoException {}

export class InvalidPasswordException extends CognitoException {}

export class InvalidSmsRoleAccessPolicyException extends CognitoException {}

export class InvalidSmsRoleTrustRelationshipException extends CognitoException {}

export class InvalidUserPoolConfigurationException extends CognitoException {}

export class LimitExceededException extends CognitoException {}

export class MFAMethodNotFoundException extends CognitoException {}

export class NotAuthorizedException extends CognitoException {}

export class PasswordHistoryPolicyViolationException extends CognitoException {}

export class PasswordResetRequiredException extends CognitoException {}

export class PreconditionNotMetException extends CognitoException {}

export class ResourceNotFoundException extends CognitoException {}

export class ScopeDoesNotExistException extends CognitoException {}

export class SoftwareTokenMFANotFoundException extends CognitoException {}

export class TooManyFailedAttemptsException extends CognitoException {}

export class TooManyRequestsException extends CognitoException {}

export class UnauthorizedException extends CognitoException {}

export class UnexpectedLambdaException extends CognitoException {}

export class UnsupportedIdentityProviderException extends CognitoException {}

export class UnsupportedOperationException extends CognitoException {}

export class UnsupportedTokenTypeException extends CognitoException {}

export class UnsupportedUserStateException extends CognitoException {}

export class UserImportInProgressException extends CognitoException {}

export class UserLambdaValidationException extends CognitoException {}

export class UserNotConfirmedException extends CognitoException {}

export class UserNotFoundException extends CognitoException {}

export class UserPoolAddOnNotEnabledException extends CognitoException {}

export class UsernameExistsException extends CognitoException {}


/**
 * Errors every AWS JSON 1.1 service answers at the protocol level (framing, routing, SigV4).
 * They are not in the Cognito model because they come from the shared AWS front end.
 */
export class ProtocolException extends CognitoException {
  constructor(
    readonly errorType:
      | 'SerializationException'
      | 'UnknownOperationException'
      | 'MissingAuthenticationTokenException'
      | 'IncompleteSignatureException'
      | 'InvalidSignatureException'
      | 'UnrecognizedClientException',
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }
}
