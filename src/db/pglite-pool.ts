import type { PGlite } from '@electric-sql/pglite';

/**
 * PGlite is one Postgres backend in this process: a single session. This adapter gives it
 * the shape of a `pg` pool so Kysely's Postgres dialect and pg-boss can share it, and hands
 * the session to one holder at a time, so one transaction never interleaves with another.
 */
export interface PoolClientLike {
  query(sql: string, params?: readonly unknown[]): Promise<QueryResultLike>;
  release(): void;
}

/** One database session, held exclusively until the callback ends. */
export interface Session {
  query(sql: string, params?: readonly unknown[]): Promise<QueryResultLike>;
  /** Runs a script of several statements. */
  exec(sql: string): Promise<void>;
}

export interface QueryResultLike {
  rows: Record<string, unknown>[];
  rowCount: number;
  command?: string;
}

export class PGlitePool {
  #queue: (() => void)[] = [];
  #busy = false;

  constructor(readonly pglite: PGlite) {}

  async connect(): Promise<PoolClientLike> {
    await this.#acquire();
    let released = false;
    return {
      query: (sql, params) => this.#run(sql, params),
      release: () => {
        if (released) return;
        released = true;
        this.#release();
      },
    };
  }

  /** Runs one statement (or, without parameters, a script) in the shared session. */
  async query(sql: string, params?: readonly unknown[]): Promise<QueryResultLike> {
    const client = await this.connect();
    try {
      return await client.query(sql, params);
    } finally {
      client.release();
    }
  }

  /** Runs a multi-statement script, as migrations and pg-boss need. */
  exec(sql: string): Promise<void> {
    return this.session((s) => s.exec(sql));
  }

  async session<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    const client = await this.connect();
    try {
      return await fn({
        query: (sql, params) => client.query(sql, params),
        exec: async (sql) => {
          await this.pglite.exec(sql);
        },
      });
    } finally {
      client.release();
    }
  }

  #ended?: Promise<void>;

  /** Waits for the running holder, then closes PGlite (called by Kysely's destroy). */
  end(): Promise<void> {
    this.#ended ??= this.#acquire().then(() => this.pglite.close());
    return this.#ended;
  }

  async #run(sql: string, params?: readonly unknown[]): Promise<QueryResultLike> {
    const result = await this.pglite.query<Record<string, unknown>>(sql, params as unknown[] | undefined);
    return {
      rows: result.rows,
      rowCount: result.affectedRows ?? result.rows.length,
      command: sql.trimStart().split(/\s/, 1)[0]?.toUpperCase(),
    };
  }

  #acquire(): Promise<void> {
    if (!this.#busy) {
      this.#busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#queue.push(resolve));
  }

  #release(): void {
    const next = this.#queue.shift();
    if (next) next();
    else this.#busy = false;
  }
}
