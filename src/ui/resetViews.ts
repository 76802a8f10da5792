// The HTML of the reset pages. Accessibility: every input has a label; hints and errors are
// tied to their input with aria-describedby and aria-invalid; an error summary (role=alert)
// links to each field in page order, and the first field in error gets the focus. The
// password rules are a checklist the server marks after a failed attempt and the optional
// script (assets.ts) marks live while typing.
import { checkPasswordPolicy, type PasswordPolicy, type PolicyViolation } from '../domain/passwordPolicy.js';
import { esc, renderShell, type Shell } from './html.js';
import { STATIC_PATHS } from './assets.js';
import { CSRF_FIELD } from './csrf.js';
import type { Field, PageError } from './resetErrors.js';

export type Branding = Pick<Shell, 'themeHref' | 'logo' | 'brand'>;

const FIELD_IDS: Record<Exclude<Field, 'form'>, string> = {
  username: 'username',
  code: 'code',
  password: 'password',
  confirmPassword: 'confirm-password',
};

function errorSummary(errors: PageError[]): string {
  if (errors.length === 0) return '';
  const items = errors.map((e) => {
    const text = esc(e.text);
    return e.field === 'form' ? `<li>${text}</li>` : `<li><a href="#${FIELD_IDS[e.field]}">${text}</a></li>`;
  });
  return `<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">There is a problem</h2>
<ul>${items.join('')}</ul>
</div>`;
}

interface InputSpec {
  field: Exclude<Field, 'form'>;
  label: string;
  type: 'text' | 'password';
  autocomplete: string;
  value?: string;
  hint?: string;
  /** Further element ids describing the input (the password rules). */
  describedBy?: string[];
  inputmode?: string;
  autofocus?: boolean;
  after?: string;
}

function input(spec: InputSpec, errors: PageError[]): string {
  const id = FIELD_IDS[spec.field];
  const error = errors.find((e) => e.field === spec.field);
  const described = [spec.hint ? `${id}-hint` : '', ...(spec.describedBy ?? []), error ? `${id}-error` : ''].filter(Boolean);
  const attrs = [
    `id="${id}"`,
    `name="${id}"`,
    `type="${spec.type}"`,
    `autocomplete="${spec.autocomplete}"`,
    'required',
    spec.type === 'text' ? 'autocapitalize="none" spellcheck="false"' : '',
    spec.inputmode ? `inputmode="${spec.inputmode}"` : '',
    spec.value ? `value="${esc(spec.value)}"` : '',
    described.length ? `aria-describedby="${described.join(' ')}"` : '',
    error ? 'aria-invalid="true"' : '',
    spec.autofocus ? 'autofocus' : '',
  ].filter(Boolean);
  return `<div class="field">
<label for="${id}">${esc(spec.label)}</label>
${spec.hint ? `<span class="hint" id="${id}-hint">${esc(spec.hint)}</span>\n` : ''}<input ${attrs.join(' ')}>
${error ? `<span class="field-error" id="${id}-error">${esc(error.text)}</span>\n` : ''}${spec.after ?? ''}</div>`;
}

/** The field that gets the focus: the first in error, else the first one to fill in. */
function focusField(errors: PageError[], order: Array<Exclude<Field, 'form'>>, fallback: Exclude<Field, 'form'>): Exclude<Field, 'form'> {
  return order.find((f) => errors.some((e) => e.field === f)) ?? fallback;
}

export interface ForgotView {
  action: string;
  csrf: string;
  username?: string;
  errors: PageError[];
  branding: Branding;
}

export function forgotPasswordPage(v: ForgotView): string {
  const body = `${errorSummary(v.errors)}
<p class="lead">Enter your username or email address and we will send you a code to reset your password.</p>
<form method="post" action="${esc(v.action)}" novalidate>
<input type="hidden" name="${CSRF_FIELD}" value="${esc(v.csrf)}">
${input({ field: 'username', label: 'Username or email address', type: 'text', autocomplete: 'username', value: v.username, autofocus: true }, v.errors)}
<div class="actions"><button type="submit">Send code</button></div>
</form>`;
  return renderShell({ title: 'Forgot your password?', body, ...v.branding });
}

const RULES: Array<{ rule: PolicyViolation; on: (p: PasswordPolicy) => boolean; text: (p: PasswordPolicy) => string }> = [
  { rule: 'length', on: () => true, text: (p) => `At least ${p.minimumLength} characters` },
  { rule: 'uppercase', on: (p) => p.requireUppercase, text: () => 'An uppercase letter (A–Z)' },
  { rule: 'lowercase', on: (p) => p.requireLowercase, text: () => 'A lowercase letter (a–z)' },
  { rule: 'numbers', on: (p) => p.requireNumbers, text: () => 'A number (0–9)' },
  { rule: 'symbols', on: (p) => p.requireSymbols, text: () => 'A special character, such as ! @ # $ or %' },
];

const NOTHING_REQUIRED: PasswordPolicy = {
  minimumLength: 0,
  requireUppercase: false,
  requireLowercase: false,
  requireNumbers: false,
  requireSymbols: false,
  temporaryPasswordValidityDays: 7,
  passwordHistorySize: 0,
};

/** Whether `password` meets one rule, by the same code the operation uses (domain/passwordPolicy.ts). */
function meets(policy: PasswordPolicy, rule: PolicyViolation, password: string): boolean {
  const only: PasswordPolicy = {
    ...NOTHING_REQUIRED,
    minimumLength: rule === 'length' ? policy.minimumLength : 0,
    requireUppercase: rule === 'uppercase',
    requireLowercase: rule === 'lowercase',
    requireNumbers: rule === 'numbers',
    requireSymbols: rule === 'symbols',
  };
  return checkPasswordPolicy(only, password) === null;
}

/** The policy checklist; with `tried` (the refused password) each rule is marked met or not. */
function passwordRules(policy: PasswordPolicy, tried: string | undefined): string {
  const items = RULES.filter((r) => r.on(policy)).map((r) => {
    const state = tried === undefined ? '' : meets(policy, r.rule, tried) ? 'met' : 'unmet';
    const min = r.rule === 'length' ? ` data-min="${policy.minimumLength}"` : '';
    const said = state === 'met' ? ' (met)' : state === 'unmet' ? ' (not met)' : '';
    return `<li data-rule="${r.rule}"${min}${state ? ` class="${state}"` : ''}>${esc(r.text(policy))}<span class="state sr-only">${said}</span></li>`;
  });
  return `<span class="hint" id="password-rules-title">Your password must contain:</span>
<ul class="rules" id="password-rules" aria-labelledby="password-rules-title">${items.join('')}</ul>
<span class="sr-only" id="password-rules-status" aria-live="polite"></span>
`;
}

export interface ConfirmView {
  action: string;
  forgotHref: string;
  csrf: string;
  username?: string;
  code?: string;
  /** Where the code went, as ForgotPassword answered it (masked). */
  sentTo?: { medium: string; destination: string };
  errors: PageError[];
  policy: PasswordPolicy;
  triedPassword?: string;
  branding: Branding;
  mailboxHref?: string;
}

export function confirmForgotPasswordPage(v: ConfirmView): string {
  const sent = v.sentTo
    ? `<p class="notice" role="status">We sent a code by ${v.sentTo.medium === 'SMS' ? 'text message' : 'email'} to <strong>${esc(v.sentTo.destination)}</strong>. It may take a minute to arrive.</p>`
    : '<p class="lead">Enter the code we sent you and choose a new password.</p>';
  const order: Array<Exclude<Field, 'form'>> = ['username', 'code', 'password', 'confirmPassword'];
  const focus = focusField(v.errors, order, v.username ? 'code' : 'username');
  const newCode = v.errors.some((e) => e.offerNewCode);
  const body = `${errorSummary(v.errors)}
${sent}
<form method="post" action="${esc(v.action)}" novalidate>
<input type="hidden" name="${CSRF_FIELD}" value="${esc(v.csrf)}">
${input({ field: 'username', label: 'Username or email address', type: 'text', autocomplete: 'username', value: v.username, autofocus: focus === 'username' }, v.errors)}
${input({ field: 'code', label: 'Code', type: 'text', autocomplete: 'one-time-code', inputmode: 'numeric', value: v.code, hint: 'The code from the message we sent you.', autofocus: focus === 'code' }, v.errors)}
${input({ field: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', describedBy: ['password-rules'], autofocus: focus === 'password', after: passwordRules(v.policy, v.triedPassword) }, v.errors)}
${input({ field: 'confirmPassword', label: 'Confirm new password', type: 'password', autocomplete: 'new-password', autofocus: focus === 'confirmPassword' }, v.errors)}
<div class="actions"><button type="submit">Change password</button><a href="${esc(v.forgotHref)}">${newCode ? 'Request a new code' : 'Didn’t get a code? Send a new one'}</a></div>
</form>
${v.mailboxHref ? `<p class="dev">Development mode: the code is in the <a href="${esc(v.mailboxHref)}">development mailbox</a>.</p>` : ''}`;
  return renderShell({ title: 'Reset your password', body, ...v.branding, scripts: [STATIC_PATHS.resetJs] });
}

export function resetDonePage(v: { backHref?: string; appName?: string; branding: Branding }): string {
  const back = v.backHref
    ? `<div class="actions"><a class="button" href="${esc(v.backHref)}">Back to ${esc(v.appName ?? 'the app')}</a></div>`
    : '<p>You can close this page and return to the app.</p>';
  const body = `<p class="notice success" role="status">Your password has been changed. Sign in with your new password.</p>
${back}`;
  return renderShell({ title: 'Your password has been reset', body, ...v.branding });
}

/** A page that cannot go on (unknown app, unregistered redirect, refused form post). */
export function stopPage(title: string, text: string, branding: Branding = {}, retryHref?: string): string {
  const retry = retryHref ? `<div class="actions"><a href="${esc(retryHref)}">Start again</a></div>` : '';
  return renderShell({ title, body: `<p role="alert">${esc(text)}</p>\n${retry}`, ...branding });
}
