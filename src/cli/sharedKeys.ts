// Nodes sharing one PostgreSQL database must hold the same code MAC keys (USERPOOL_CODE_MAC_KEYS):
// they MAC the codes, key the per-identifier limits and wrap the pools' signing keys. A node
// started with a key of its own (most often: no USERPOOL_CODE_MAC_KEYS, so it made one in its
// data directory) would answer CodeMismatchException for codes the others issued, count limits
// apart and fail to sign. This check refuses to start such a node.
//
// The database holds, per key id, HMAC(key, fixed text): it proves which key a node holds and
// reveals nothing of it. A node may start when the database has no check yet (the first node),
// or when at least one of its keys matches a recorded check and none contradicts one (so a
// rotation, which adds a key beside the old one, passes).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CodeMacKeys } from '../crypto/codes.js';
import { openDatabase, type DatabaseSettings } from '../store/open.js';
import { SettingsRepository } from '../store/settings.js';
import { lockKey } from '../store/tx.js';

const PREFIX = 'code-mac-key-check:';

function checkValue(key: Buffer): string {
  return createHmac('sha256', key).update('userpool code MAC key check').digest('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Throws with a message for the operator when this node's keys do not match the others'. */
export async function checkSharedCodeKeys(settings: DatabaseSettings, keys: CodeMacKeys): Promise<void> {
  const db = openDatabase({ ...settings, databasePoolSize: 1 });
  try {
    // One node at a time (advisory lock for the transaction): two first nodes starting at
    // once with different keys must not both find the database empty.
    await db.transaction().execute(async (tx) => {
      await lockKey(tx, PREFIX);
      const repo = new SettingsRepository(tx);
      const recorded = await repo.settingsWithPrefix(PREFIX);
      let matched = recorded.size === 0;
      for (const { id, key } of keys.keys) {
        const known = recorded.get(PREFIX + id);
        if (known === undefined) continue;
        if (!same(known, checkValue(key))) {
          throw new Error(`code MAC key ${id} differs from the key ${id} that other nodes of this database use: give every node the same USERPOOL_CODE_MAC_KEYS`);
        }
        matched = true;
      }
      if (!matched) {
        throw new Error(
          "none of this node's code MAC keys is one that other nodes of this database use: give every node the same USERPOOL_CODE_MAC_KEYS (keep the old key in the list when rotating)",
        );
      }
      for (const { id, key } of keys.keys) await repo.recordSetting(PREFIX + id, checkValue(key));
    });
  } finally {
    await db.destroy();
  }
}
