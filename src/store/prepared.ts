// Statements on the request path, compiled once. Kysely builds and compiles every query anew,
// an object tree and a walk over it per statement, and on the reset and sign-in paths that
// cost more CPU than SQLite spent running the statements. A prepared statement is written
// with the same builder, compiled once per dialect with a marker in place of each named
// parameter, and afterwards executed by substituting the values: the same SQL, the same
// parameters, none of the building. (SQLite then reuses its own prepared statement too, see
// sqlite/open.ts.)
//
// Parameters must be plain values used as values (not arrays for `in`, not text the builder
// transforms): a marker that does not come out of the compiler unchanged is caught at the
// first execution, before anything runs.
import type { Compilable, CompiledQuery, Kysely, QueryResult, RootOperationNode } from 'kysely';
import { createQueryId } from 'kysely';
import type { Database } from './schema.js';

interface Compiled {
  sql: string;
  query: RootOperationNode;
  /** For each compiled parameter: the name of the value to put there, or a constant. */
  slots: Array<{ name: string } | { value: unknown }>;
}

const marker = (name: string): string => `\u0000param:${name}\u0000`;

export class Prepared<P extends Record<string, unknown>, O> {
  /** Per dialect (its adapter class): SQLite and PostgreSQL compile to different SQL. */
  private readonly compiled = new Map<unknown, Compiled>();

  constructor(
    private readonly names: ReadonlyArray<keyof P & string>,
    private readonly build: (db: Kysely<Database>, p: P) => Compilable<O>,
  ) {}

  async execute(db: Kysely<Database>, values: P): Promise<QueryResult<O>> {
    const c = this.compiledFor(db);
    const parameters = c.slots.map((s) => ('name' in s ? values[s.name] : s.value));
    const query: CompiledQuery<O> = { sql: c.sql, parameters, query: c.query, queryId: createQueryId() };
    return db.executeQuery(query);
  }

  async rows(db: Kysely<Database>, values: P): Promise<O[]> {
    return (await this.execute(db, values)).rows;
  }

  async first(db: Kysely<Database>, values: P): Promise<O | undefined> {
    return (await this.execute(db, values)).rows[0];
  }

  /** Rows inserted, updated or deleted. */
  async affected(db: Kysely<Database>, values: P): Promise<number> {
    return Number((await this.execute(db, values)).numAffectedRows ?? 0);
  }

  private compiledFor(db: Kysely<Database>): Compiled {
    const dialect = db.getExecutor().adapter.constructor;
    let c = this.compiled.get(dialect);
    if (c) return c;
    const markers = Object.fromEntries(this.names.map((n) => [n, marker(n)])) as P;
    const byMarker = new Map(this.names.map((n) => [marker(n), n]));
    const out = this.build(db, markers).compile();
    const slots = out.parameters.map((p) => {
      const name = typeof p === 'string' ? byMarker.get(p) : undefined;
      return name !== undefined ? { name } : { value: p };
    });
    const used = new Set(slots.flatMap((s) => ('name' in s ? [s.name] : [])));
    const lost = this.names.filter((n) => !used.has(n));
    const leaked = slots.some((s) => 'value' in s && typeof s.value === 'string' && s.value.includes('\u0000param:'));
    if (lost.length > 0 || leaked || out.sql.includes('\u0000')) {
      throw new Error(`prepared statement does not take ${lost.join(', ') || 'its parameters'} as plain values`);
    }
    c = { sql: out.sql, query: out.query, slots };
    this.compiled.set(dialect, c);
    return c;
  }
}

/** A statement compiled once, with the named parameters `names` (see the file comment). */
export function prepare<P extends Record<string, unknown>, O>(
  names: ReadonlyArray<keyof P & string>,
  build: (db: Kysely<Database>, p: P) => Compilable<O>,
): Prepared<P, O> {
  return new Prepared(names, build);
}
