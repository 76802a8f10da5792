// Checkpoints the write-ahead log from a worker thread, off the request path.
//
// SQLite normally checkpoints inside whichever commit pushes the log past 1000 pages: that
// commit copies the log into the database and waits for two fsyncs, and on a busy server it
// held the event loop for 10-40 ms every hundred or so requests, more than all other SQLite
// work put together. Here the request connection never checkpoints (wal_autocheckpoint=0);
// a second connection in a worker runs PASSIVE checkpoints, which copy what they can without
// waiting for (or blocking) readers and writers. Once a checkpoint has copied everything, the
// next commit starts the log over, so it stays bounded.
//
// If the worker cannot start or dies, the request connection checkpoints as SQLite normally
// does again: durability never depends on the worker, only the latency does.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/** How often the worker checkpoints; cheap when the log holds nothing new. */
const CHECKPOINT_INTERVAL_MS = 100;
/** SQLite's own default, restored when the worker is gone. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

/** How long closing the store waits for the worker to close its connection. */
const STOP_WAIT_MS = 5000;

// `closed` is set (and waited on with Atomics) once the worker's connection is closed, so the
// store's close returns only when no connection of this process has the file open.
const WORKER_SOURCE = String.raw`
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

const closed = new Int32Array(workerData.closed);
const done = () => {
  Atomics.store(closed, 0, 1);
  Atomics.notify(closed, 0);
};
let db;
try {
  const { default: Database } = await import(pathToFileURL(workerData.driver).href);
  db = new Database(workerData.file);
} catch (err) {
  done();
  throw err;
}
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or locked: the next tick tries again.
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  done();
  parentPort.close();
});
`;
const WORKER_URL = new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`);

export interface Checkpointer {
  /** Stops the worker and returns once its connection is closed. */
  stop(): void;
}

export function startCheckpointer(db: BetterSqlite3.Database, file: string): Checkpointer {
  const fallBack = (): void => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  };
  const closed = new Int32Array(new SharedArrayBuffer(4));
  let worker: Worker;
  try {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    // execArgv empty: the worker runs plain JavaScript and needs none of the server's flags.
    worker = new Worker(WORKER_URL, { workerData: { driver, file, intervalMs: CHECKPOINT_INTERVAL_MS, closed: closed.buffer }, execArgv: [] });
  } catch {
    return { stop: () => undefined };
  }
  db.pragma('wal_autocheckpoint = 0');
  let stopped = false;
  worker.unref();
  worker.on('error', fallBack);
  worker.on('exit', () => {
    if (!stopped) fallBack();
  });
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      worker.postMessage('stop');
      // Blocks briefly (a checkpoint in progress finishes first): whoever removes or copies
      // the data directory next must not race the worker's last writes to it.
      Atomics.wait(closed, 0, 0, STOP_WAIT_MS);
    },
  };
}
