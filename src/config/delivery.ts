// Settings of message delivery: the SMTP server for email, the SMS gateway (Amazon SNS or an
// HTTP webhook), and how the outbox worker retries. Server-level, as a Cognito account's SES
// and SNS are; each pool's EmailConfiguration and SmsConfiguration pick sender and region.
// Every setting is a flag and a USERPOOL_* variable (flag wins), read by config.ts.

export interface SmtpSettings {
  /** Host of the SMTP server (or relay). Unset: no email is sent, it stays in the outbox. */
  host: string | undefined;
  /** Port. Default 587, or 465 with `secure`. */
  port: number | undefined;
  /** Implicit TLS from the first byte (SMTPS, usually port 465). Default off. */
  secure: boolean;
  /**
   * STARTTLS on a plain connection: `auto` (default) upgrades when the server offers it,
   * `required` refuses to send without it, `off` never upgrades (a local relay without TLS).
   */
  starttls: 'auto' | 'required' | 'off';
  /** User name for SMTP AUTH; unset sends without authenticating. */
  user: string | undefined;
  /** Password for SMTP AUTH. A secret: never logged or echoed. */
  pass: string | undefined;
  /** PEM file of CA certificates to trust for the server's certificate (a private CA or a self-signed relay). */
  caFile: string | undefined;
}

export interface SmsSettings {
  /**
   * How SMS go out: `sns` (Amazon SNS Publish, or any SNS-compatible endpoint) or `webhook`
   * (a POST of JSON to a gateway). Unset: chosen by which of the settings below are given;
   * none given, no SMS is sent (they stay in the outbox until they expire).
   */
  transport: 'sns' | 'webhook' | undefined;
  /** The gateway a webhook POSTs {destination, text, messageId, poolId} to. */
  webhookUrl: string | undefined;
  /** Sent to the webhook as `Authorization: Bearer <token>`. A secret. */
  webhookToken: string | undefined;
  /** SNS endpoint URL; unset: Amazon SNS in the pool's SnsRegion (else the server's region). */
  snsEndpoint: string | undefined;
  /** SNS credentials; unset: the AWS SDK's default chain (AWS_ACCESS_KEY_ID, profile, instance role). */
  snsCredentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  /**
   * Publish each pool's SMS as the IAM role its SmsConfiguration.SnsCallerArn names, as
   * Cognito does: STS AssumeRole for that role (with the pool's ExternalId), signed with the
   * SNS credentials above, then Publish with the role's temporary credentials. A role that
   * does not trust us answers InvalidSmsRoleTrustRelationshipException; a role that may not
   * publish, InvalidSmsRoleAccessPolicyException. Default off: Publish with the SNS
   * credentials themselves, the pool's role only has to be named.
   */
  snsAssumeRole: boolean;
  /** STS endpoint for AssumeRole; unset: AWS STS in the SNS region. Setting it turns snsAssumeRole on. */
  stsEndpoint: string | undefined;
}

export interface DeliverySettings {
  smtp: SmtpSettings;
  /** From address of email when the pool's EmailConfiguration names none. Cognito's: no-reply@verificationemail.com. */
  emailFrom: string;
  sms: SmsSettings;
  /** Network timeout of one attempt (connect, greeting, each SMTP step, the HTTP call). Default 10000. */
  timeoutMs: number;
  /**
   * How long a request waits for the first attempt to deliver the message it queued, so a
   * permanent rejection reaches the caller as CodeDeliveryFailureException (or a refused
   * sender as Invalid*RoleAccessPolicyException). 0: never wait. Default 2000. Requests
   * whose answer must not depend on the user existing (PreventUserExistenceErrors) never wait.
   */
  waitMs: number;
  /** First retry delay after a transient failure; it doubles per attempt (to 15 minutes at most). Default 5000. */
  retryBaseMs: number;
  /** Attempts before a message is given up (failed). Default 10. */
  maxAttempts: number;
}

/** Cognito's sender address when a pool configures none. */
export const COGNITO_DEFAULT_FROM = 'no-reply@verificationemail.com';

export function defaultDeliverySettings(): DeliverySettings {
  return {
    smtp: { host: undefined, port: undefined, secure: false, starttls: 'auto', user: undefined, pass: undefined, caFile: undefined },
    emailFrom: COGNITO_DEFAULT_FROM,
    sms: { transport: undefined, webhookUrl: undefined, webhookToken: undefined, snsEndpoint: undefined, snsCredentials: undefined, snsAssumeRole: false, stsEndpoint: undefined },
    timeoutMs: 10_000,
    waitMs: 2000,
    retryBaseMs: 5000,
    maxAttempts: 10,
  };
}

/** The raw values as given; `applyDeliveryOptions` turns them into settings. */
interface Raw {
  smtpHost?: string;
  smtpPort?: number;
  smtpSecure?: boolean;
  smtpStarttls?: SmtpSettings['starttls'];
  smtpUser?: string;
  smtpPass?: string;
  smtpCaFile?: string;
  emailFrom?: string;
  smsTransport?: 'sns' | 'webhook';
  smsWebhookUrl?: string;
  smsWebhookToken?: string;
  snsEndpoint?: string;
  snsCredentials?: { accessKeyId: string; secretAccessKey: string };
  snsAssumeRole?: boolean;
  stsEndpoint?: string;
  timeoutMs?: number;
  waitMs?: number;
  retryBaseMs?: number;
  maxAttempts?: number;
}

type Fail = (message: string) => Error;

interface DeliveryOption {
  flag: string;
  env: string;
  parse: (raw: string, name: string, fail: Fail) => Partial<Raw>;
}

function wholeNumber(min: number, max: number, raw: string, name: string, fail: Fail): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw fail(`${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
  return Number(raw);
}

function bool(raw: string, name: string, fail: Fail): boolean {
  if (['1', 'true', 'yes', 'on', ''].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw fail(`${name} must be true or false, got '${raw}'`);
}

function httpUrl(raw: string, name: string, fail: Fail): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw fail(`${name} must be an http(s) URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw fail(`${name} must be an http(s) URL`);
  return raw;
}

/** An address alone, or `Name <address>`; no line breaks (header injection). */
function emailAddress(raw: string, name: string, fail: Fail): string {
  const address = /<([^<>]+)>\s*$/.exec(raw)?.[1] ?? raw;
  if (/[\r\n]/.test(raw) || !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(address.trim())) {
    throw fail(`${name} must be an email address (or Name <address>), got '${raw.replace(/[\r\n]/g, ' ')}'`);
  }
  return raw.trim();
}

function smtpUrl(raw: string, name: string, fail: Fail): Partial<Raw> {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    // Not echoed: the URL may carry a password.
    throw fail(`${name} must be smtp://[user:pass@]host[:port] or smtps://...`);
  }
  if ((u.protocol !== 'smtp:' && u.protocol !== 'smtps:') || !u.hostname) throw fail(`${name} must be smtp://[user:pass@]host[:port] or smtps://...`);
  return {
    smtpHost: u.hostname.replace(/^\[|\]$/g, ''),
    ...(u.port && { smtpPort: Number(u.port) }),
    smtpSecure: u.protocol === 'smtps:',
    ...(u.username && { smtpUser: decodeURIComponent(u.username) }),
    ...(u.password && { smtpPass: decodeURIComponent(u.password) }),
  };
}

function snsCredentials(raw: string, name: string, fail: Fail): Partial<Raw> {
  const i = raw.indexOf(':');
  if (i <= 0 || i === raw.length - 1) throw fail(`${name} must be ACCESS_KEY_ID:SECRET_ACCESS_KEY`);
  return { snsCredentials: { accessKeyId: raw.slice(0, i), secretAccessKey: raw.slice(i + 1) } };
}

export const DELIVERY_OPTIONS: DeliveryOption[] = [
  { flag: '--smtp-url', env: 'USERPOOL_SMTP_URL', parse: smtpUrl },
  { flag: '--smtp-host', env: 'USERPOOL_SMTP_HOST', parse: (r) => ({ smtpHost: r }) },
  { flag: '--smtp-port', env: 'USERPOOL_SMTP_PORT', parse: (r, n, f) => ({ smtpPort: wholeNumber(1, 65535, r, n, f) }) },
  { flag: '--smtp-secure', env: 'USERPOOL_SMTP_SECURE', parse: (r, n, f) => ({ smtpSecure: bool(r, n, f) }) },
  {
    flag: '--smtp-starttls', env: 'USERPOOL_SMTP_STARTTLS',
    parse: (r, n, f) => {
      if (r !== 'auto' && r !== 'required' && r !== 'off') throw f(`${n} must be auto, required or off, got '${r}'`);
      return { smtpStarttls: r };
    },
  },
  { flag: '--smtp-user', env: 'USERPOOL_SMTP_USER', parse: (r) => ({ smtpUser: r }) },
  { flag: '--smtp-pass', env: 'USERPOOL_SMTP_PASS', parse: (r) => ({ smtpPass: r }) },
  { flag: '--smtp-ca-file', env: 'USERPOOL_SMTP_CA_FILE', parse: (r) => ({ smtpCaFile: r }) },
  { flag: '--email-from', env: 'USERPOOL_EMAIL_FROM', parse: (r, n, f) => ({ emailFrom: emailAddress(r, n, f) }) },
  {
    flag: '--sms-transport', env: 'USERPOOL_SMS_TRANSPORT',
    parse: (r, n, f) => {
      if (r !== 'sns' && r !== 'webhook') throw f(`${n} must be sns or webhook, got '${r}'`);
      return { smsTransport: r };
    },
  },
  { flag: '--sms-webhook-url', env: 'USERPOOL_SMS_WEBHOOK_URL', parse: (r, n, f) => ({ smsWebhookUrl: httpUrl(r, n, f) }) },
  { flag: '--sms-webhook-token', env: 'USERPOOL_SMS_WEBHOOK_TOKEN', parse: (r) => ({ smsWebhookToken: r }) },
  { flag: '--sns-endpoint', env: 'USERPOOL_SNS_ENDPOINT', parse: (r, n, f) => ({ snsEndpoint: httpUrl(r, n, f) }) },
  { flag: '--sns-credentials', env: 'USERPOOL_SNS_CREDENTIALS', parse: snsCredentials },
  { flag: '--sns-assume-role', env: 'USERPOOL_SNS_ASSUME_ROLE', parse: (r, n, f) => ({ snsAssumeRole: bool(r, n, f) }) },
  { flag: '--sts-endpoint', env: 'USERPOOL_STS_ENDPOINT', parse: (r, n, f) => ({ stsEndpoint: httpUrl(r, n, f) }) },
  { flag: '--delivery-timeout-ms', env: 'USERPOOL_DELIVERY_TIMEOUT_MS', parse: (r, n, f) => ({ timeoutMs: wholeNumber(100, 300_000, r, n, f) }) },
  { flag: '--delivery-wait-ms', env: 'USERPOOL_DELIVERY_WAIT_MS', parse: (r, n, f) => ({ waitMs: wholeNumber(0, 30_000, r, n, f) }) },
  { flag: '--delivery-retry-ms', env: 'USERPOOL_DELIVERY_RETRY_MS', parse: (r, n, f) => ({ retryBaseMs: wholeNumber(10, 3_600_000, r, n, f) }) },
  { flag: '--delivery-max-attempts', env: 'USERPOOL_DELIVERY_MAX_ATTEMPTS', parse: (r, n, f) => ({ maxAttempts: wholeNumber(1, 100, r, n, f) }) },
];

/**
 * The delivery settings from flags and environment (flag wins, per option). Throws naming the
 * flag or variable; secrets (SMTP password, SNS secret key, webhook token) are never echoed.
 */
export function loadDeliverySettings(flags: Record<string, string | undefined>, env: NodeJS.ProcessEnv, fail: Fail): DeliverySettings {
  const raw: Raw = {};
  // --smtp-url first, so the separate SMTP flags override the parts it sets.
  const ordered = [...DELIVERY_OPTIONS].sort((a, b) => Number(b.flag === '--smtp-url') - Number(a.flag === '--smtp-url'));
  for (const opt of ordered) {
    const fromFlag = flags[opt.flag];
    const fromEnv = env[opt.env];
    if (fromFlag !== undefined) Object.assign(raw, opt.parse(fromFlag, opt.flag, fail));
    else if (fromEnv !== undefined && fromEnv !== '') Object.assign(raw, opt.parse(fromEnv, opt.env, fail));
  }
  const d = defaultDeliverySettings();
  d.smtp = {
    host: raw.smtpHost,
    port: raw.smtpPort,
    secure: raw.smtpSecure ?? false,
    starttls: raw.smtpStarttls ?? 'auto',
    user: raw.smtpUser,
    pass: raw.smtpPass,
    caFile: raw.smtpCaFile,
  };
  if (raw.emailFrom) d.emailFrom = raw.emailFrom;
  d.sms = smsSettings(raw, fail);
  if (raw.timeoutMs !== undefined) d.timeoutMs = raw.timeoutMs;
  if (raw.waitMs !== undefined) d.waitMs = raw.waitMs;
  if (raw.retryBaseMs !== undefined) d.retryBaseMs = raw.retryBaseMs;
  if (raw.maxAttempts !== undefined) d.maxAttempts = raw.maxAttempts;
  return d;
}

function smsSettings(raw: Raw, fail: Fail): SmsSettings {
  const assumeRole = raw.snsAssumeRole ?? raw.stsEndpoint !== undefined;
  const wantsSns = raw.snsEndpoint !== undefined || raw.snsCredentials !== undefined || assumeRole;
  const wantsWebhook = raw.smsWebhookUrl !== undefined;
  let transport = raw.smsTransport;
  if (!transport) {
    if (wantsSns && wantsWebhook) throw fail('both SNS and webhook SMS settings are given: choose one with --sms-transport');
    transport = wantsWebhook ? 'webhook' : wantsSns ? 'sns' : undefined;
  }
  if (transport === 'webhook' && !raw.smsWebhookUrl) throw fail('--sms-transport webhook needs --sms-webhook-url');
  if (transport === 'webhook' && assumeRole) throw fail('--sns-assume-role and --sts-endpoint apply to SMS through SNS, not through the webhook');
  return {
    transport,
    webhookUrl: raw.smsWebhookUrl,
    webhookToken: raw.smsWebhookToken,
    snsEndpoint: raw.snsEndpoint,
    snsCredentials: raw.snsCredentials,
    snsAssumeRole: assumeRole,
    stsEndpoint: raw.stsEndpoint,
  };
}
