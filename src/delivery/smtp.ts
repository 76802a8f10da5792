// Email over SMTP with nodemailer: a small pool of kept-alive connections to one server (or
// relay), with every failure classified for the outbox (see transport.ts).
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { SmtpSettings } from '../config/delivery.js';
import { addressOf } from '../domain/emailSender.js';
import type { DeliveryFailure, EmailEnvelope, SendResult, Transport } from './transport.js';

/** Connections kept open to the server; more sends than this queue for a free one. */
const MAX_CONNECTIONS = 10;

interface SmtpError {
  code?: string;
  command?: string;
  responseCode?: number;
}

/**
 * Classifies a nodemailer error. Only codes, commands and numbers are kept: the server's
 * text may quote the recipient or, on a DATA rejection, parts of the message.
 */
export function classifySmtpError(err: unknown): DeliveryFailure {
  const e = (err ?? {}) as SmtpError;
  const code = typeof e.code === 'string' ? e.code : 'EUNKNOWN';
  const command = typeof e.command === 'string' ? e.command.split(' ').slice(0, 2).join(' ').replace(/[^\w ]/g, '') : '';
  const status = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const detail = ['smtp', status ?? code, command].filter(Boolean).join(' ');
  // Authentication refused, or no way to authenticate: the server may not send as us.
  if (code === 'EAUTH' || code === 'ENOAUTH') return { kind: 'email_identity', detail };
  if (status !== undefined && status >= 500) {
    // A refused sender (MAIL FROM) is about who we send as, not about the recipient.
    if (/^MAIL/i.test(command)) return { kind: 'email_identity', detail };
    // Refused for this recipient or this content: final.
    if (/^(RCPT|DATA)/i.test(command) || code === 'EENVELOPE' || code === 'EMESSAGE') return { kind: 'rejected', detail };
    // Refused before any message was offered (greeting, EHLO, STARTTLS): the connection,
    // not the message; it may be fixed on either side, so try again later.
    return { kind: 'transient', detail };
  }
  if (status !== undefined && status >= 400) return { kind: 'transient', detail };
  // No SMTP status: the connection, TLS, DNS or a timeout. An envelope nodemailer itself
  // refuses (no valid recipient) will never work.
  if (code === 'EENVELOPE') return { kind: 'rejected', detail };
  return { kind: 'transient', detail };
}

export function smtpTransport(settings: SmtpSettings, timeoutMs: number): Transport<EmailEnvelope> {
  if (!settings.host) throw new Error('SMTP needs a host (--smtp-host or --smtp-url)');
  if (settings.pass !== undefined && settings.user === undefined) throw new Error('--smtp-pass needs --smtp-user');
  let ca: string | undefined;
  if (settings.caFile) {
    try {
      ca = readFileSync(settings.caFile, 'utf8');
    } catch (err) {
      throw new Error(`--smtp-ca-file: cannot read ${settings.caFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  const transporter = nodemailer.createTransport({
    pool: true,
    maxConnections: MAX_CONNECTIONS,
    host: settings.host,
    port: settings.port ?? (settings.secure ? 465 : 587),
    secure: settings.secure,
    requireTLS: settings.starttls === 'required',
    ignoreTLS: settings.starttls === 'off',
    ...(settings.user !== undefined && { auth: { user: settings.user, pass: settings.pass ?? '' } }),
    // Certificates are always verified; a private CA is trusted by naming it, never by
    // turning verification off.
    tls: { rejectUnauthorized: true, ...(ca && { ca }) },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
    debug: false,
  });
  return {
    name: 'smtp',
    async send(e: EmailEnvelope): Promise<SendResult> {
      try {
        await transporter.sendMail({
          from: e.from,
          to: e.to,
          ...(e.replyTo && { replyTo: e.replyTo }),
          subject: e.subject,
          text: e.text,
          ...(e.html !== undefined && { html: e.html }),
          // Stable across retries: a receiver that got an earlier attempt can drop the copy.
          messageId: `<${e.id}@${addressOf(e.from).split('@')[1] ?? 'userpool'}>`,
          // The body holds a one-time code: no tracking, no auto-replies.
          headers: { 'Auto-Submitted': 'auto-generated' },
          disableFileAccess: true,
          disableUrlAccess: true,
        });
        return { kind: 'sent' };
      } catch (err) {
        return classifySmtpError(err);
      }
    },
    async close(): Promise<void> {
      transporter.close();
    },
  };
}
