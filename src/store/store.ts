// The store: one object holding the repositories, all bound to the same executor, so a
// transaction is simply a Store bound to the transaction.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { PoolRepository } from './pools.js';
import { ClientRepository } from './clients.js';
import { UserRepository } from './users.js';
import { MessageRepository } from './messages.js';
import { AuditRepository } from './audit.js';
import { CodeRepository } from './codes.js';
import { LimitRepository } from './limits.js';
import { AuthSessionRepository, RefreshTokenRepository, SigningKeyRepository } from './tokens.js';
import { ImportJobRepository } from './imports.js';

export class Store {
  readonly pools: PoolRepository;
  readonly clients: ClientRepository;
  readonly users: UserRepository;
  readonly messages: MessageRepository;
  readonly audit: AuditRepository;
  readonly codes: CodeRepository;
  readonly limits: LimitRepository;
  readonly signingKeys: SigningKeyRepository;
  readonly refreshTokens: RefreshTokenRepository;
  readonly authSessions: AuthSessionRepository;
  readonly imports: ImportJobRepository;

  constructor(readonly db: Kysely<Database>) {
    this.pools = new PoolRepository(db);
    this.clients = new ClientRepository(db);
    this.users = new UserRepository(db);
    this.messages = new MessageRepository(db);
    this.audit = new AuditRepository(db);
    this.codes = new CodeRepository(db);
    this.limits = new LimitRepository(db);
    this.signingKeys = new SigningKeyRepository(db);
    this.refreshTokens = new RefreshTokenRepository(db);
    this.authSessions = new AuthSessionRepository(db);
    this.imports = new ImportJobRepository(db);
  }

  /** Runs fn with a Store bound to one transaction: all of it commits, or none. */
  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    return this.db.transaction().execute((trx) => fn(new Store(trx)));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
