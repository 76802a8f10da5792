// The transports the delivery settings ask for, and the start of the worker with a word about
// channels that have none.
import type { DeliverySettings } from '../config/delivery.js';
import type { Services } from '../operations/context.js';
import { smtpTransport } from './smtp.js';
import { snsTransport, webhookTransport } from './sms.js';
import type { Transports } from './transport.js';

/** Throws (naming the setting) when a transport cannot be set up, e.g. an unreadable CA file. */
export function createTransports(settings: DeliverySettings): Transports {
  const transports: Transports = {};
  if (settings.smtp.host) transports.email = smtpTransport(settings.smtp, settings.timeoutMs);
  if (settings.sms.transport === 'sns') transports.sms = snsTransport(settings.sms, settings.timeoutMs);
  if (settings.sms.transport === 'webhook') transports.sms = webhookTransport(settings.sms, settings.timeoutMs);
  return transports;
}

/** Starts the worker. Outside development, a channel without a transport is worth a warning. */
export function startDelivery(services: Services): void {
  const { delivery, config, logger } = services;
  if (!config.dev) {
    if (!delivery.hasTransport('EMAIL')) logger.warn('no SMTP server configured (--smtp-url or --smtp-host): email messages stay in the outbox until they expire');
    if (!delivery.hasTransport('SMS')) logger.warn('no SMS transport configured (--sms-transport): SMS messages stay in the outbox until they expire');
  }
  delivery.start();
}
