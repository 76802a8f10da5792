// The store's records in domain words (camelCase). Settings documents are kept as the JSON
// objects the operations define; the store does not look inside them.

export type JsonObject = Record<string, unknown>;

export interface PoolRecord {
  id: string;
  name: string;
  settings: JsonObject;
  createdAt: number;
  updatedAt: number;
}

export interface ClientRecord {
  id: string;
  poolId: string;
  name: string;
  secret: string | null;
  settings: JsonObject;
  createdAt: number;
  updatedAt: number;
}

export type UserStatus =
  | 'UNCONFIRMED'
  | 'CONFIRMED'
  | 'FORCE_CHANGE_PASSWORD'
  | 'RESET_REQUIRED'
  | 'EXTERNAL_PROVIDER'
  | 'ARCHIVED'
  | 'COMPROMISED'
  | 'UNKNOWN';

export interface MfaSettings {
  /** MFA options the user has (SMS_MFA, SOFTWARE_TOKEN_MFA), and which one is preferred. */
  enabled: string[];
  preferred?: string;
}

export interface UserRecord {
  sub: string;
  poolId: string;
  username: string;
  status: UserStatus;
  enabled: boolean;
  passwordHash: string | null;
  /**
   * SRP salt and verifier (JSON) for USER_SRP_AUTH, made with the password; null when the
   * user has no password or set it before verifiers were kept. As secret as passwordHash.
   */
  srpVerifier: string | null;
  passwordChangedAt: number | null;
  /** Attribute name -> value, as strings the way Cognito holds them (sub excluded). */
  attributes: Record<string, string>;
  mfa: MfaSettings;
  tokensValidAfter: number;
  createdAt: number;
  updatedAt: number;
}

/** How a user can be found besides the username: kind is email, phone_number or preferred_username. */
export interface UserAlias {
  kind: string;
  valueKey: string;
}

export interface UserFilter {
  /** Attribute name as ListUsers names it (username, email, status, cognito:user_status, ...). */
  name: string;
  value: string;
  prefix: boolean;
}

export interface MessageRecord {
  id: string;
  poolId: string;
  sub: string | null;
  channel: 'EMAIL' | 'SMS';
  destination: string;
  subject: string | null;
  body: string;
  purpose: string;
  status: string;
  createdAt: number;
}

export interface AuditEventRecord {
  id: string;
  poolId: string;
  sub: string | null;
  subjectKey: string | null;
  eventType: string;
  outcome: string;
  reason: string | null;
  clientId: string | null;
  ip: string | null;
  userAgent: string | null;
  device: string | null;
  details: JsonObject | null;
  createdAt: number;
}

/** Thrown by the store when a unique key is taken; operations turn it into Cognito's exception. */
export class StoreConflict extends Error {
  constructor(readonly what: 'pool' | 'client' | 'username' | 'alias', readonly detail?: string) {
    super(`conflict on ${what}`);
  }
}
