// What a transport is given and what it answers. Transports never throw: every failure comes
// back classified, because the class decides what happens next.
//
// - sent: the server took the message.
// - transient: may work later (connection refused, timeout, SMTP 4xx, HTTP 5xx or 429).
//   Retried with back-off.
// - rejected: the recipient or the content was refused for good (SMTP 5xx for the
//   recipient, SNS InvalidParameter, webhook 4xx). Not retried; a waiting caller gets
//   CodeDeliveryFailureException.
// - email_identity: the server may not send as this sender (SMTP AUTH refused, the sender
//   address refused, a pool's SourceArn/From that do not match).
//   -> InvalidEmailRoleAccessPolicyException.
// - sms_policy: not allowed to publish (no SmsConfiguration on the pool for SNS, SNS
//   AuthorizationError, webhook 403). -> InvalidSmsRoleAccessPolicyException.
// - sms_trust: the SMS credentials themselves are not accepted (SNS InvalidClientTokenId,
//   SignatureDoesNotMatch, ExpiredToken; webhook 401). -> InvalidSmsRoleTrustRelationshipException.
// The last three are configuration faults: retried like transient ones (fixing the
// configuration lets the outbox drain), and reported to a caller waiting for the message.

export type FailureKind = 'transient' | 'rejected' | 'email_identity' | 'sms_policy' | 'sms_trust';

/** A failure as the outbox and the audit trail keep it: codes and numbers, never server text or the body. */
export interface DeliveryFailure {
  kind: FailureKind;
  /** Short machine-readable cause, e.g. `smtp 550 RCPT TO`, `sns AuthorizationError`, `http 503`. */
  detail: string;
}

export type SendResult = { kind: 'sent' } | DeliveryFailure;

export interface EmailEnvelope {
  /** The outbox message id; also the Message-ID's local part, so a receiver can drop duplicates. */
  id: string;
  to: string;
  from: string;
  replyTo: string | undefined;
  subject: string;
  text: string;
  /** Set when the body is HTML; `text` is then its plain-text alternative. */
  html: string | undefined;
}

export interface SmsEnvelope {
  id: string;
  poolId: string;
  /** E.164 phone number. */
  to: string;
  text: string;
  /** SNS region: the pool's SmsConfiguration.SnsRegion, else the server's region. */
  region: string;
  /** The pool's SmsConfiguration role (SnsCallerArn, ExternalId), assumed to publish when so configured. */
  role: { arn: string; externalId: string | undefined } | undefined;
}

export interface Transport<E> {
  /** Shown in audit events and logs (`smtp`, `sns`, `webhook`). */
  readonly name: string;
  send(envelope: E): Promise<SendResult>;
  close(): Promise<void>;
}

export interface Transports {
  email?: Transport<EmailEnvelope>;
  sms?: Transport<SmsEnvelope>;
}
