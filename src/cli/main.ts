// The `userpool` command.
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/config.js';
import { startApp } from '../app.js';
import { registerMessagesCommand } from './messages.js';
import { registerKeysCommand } from './keys.js';
import { registerMigrateCommand } from './migrate.js';
import { registerPoolsCommand } from './pools.js';
import { registerClientsCommand } from './clients.js';
import { registerUsersCommand } from './users.js';
import { registerExportCommand } from './export.js';
import { registerBackupCommands } from './backup.js';
import { registerImportCommand } from './import.js';
import { EXIT_USAGE } from './remote.js';
import { checkSharedCodeKeys } from './sharedKeys.js';
import { migrateDatabase } from '../store/open.js';
import { loadCodeMacKeys } from '../crypto/codes.js';
import { mkdirSync } from 'node:fs';

const program = new Command();
program.name('userpool').description('A self-hosted, Cognito-compatible user-pool server').showHelpAfterError();
// Scripts rely on the exit codes: a usage error (unknown option, missing argument) is 2, as
// documented, not commander's 1; --help and --version stay 0. Set before the commands are
// added, which inherit it.
program.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE));

program
  .command('serve')
  .description('Start the server (AWS JSON 1.1 endpoint on POST /)')
  .option('--host <host>', 'address to listen on (USERPOOL_HOST, default 127.0.0.1)')
  .option('--port <port>', 'port, 0 for any free port (USERPOOL_PORT, default 9230)')
  .option('--data-dir <dir>', 'folder for the embedded database and keys (USERPOOL_DATA_DIR, default ./data)')
  .option('--database-url <url>', 'postgres:// URL instead of the embedded SQLite store (USERPOOL_DATABASE_URL)')
  .option('--database-pool-size <n>', 'most PostgreSQL connections per process (USERPOOL_DATABASE_POOL_SIZE, default 10)')
  .option('--database-statement-timeout-ms <ms>', 'PostgreSQL statement timeout, 0 for none (USERPOOL_DATABASE_STATEMENT_TIMEOUT_MS, default 5000)')
  .option('--region <region>', 'region used in pool ids (USERPOOL_REGION, default us-east-1)')
  .option('--public-url <url>', 'public base URL for issuers and links (USERPOOL_PUBLIC_URL)')
  .option('--token-issuer <form>', 'token iss: url (<public URL>/<poolId>) or cognito (https://cognito-idp.<region>.amazonaws.com/<poolId>) (USERPOOL_TOKEN_ISSUER, default url)')
  .option('--dev', 'development mode: message inspection endpoints (USERPOOL_DEV)')
  .option('--seed <file>', 'JSON file of pools, clients and users to create at start (USERPOOL_SEED)')
  .option('--access-keys <pairs>', 'ACCESS_KEY_ID:SECRET pairs for SigV4 on admin operations (USERPOOL_ACCESS_KEYS)')
  .option('--allow-unauthenticated-admin', 'allow a non-loopback host without access keys (USERPOOL_ALLOW_UNAUTHENTICATED_ADMIN)')
  .option('--max-body-bytes <n>', 'largest request body (USERPOOL_MAX_BODY_BYTES, default 65536)')
  .option('--ip-blocklist <json>', 'JSON object of pool id ("*" for all) -> blocked CIDR ranges (USERPOOL_IP_BLOCKLIST)')
  .option('--trigger-config <json|file>', 'JSON (inline or a file) of Lambda function ARN or pattern -> {"type":"lambda"|"module"|"webhook",...} (USERPOOL_TRIGGER_CONFIG)')
  .option('--lambda-endpoint <url>', 'Lambda Invoke API endpoint for functions --trigger-config does not map, e.g. SAM local (USERPOOL_LAMBDA_ENDPOINT, default AWS)')
  .option('--ui-branding <json|file>', 'JSON (inline or a file) of pool id ("*" for all) -> {"color","logo","name"} for the hosted pages (USERPOOL_UI_BRANDING)')
  .option('--log-level <level>', 'log level (USERPOOL_LOG_LEVEL, default info)')
  .option('--smtp-url <url>', 'SMTP server as smtp://[user:pass@]host[:port] or smtps://... (USERPOOL_SMTP_URL)')
  .option('--smtp-host <host>', 'SMTP server host; set to send email (USERPOOL_SMTP_HOST)')
  .option('--smtp-port <port>', 'SMTP port (USERPOOL_SMTP_PORT, default 587, 465 with --smtp-secure)')
  .option('--smtp-secure', 'SMTP over implicit TLS, SMTPS (USERPOOL_SMTP_SECURE)')
  .option('--smtp-starttls <mode>', 'STARTTLS: auto, required or off (USERPOOL_SMTP_STARTTLS, default auto)')
  .option('--smtp-user <user>', 'SMTP AUTH user (USERPOOL_SMTP_USER)')
  .option('--smtp-pass <password>', 'SMTP AUTH password (USERPOOL_SMTP_PASS)')
  .option('--smtp-ca-file <file>', 'PEM CA certificates to trust for the SMTP server (USERPOOL_SMTP_CA_FILE)')
  .option('--email-from <address>', 'From address when a pool names none (USERPOOL_EMAIL_FROM, default no-reply@verificationemail.com)')
  .option('--sms-transport <kind>', 'SMS through sns or webhook (USERPOOL_SMS_TRANSPORT, default: from the settings given)')
  .option('--sms-webhook-url <url>', 'gateway that SMS are POSTed to as JSON (USERPOOL_SMS_WEBHOOK_URL)')
  .option('--sms-webhook-token <token>', 'Bearer token sent to the SMS webhook (USERPOOL_SMS_WEBHOOK_TOKEN)')
  .option('--sns-endpoint <url>', 'SNS endpoint for SMS (USERPOOL_SNS_ENDPOINT, default Amazon SNS in the pool\'s SnsRegion)')
  .option('--sns-credentials <pair>', 'ACCESS_KEY_ID:SECRET for SNS (USERPOOL_SNS_CREDENTIALS, default the AWS SDK chain)')
  .option('--sns-assume-role', 'publish SMS as the pool\'s SnsCallerArn role via STS AssumeRole (USERPOOL_SNS_ASSUME_ROLE)')
  .option('--sts-endpoint <url>', 'STS endpoint for --sns-assume-role (USERPOOL_STS_ENDPOINT, default AWS STS in the SNS region)')
  .option('--delivery-timeout-ms <ms>', 'network timeout of one delivery attempt (USERPOOL_DELIVERY_TIMEOUT_MS, default 10000)')
  .option('--delivery-wait-ms <ms>', 'how long a request waits for its message\'s first attempt, 0 never (USERPOOL_DELIVERY_WAIT_MS, default 2000)')
  .option('--delivery-retry-ms <ms>', 'first retry delay, doubling per attempt (USERPOOL_DELIVERY_RETRY_MS, default 5000)')
  .option('--delivery-max-attempts <n>', 'attempts before a message is given up (USERPOOL_DELIVERY_MAX_ATTEMPTS, default 10)')
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
      if (config.databaseUrl) {
        // Nodes sharing a database must share the code MAC keys: refuse to start otherwise.
        await migrateDatabase(config);
        mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
        await checkSharedCodeKeys(config, loadCodeMacKeys(config.dataDir, process.env));
      }
      app = await startApp(config);
    } catch (err) {
      process.stderr.write(`userpool: could not start: ${(err as Error).message}\n`);
      process.exit(1);
    }
    const stop = (): void => {
      // In-flight requests finish; new connections are refused while closing.
      const closing = app.close();
      // A keep-alive connection whose request finishes after close() began stays open until
      // its idle timeout (72 s) and holds the exit; close each as soon as it is idle. A request
      // arriving on one meanwhile is answered 503 (return503OnClosing).
      const sweep = setInterval(() => app.server.server.closeIdleConnections(), 100);
      closing.then(
        () => process.exit(0),
        (err: unknown) => {
          clearInterval(sweep);
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
registerMigrateCommand(program);
registerPoolsCommand(program);
registerClientsCommand(program);
registerUsersCommand(program);
registerImportCommand(program);
registerExportCommand(program);
registerBackupCommands(program);

await program.parseAsync(process.argv);
