// The `userpool` command.
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/config.js';
import { startApp } from '../app.js';
import { registerMessagesCommand } from './messages.js';
import { registerKeysCommand } from './keys.js';

const program = new Command();
program.name('userpool').description('A self-hosted, Cognito-compatible user-pool server').showHelpAfterError();

program
  .command('serve')
  .description('Start the server (AWS JSON 1.1 endpoint on POST /)')
  .option('--host <host>', 'address to listen on (USERPOOL_HOST, default 127.0.0.1)')
  .option('--port <port>', 'port, 0 for any free port (USERPOOL_PORT, default 9230)')
  .option('--data-dir <dir>', 'folder for the embedded database and keys (USERPOOL_DATA_DIR, default ./data)')
  .option('--database-url <url>', 'postgres:// URL instead of the embedded SQLite store (USERPOOL_DATABASE_URL)')
  .option('--region <region>', 'region used in pool ids (USERPOOL_REGION, default us-east-1)')
  .option('--public-url <url>', 'public base URL for issuers and links (USERPOOL_PUBLIC_URL)')
  .option('--token-issuer <form>', 'token iss: url (<public URL>/<poolId>) or cognito (https://cognito-idp.<region>.amazonaws.com/<poolId>) (USERPOOL_TOKEN_ISSUER, default url)')
  .option('--dev', 'development mode: message inspection endpoints (USERPOOL_DEV)')
  .option('--seed <file>', 'JSON file of pools, clients and users to create at start (USERPOOL_SEED)')
  .option('--access-keys <pairs>', 'ACCESS_KEY_ID:SECRET pairs for SigV4 on admin operations (USERPOOL_ACCESS_KEYS)')
  .option('--allow-unauthenticated-admin', 'allow a non-loopback host without access keys (USERPOOL_ALLOW_UNAUTHENTICATED_ADMIN)')
  .option('--max-body-bytes <n>', 'largest request body (USERPOOL_MAX_BODY_BYTES, default 65536)')
  .option('--ip-blocklist <json>', 'JSON object of pool id ("*" for all) -> blocked CIDR ranges (USERPOOL_IP_BLOCKLIST)')
  .option('--log-level <level>', 'log level (USERPOOL_LOG_LEVEL, default info)')
  .action(async (opts: Record<string, string | boolean | undefined>) => {
    const flags: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(opts)) {
      if (value === undefined) continue;
      flags['--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())] = value === true ? 'true' : String(value);
    }
    let config;
    try {
      config = loadConfig(flags, process.env);
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`userpool: ${err.message}\n`);
        process.exit(2);
      }
      throw err;
    }
    if (config.accessKeys.size === 0) {
      process.stderr.write('userpool: warning: no --access-keys set; admin operations accept any well-formed SigV4 signature (local development mode)\n');
    }
    let app;
    try {
      app = await startApp(config);
    } catch (err) {
      process.stderr.write(`userpool: could not start: ${(err as Error).message}\n`);
      process.exit(1);
    }
    const stop = (): void => {
      // In-flight requests finish; new connections are refused while closing.
      app.close().then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`userpool: error while stopping: ${(err as Error).message}\n`);
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    // Only now: whoever waits for this line may signal at once, and until a handler is
    // installed a SIGTERM would kill the process instead of stopping it cleanly.
    process.stdout.write(`userpool listening on ${app.url}\n`);
  });

registerMessagesCommand(program);
registerKeysCommand(program);

await program.parseAsync(process.argv);
