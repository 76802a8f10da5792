// Development-only message inspection, following LocalStack's conventions so existing test
// helpers work: GET/DELETE /_aws/ses (email) and GET/DELETE /_aws/sns/sms-messages (SMS).
// Mounted only with --dev; without it these paths do not exist.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../operations/context.js';
import type { MessageRecord } from '../store/records.js';
import { regionOfPool } from '../operations/shared/pools.js';

function sesView(m: MessageRecord): object {
  return {
    Id: m.id,
    Region: regionOfPool(m.poolId),
    Timestamp: new Date(m.createdAt).toISOString(),
    Source: 'no-reply@verificationemail.com',
    Destination: { ToAddresses: [m.destination] },
    Subject: m.subject,
    Body: { text_part: m.body, html_part: null },
  };
}

export function devRoutes(app: FastifyInstance, services: Services): void {
  if (!services.config.dev) return;
  app.get('/_aws/ses', async (req) => {
    const email = (req.query as Record<string, string | undefined>).email;
    const all = await services.store.messages.listMessages({ channel: 'EMAIL' });
    const picked = email ? all.filter((m) => m.destination.toLowerCase() === email.toLowerCase()) : all;
    return { messages: picked.map(sesView) };
  });
  app.delete('/_aws/ses', async (_req, reply) => {
    await services.store.messages.clearMessages('EMAIL');
    return reply.code(204).send();
  });
  app.get('/_aws/sns/sms-messages', async (req) => {
    const phone = (req.query as Record<string, string | undefined>).phoneNumber;
    const all = await services.store.messages.listMessages({ channel: 'SMS' });
    const byPhone: Record<string, object[]> = {};
    for (const m of all) {
      if (phone && m.destination !== phone) continue;
      (byPhone[m.destination] ??= []).push({ Id: m.id, PhoneNumber: m.destination, Message: m.body, Timestamp: new Date(m.createdAt).toISOString() });
    }
    return { region: services.config.region, sms_messages: byPhone };
  });
  app.delete('/_aws/sns/sms-messages', async (_req, reply) => {
    await services.store.messages.clearMessages('SMS');
    return reply.code(204).send();
  });
}
