// The delivery worker: sends what the outbox holds. Every process runs one; they share the
// outbox through the database and never send one message twice (claims are single guarded
// UPDATEs, store/messages.ts).
//
// A message's life: `pending` (recorded with its code, due at once) -> claimed by one worker
// (attempts + 1, a lease) -> `sent`, or `failed` (rejected for good, or out of attempts), or
// back to `pending` with a later due time (a transient failure: exponential back-off), or
// `expired` (its time ran out first). Once it is final, its stored subject and body are the
// redacted copies: no code stays in the database. Rows in `recorded` belong to the
// development log and are never sent.
//
// Delivery is exactly once while processes live, and at least once across a crash: a process
// killed after the server took a message but before the row says `sent` leaves a claim that
// runs out, and another worker sends it again (with the same Message-ID / Idempotency-Key,
// so a receiver can drop the copy).
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { DeliverySettings } from '../config/delivery.js';
import type { Clock } from '../domain/clock.js';
import { maskEmail, maskPhone } from '../domain/masking.js';
import type { OutboxMessage } from '../store/messages.js';
import type { Store } from '../store/store.js';
import { buildEnvelope } from './envelope.js';
import type { DeliveryFailure, SendResult, Transports } from './transport.js';

/** How often the outbox is looked at when nothing woke the worker earlier. */
const POLL_MS = 1000;
/** Sends in flight at once from polling (a request's own message does not wait for a slot). */
const CONCURRENCY = 16;
/**
 * When the old text of final messages is scrubbed from the journal on disk: once the outbox
 * has been quiet this long, and at least this often under steady sending. The scrub (an
 * SQLite checkpoint that truncates the write-ahead log) costs a sync of the database file, so
 * it is not done per message; under load the log is also recycled by SQLite's own checkpoints.
 */
const SCRUB_QUIET_MS = 1000;
const SCRUB_MAX_MS = 30_000;
/** The shortest claim on a message, however short the delivery timeout. */
const LEASE_FLOOR_MS = 5000;
/** The longest back-off between two attempts. */
const MAX_BACKOFF_MS = 15 * 60_000;

export interface WorkerDeps {
  store: Store;
  clock: Clock;
  logger: () => FastifyBaseLogger;
  settings: DeliverySettings;
  region: string;
}

/** What became of one attempt, as a waiting request sees it. */
export type AttemptOutcome = { id: string; result: SendResult };

export class DeliveryWorker {
  /** This process's name on its claims. */
  readonly owner = `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  private polling: Promise<void> | undefined;
  private readonly inflight = new Map<string, Promise<AttemptOutcome>>();
  private readonly leaseMs: number;
  /** The last poll filled every slot, so more messages may be due. */
  private backlog = false;
  private lastExpiry = 0;
  /** A message became final since the last scrub of the journal (store/messages.ts scrubJournal). */
  private scrubPending = false;
  private lastFinal = 0;
  private lastScrub = Date.now();

  constructor(
    private readonly deps: WorkerDeps,
    readonly transports: Transports,
  ) {
    // Longer than an attempt takes in practice (a stalled server fails the first step that
    // waits a whole timeout), so a live worker keeps its claim while it sends. Not much
    // longer: it is also how long a message claimed by a process that was killed waits
    // before another takes it over (60 s at the default 10 s timeout). Should a live attempt
    // outlast it anyway, the message may go out twice under one Message-ID; never lost.
    this.leaseMs = Math.max(LEASE_FLOOR_MS, deps.settings.timeoutMs * 6);
  }

  /** The channels this process can send; the others wait in the outbox. */
  channels(): Array<'EMAIL' | 'SMS'> {
    return [...(this.transports.email ? (['EMAIL'] as const) : []), ...(this.transports.sms ? (['SMS'] as const) : [])];
  }

  hasTransport(channel: 'EMAIL' | 'SMS'): boolean {
    return channel === 'EMAIL' ? !!this.transports.email : !!this.transports.sms;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    // First look at once: messages left by a previous run (or a dead process) go out now.
    this.wakeAt(0);
  }

  /** Stops polling, lets the sends in flight finish, closes the transports. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
    await Promise.allSettled([...this.inflight.values()]);
    await this.scrub(true).catch((err: unknown) => this.deps.logger().error({ err }, 'delivery worker: journal scrub failed'));
    await Promise.allSettled([this.transports.email?.close(), this.transports.sms?.close()]);
  }

  /**
   * A request's own messages, attempted now rather than at the next poll: claimed (the same
   * guarded claim, so a worker elsewhere that got there first keeps them) and sent, each
   * answer as it comes. A message this process is already sending is waited for. Messages
   * claimed elsewhere, or with no transport here, have no outcome.
   */
  async attemptNow(ids: readonly string[]): Promise<AttemptOutcome[]> {
    const channels = this.channels();
    const claimed = await this.deps.store.messages.claimDue({
      owner: this.owner,
      now: this.deps.clock.now(),
      leaseMs: this.leaseMs,
      channels,
      limit: ids.length,
      ids,
    });
    const attempts: Promise<AttemptOutcome>[] = [];
    for (const m of claimed) attempts.push(this.dispatch(m));
    for (const id of ids) {
      const running = this.inflight.get(id);
      if (running && !claimed.some((m) => m.id === id)) attempts.push(running);
    }
    return Promise.all(attempts);
  }

  /** Gives up a pending message that nobody holds (its caller was told it failed). */
  async cancel(id: string, reason: string): Promise<void> {
    const m = await this.deps.store.messages.findMessage(id);
    if (m && (await this.deps.store.messages.cancel(id, this.deps.clock.now(), reason))) {
      this.noteFinal();
      await this.audit(m, 'Fail', 'cancelled', undefined, reason);
    }
  }

  private wakeAt(delayMs: number): void {
    if (!this.running) return;
    const due = Date.now() + delayMs;
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDue = Infinity;
      this.polling ??= this.poll().finally(() => {
        this.polling = undefined;
      });
    }, delayMs);
    // The server keeps the process alive; a pending look at the outbox alone should not.
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    let next = POLL_MS;
    try {
      await this.expire();
      const free = CONCURRENCY - this.inflight.size;
      // All slots busy: each finished send wakes the worker (dispatch), no need to spin.
      if (free <= 0) this.backlog = true;
      else if (this.channels().length > 0) {
        const now = this.deps.clock.now();
        const claimed = await this.deps.store.messages.claimDue({ owner: this.owner, now, leaseMs: this.leaseMs, channels: this.channels(), limit: free });
        this.backlog = claimed.length === free;
        for (const m of claimed) void this.dispatch(m);
        if (!this.backlog) {
          const dueAt = await this.deps.store.messages.nextDueAt(this.channels(), this.deps.clock.now());
          if (dueAt !== undefined) next = Math.min(next, Math.max(0, dueAt - this.deps.clock.now()));
        }
      }
      await this.scrub();
    } catch (err) {
      // The store may be briefly unavailable; the outbox keeps everything, so try again later.
      this.deps.logger().error({ err }, 'delivery worker: outbox poll failed');
    }
    if (this.scrubPending) next = Math.min(next, SCRUB_QUIET_MS);
    this.wakeAt(next);
  }

  private async expire(): Promise<void> {
    // At most once a poll interval, however often the worker is woken.
    if (Date.now() - this.lastExpiry < POLL_MS) return;
    this.lastExpiry = Date.now();
    const expired = await this.deps.store.messages.expireDue(this.deps.clock.now());
    if (expired.length > 0) this.noteFinal();
    for (const m of expired) await this.audit(m, 'Fail', 'expired', undefined, 'expired');
  }

  /** A message is final: its old text goes from the journal once the outbox is quiet. */
  private noteFinal(): void {
    this.scrubPending = true;
    this.lastFinal = Date.now();
    this.wakeAt(SCRUB_QUIET_MS);
  }

  private async scrub(force = false): Promise<void> {
    if (!this.scrubPending) return;
    const now = Date.now();
    if (!force && now - this.lastFinal < SCRUB_QUIET_MS && now - this.lastScrub < SCRUB_MAX_MS) return;
    this.scrubPending = false;
    this.lastScrub = now;
    await this.deps.store.messages.scrubJournal();
  }

  /** One attempt of a claimed message, from envelope to recorded outcome. Never throws. */
  private dispatch(m: OutboxMessage): Promise<AttemptOutcome> {
    const attempt = this.attempt(m).finally(() => {
      this.inflight.delete(m.id);
      // A slot is free and the last look left messages behind: look again now.
      if (this.backlog) this.wakeAt(0);
    });
    this.inflight.set(m.id, attempt);
    return attempt;
  }

  private async attempt(m: OutboxMessage): Promise<AttemptOutcome> {
    let result: SendResult;
    let transportName: string | undefined;
    try {
      const envelope = await buildEnvelope(this.deps.store, m, {
        defaultFrom: this.deps.settings.emailFrom,
        region: this.deps.region,
        smsTransport: this.transports.sms?.name,
      });
      if ('kind' in envelope) {
        result = envelope;
      } else if (envelope.channel === 'EMAIL') {
        transportName = this.transports.email!.name;
        result = await this.transports.email!.send(envelope.email);
      } else {
        transportName = this.transports.sms!.name;
        result = await this.transports.sms!.send(envelope.sms);
      }
    } catch (err) {
      // A bug or the store failing: keep the message and try again later.
      this.deps.logger().error({ err, messageId: m.id }, 'delivery worker: attempt failed unexpectedly');
      result = { kind: 'transient', detail: 'internal' };
    }
    try {
      await this.record(m, result, transportName);
    } catch (err) {
      // The claim runs out and another attempt follows; nothing is lost.
      this.deps.logger().error({ err, messageId: m.id }, 'delivery worker: could not record an attempt');
    }
    return { id: m.id, result };
  }

  private async record(m: OutboxMessage, result: SendResult, transport: string | undefined): Promise<void> {
    const now = this.deps.clock.now();
    const store = this.deps.store.messages;
    if (result.kind === 'sent') {
      if (await store.finish(m.id, this.owner, 'sent', now, null)) {
        this.noteFinal();
        await this.audit(m, 'Pass', 'sent', transport);
      }
      return;
    }
    const failure = result as DeliveryFailure;
    const log = this.deps.logger();
    if (failure.kind === 'rejected') {
      if (await store.finish(m.id, this.owner, 'failed', now, `rejected: ${failure.detail}`)) {
        this.noteFinal();
        await this.audit(m, 'Fail', 'rejected', transport, failure.detail);
      }
      log.warn({ messageId: m.id, channel: m.channel, detail: failure.detail }, 'message rejected');
      return;
    }
    if (failure.kind !== 'transient') {
      // A configuration fault: said loudly, since every message of the channel hits it.
      log.error({ messageId: m.id, channel: m.channel, kind: failure.kind, detail: failure.detail }, 'message refused: check the delivery configuration');
    }
    const next = now + this.backoff(m.attempts);
    if (m.attempts >= this.deps.settings.maxAttempts || (m.expiresAt !== null && next >= m.expiresAt)) {
      if (await store.finish(m.id, this.owner, 'failed', now, `gave up: ${failure.kind}: ${failure.detail}`)) {
        this.noteFinal();
        await this.audit(m, 'Fail', 'gave_up', transport, failure.detail);
      }
      return;
    }
    if (await store.retryLater(m.id, this.owner, next, `${failure.kind}: ${failure.detail}`)) {
      await this.audit(m, 'Fail', 'retry', transport, failure.detail);
      this.wakeAt(next - now);
    }
  }

  /** Exponential back-off from the configured base, capped, with jitter so workers spread out. */
  private backoff(attempts: number): number {
    const base = this.deps.settings.retryBaseMs * 2 ** Math.max(0, attempts - 1);
    return Math.round(Math.min(base, MAX_BACKOFF_MS) * (0.9 + Math.random() * 0.2));
  }

  /** Every send is an audit event: who, which channel, what became of it. Never the body. */
  private async audit(m: OutboxMessage, outcome: 'Pass' | 'Fail', reason: string, transport: string | undefined, detail?: string): Promise<void> {
    await this.deps.store.audit.recordEvent({
      id: randomUUID(),
      poolId: m.poolId,
      sub: m.sub,
      subjectKey: null,
      eventType: 'MessageDelivery',
      outcome,
      reason,
      clientId: null,
      ip: null,
      userAgent: null,
      device: null,
      details: {
        messageId: m.id,
        purpose: m.purpose,
        channel: m.channel,
        destination: m.channel === 'EMAIL' ? maskEmail(m.destination) : maskPhone(m.destination),
        attempt: m.attempts,
        ...(transport && { transport }),
        ...(detail && { detail }),
      },
      createdAt: this.deps.clock.now(),
    });
  }
}
