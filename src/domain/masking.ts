// Destination masking as Cognito shows it in CodeDeliveryDetails. Pure.

/** `test@example.com` -> `t***@e***` */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = at > 0 ? email.slice(0, at) : email;
  const domain = at > 0 ? email.slice(at + 1) : '';
  return `${[...local][0] ?? ''}***@${[...domain][0] ?? ''}***`;
}

/** `+15555551234` -> `+*******1234`: every digit but the last four hidden. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  const shown = digits.slice(-4);
  return `+${'*'.repeat(Math.max(0, digits.length - shown.length))}${shown}`;
}

export function looksLikeEmail(value: string): boolean {
  return /^[^@\s]+@[^@\s]+$/.test(value);
}

export function looksLikePhone(value: string): boolean {
  return /^\+\d{4,15}$/.test(value);
}
