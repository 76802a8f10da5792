// `npm run bench`: every benchmark in turn, each in its own process so one's heap and
// database do not colour the other's figures.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benches = ['reset.ts', 'userLookup.ts', 'signIn.ts', 'delivery.ts', 'postgres.ts', 'import.ts'];
let failed = false;
for (const bench of benches) {
  console.log(`\n=== ${bench} ===`);
  const file = fileURLToPath(new URL(`./${bench}`, import.meta.url));
  const run = spawnSync(process.execPath, ['--import', 'tsx', file, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
