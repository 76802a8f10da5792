// Shared setup for the sign-up tests: a fast server on a clock the test can move, sign-ups
// through the SDK, and codes read back from the development message log over HTTP.
import {
  SignUpCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  type SignUpResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { FAST_ARGON2 } from '../helpers/users.js';
import type { ServerConfig } from '../../src/config/config.js';

export const PASSWORD = 'Sign-Up-Pass1';
/** Pools that auto-verify phone numbers must have an SMS configuration (Cognito's rule). */
export const SMS_CONFIGURATION = { SnsCallerArn: 'arn:aws:iam::000000000000:role/sns', ExternalId: 'userpool-test' };

export interface MovableClock {
  now(): number;
  advance(ms: number): void;
}

/**
 * A clock the test moves. Each reading also ticks one millisecond, so two messages recorded
 * one after the other never share a timestamp (the mailbox orders by time: "the newest
 * message" must be the one sent last).
 */
export function movableClock(start = Date.UTC(2026, 0, 1)): MovableClock {
  let t = start;
  return {
    now: () => t++,
    advance: (ms) => {
      t += ms;
    },
  };
}

export function startSignUpServer(clock?: MovableClock, overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  return startTestServer({ dev: true, ...overrides }, { argon2: FAST_ARGON2, ...(clock && { clock }) });
}

export function signUp(
  client: CognitoIdentityProviderClient,
  clientId: string,
  username: string,
  attributes: AttributeType[] = [],
  extra: { SecretHash?: string; Password?: string } = {},
): Promise<SignUpResponse> {
  return client.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, UserAttributes: attributes, ...extra }));
}

export function emailAttr(email: string): AttributeType {
  return { Name: 'email', Value: email };
}

interface SmsMessage {
  PhoneNumber: string;
  Message: string;
}

/** Every SMS recorded for `phone`, oldest first. */
export async function smsMessages(server: TestServer, phone: string): Promise<SmsMessage[]> {
  const res = await fetch(`${server.url}/_aws/sns/sms-messages?phoneNumber=${encodeURIComponent(phone)}`);
  const body = (await res.json()) as { sms_messages: Record<string, SmsMessage[]> };
  return body.sms_messages[phone] ?? [];
}

/** The code in the newest SMS to `phone`. */
export async function lastSmsCode(server: TestServer, phone: string): Promise<string> {
  const all = await smsMessages(server, phone);
  const code = /\b(\d{6,10})\b/.exec(all[all.length - 1]?.Message ?? '')?.[1];
  if (!code) throw new Error(`no code in the newest SMS to ${phone}`);
  return code;
}

/** A code that is certainly not `code` (same length, every digit changed). */
export function wrongCode(code: string): string {
  return [...code].map((d) => String((Number(d) + 1) % 10)).join('');
}

/** How many messages of any kind the server has recorded. */
export async function messageCount(server: TestServer): Promise<number> {
  return (await server.app.services.store.messages.listMessages({})).length;
}
