// App-client token lifetimes: how Cognito reads a validity number together with its unit, which
// defaults fill the gaps, and which ranges it accepts. Pure.

export type TimeUnit = 'seconds' | 'minutes' | 'hours' | 'days';

export const SECONDS_PER_UNIT: Readonly<Record<TimeUnit, number>> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

export interface Validity {
  value: number;
  unit: TimeUnit;
}

export interface TokenValidities {
  access: Validity;
  id: Validity;
  refresh: Validity;
}

/** What the caller sent for one token: either part may be missing. */
export interface ValidityRequest {
  value?: number;
  unit?: TimeUnit;
}

interface TokenRule {
  /** Used when neither value nor unit is given: what DescribeUserPoolClient then reports. */
  whenOmitted: Validity;
  /** The unit a bare number is read in (Cognito's API default unit for this token). */
  bareUnit: TimeUnit;
  /** The number used when only a unit is given: Cognito keeps its default number, not its duration. */
  defaultValue: number;
  minSeconds: number;
  maxSeconds: number;
}

// Access and ID tokens: 5 minutes to 1 day, one hour by default; a bare number means hours.
const ACCESS_OR_ID: TokenRule = {
  whenOmitted: { value: 60, unit: 'minutes' },
  bareUnit: 'hours',
  defaultValue: 60,
  minSeconds: 5 * 60,
  maxSeconds: 86400,
};

// Refresh tokens: 60 minutes to 10 years (3650 days), 30 days by default; a bare number means days.
const REFRESH: TokenRule = {
  whenOmitted: { value: 30, unit: 'days' },
  bareUnit: 'days',
  defaultValue: 30,
  minSeconds: 3600,
  maxSeconds: 3650 * 86400,
};

export type ValidityProblem = 'range' | 'order';

export type ValidityResult = { ok: true; validities: TokenValidities } | { ok: false; problem: ValidityProblem };

export function toSeconds(v: Validity): number {
  return v.value * SECONDS_PER_UNIT[v.unit];
}

function resolveOne(rule: TokenRule, req: ValidityRequest): Validity {
  if (req.value === undefined) {
    return req.unit === undefined ? { ...rule.whenOmitted } : { value: rule.defaultValue, unit: req.unit };
  }
  return { value: req.value, unit: req.unit ?? rule.bareUnit };
}

/**
 * The lifetimes a client gets from what CreateUserPoolClient/UpdateUserPoolClient sent.
 * `range`: a lifetime falls outside Cognito's bounds. `order`: an access or ID token would
 * outlive the refresh token.
 */
export function resolveTokenValidities(req: { access: ValidityRequest; id: ValidityRequest; refresh: ValidityRequest }): ValidityResult {
  // Cognito: RefreshTokenValidity 0 is replaced by the default of 30 days.
  const refreshReq: ValidityRequest = req.refresh.value === 0 ? {} : req.refresh;
  const validities: TokenValidities = {
    access: resolveOne(ACCESS_OR_ID, req.access),
    id: resolveOne(ACCESS_OR_ID, req.id),
    refresh: resolveOne(REFRESH, refreshReq),
  };
  const within = (rule: TokenRule, v: Validity): boolean => {
    const s = toSeconds(v);
    return s >= rule.minSeconds && s <= rule.maxSeconds;
  };
  if (!within(ACCESS_OR_ID, validities.access) || !within(ACCESS_OR_ID, validities.id) || !within(REFRESH, validities.refresh)) {
    return { ok: false, problem: 'range' };
  }
  const refreshSeconds = toSeconds(validities.refresh);
  if (toSeconds(validities.access) > refreshSeconds || toSeconds(validities.id) > refreshSeconds) {
    return { ok: false, problem: 'order' };
  }
  return { ok: true, validities };
}
