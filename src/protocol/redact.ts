// Field paths the logger censors wherever they appear in a logged object. Bodies are never
// logged on purpose; this list catches accidents (a logged input, error or event).
const SECRET_FIELDS = [
  'Password',
  'PreviousPassword',
  'ProposedPassword',
  'TemporaryPassword',
  'ConfirmationCode',
  'Code',
  'SecretHash',
  'ClientSecret',
  'AccessToken',
  'RefreshToken',
  'IdToken',
  'Session',
  'SECRET_HASH',
  'PASSWORD',
  'NEW_PASSWORD',
  'password',
  'code',
  'secret',
  'authorization',
  // A stored SRP verifier allows offline password guessing at SHA-256 speed.
  'srpVerifier',
  'srp_verifier',
  // Sign-in and tokens: a refresh token (AuthParameters, RevokeToken's Token), a signing key.
  'REFRESH_TOKEN',
  'Token',
  'privateKey',
  'private_key',
];

export const REDACTED_PATHS: string[] = [
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  'req.headers.authorization',
  'headers.authorization',
];
