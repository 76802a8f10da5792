// Table shapes as the database holds them (snake_case columns). Times are epoch
// milliseconds in integer columns so both SQLite and PostgreSQL compare them natively;
// JSON documents are text so the same migrations serve both databases.

export interface UserPoolsTable {
  id: string;
  name: string;
  settings: string;
  created_at: number;
  updated_at: number;
}

export interface PoolClientsTable {
  id: string;
  pool_id: string;
  name: string;
  secret: string | null;
  settings: string;
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  sub: string;
  pool_id: string;
  username: string;
  /** The username as looked up: lower-cased when the pool is case-insensitive. */
  username_key: string;
  status: string;
  enabled: number;
  password_hash: string | null;
  password_changed_at: number | null;
  attributes: string;
  mfa: string;
  /** Tokens issued before this instant are refused (sign-out, password reset). */
  tokens_valid_after: number;
  created_at: number;
  updated_at: number;
  /** SRP salt and verifier as JSON (migration 003); as sensitive as password_hash. */
  srp_verifier: string | null;
}

/** Aliases usable to sign in or address a user: email, phone_number, preferred_username. */
export interface UserAliasesTable {
  pool_id: string;
  kind: string;
  value_key: string;
  sub: string;
}

/** Indexed copies of the attributes ListUsers can filter on, so filters never scan. */
export interface UserSearchTable {
  pool_id: string;
  name: string;
  value: string;
  sub: string;
}

export interface PasswordHistoryTable {
  id: string;
  sub: string;
  password_hash: string;
  created_at: number;
}

export interface OneTimeCodesTable {
  id: string;
  pool_id: string;
  sub: string;
  purpose: string;
  /** Keyed MAC of the code; the code itself is never stored. */
  mac: string;
  key_id: string;
  attempts: number;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
  superseded_at: number | null;
  /** The attribute the code was sent to (email, phone_number), for verification codes. */
  attribute: string | null;
  /** The attribute value (address, number) the code was sent to; migration 004. */
  sent_to: string | null;
}

export interface MessagesTable {
  id: string;
  pool_id: string;
  sub: string | null;
  channel: string;
  destination: string;
  subject: string | null;
  body: string;
  purpose: string;
  /** recorded (development log only), pending, sent, failed, expired: see delivery/worker.ts. */
  status: string;
  created_at: number;
  // Outbox columns (migration 005).
  attempts: number;
  next_attempt_at: number | null;
  claimed_by: string | null;
  claimed_until: number | null;
  sent_at: number | null;
  last_error: string | null;
  expires_at: number | null;
  /** Subject and body with every secret replaced by {####}; they replace the originals once final. */
  redacted_subject: string | null;
  redacted_body: string | null;
}

export interface AuditEventsTable {
  id: string;
  pool_id: string;
  sub: string | null;
  subject_key: string | null;
  event_type: string;
  outcome: string;
  reason: string | null;
  client_id: string | null;
  ip: string | null;
  user_agent: string | null;
  device: string | null;
  details: string | null;
  created_at: number;
}

export interface RateCountersTable {
  key: string;
  window_start: number;
  count: number;
  expires_at: number;
}

/** Per-pool token signing keys; the newest unretired key signs, every unretired one is published. */
export interface SigningKeysTable {
  kid: string;
  pool_id: string;
  alg: string;
  public_jwk: string;
  /** Encrypted private key; the wrapping key lives outside the database. */
  private_key: string;
  wrap_key_id: string;
  created_at: number;
  retired_at: number | null;
}

/** One row per sign-in: the refresh token (hashed) and the token family its origin_jti names. */
export interface RefreshTokensTable {
  id: string;
  token_hash: string;
  pool_id: string;
  client_id: string;
  sub: string;
  /** Epoch seconds of the authentication, carried into every token of the family. */
  auth_time: number;
  created_at: number;
  /** The user's tokens_valid_after as the sign-in read it. */
  user_valid_after: number;
  expires_at: number;
  revoked_at: number | null;
}

/** Sessions of sign-in challenges (the Session string, hashed), single use. */
export interface AuthSessionsTable {
  id: string;
  pool_id: string;
  client_id: string;
  sub: string | null;
  challenge: string;
  data: string | null;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

/** A user import job (migration 007); statuses are Cognito's UserImportJobStatusType. */
export interface ImportJobsTable {
  id: string;
  pool_id: string;
  name: string;
  role_arn: string;
  status: string;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  imported: number;
  skipped: number;
  failed: number;
  completion_message: string | null;
  /** Size of the uploaded CSV once its upload finished; null while none is complete. */
  upload_bytes: number | null;
  /** Data rows settled so far (imported or failed), committed with them: where a resumed job goes on. */
  rows_done: number;
  claimed_by: string | null;
  claimed_until: number | null;
}

/** The uploaded CSV, in order of seq. */
export interface ImportJobChunksTable {
  job_id: string;
  seq: number;
  data: Buffer;
}

/** An import job's log: failed rows (by row number, the header being row 1) and job events (row 0). */
export interface ImportJobLogTable {
  job_id: string;
  row_number: number;
  level: string;
  username: string | null;
  message: string;
  created_at: number;
}

export interface Database {
  user_pools: UserPoolsTable;
  pool_clients: PoolClientsTable;
  users: UsersTable;
  user_aliases: UserAliasesTable;
  user_search: UserSearchTable;
  password_history: PasswordHistoryTable;
  one_time_codes: OneTimeCodesTable;
  messages: MessagesTable;
  audit_events: AuditEventsTable;
  rate_counters: RateCountersTable;
  settings_kv: { key: string; value: string };
  signing_keys: SigningKeysTable;
  refresh_tokens: RefreshTokensTable;
  auth_sessions: AuthSessionsTable;
  import_jobs: ImportJobsTable;
  import_job_chunks: ImportJobChunksTable;
  import_job_log: ImportJobLogTable;
}
