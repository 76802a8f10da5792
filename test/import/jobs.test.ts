// User import through the real SDK: the header, a job from upload to Succeeded, imported users
// in RESET_REQUIRED who set their password through ForgotPassword, and bad rows counted as
// failed with their reasons in the job's log while the rest of the file goes in.
import { after, before, describe as suite, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddCustomAttributesCommand,
  AdminGetUserCommand,
  ConfirmForgotPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  GetCSVHeaderCommand,
  InitiateAuthCommand,
  PasswordResetRequiredException,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { FAST_ARGON2 } from '../helpers/users.js';
import { rejects } from '../helpers/pools.js';
import { lastCode, makeUser } from '../reset/helpers.js';
import { BASIC_COLUMNS, csv, jobLog, runImport, userRow } from './helpers.js';

let server: TestServer;
let poolId: string;
let clientId: string;

before(async () => {
  server = await startTestServer({ dev: true }, { argon2: FAST_ARGON2 });
  const pool = await server.client.send(new CreateUserPoolCommand({ PoolName: 'imports', AutoVerifiedAttributes: ['email'], AliasAttributes: ['email'] }));
  poolId = pool.UserPool!.Id!;
  const client = await server.client.send(
    new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
  );
  clientId = client.UserPoolClient!.ClientId!;
});
after(() => server.cleanup());

const STANDARD_HEADER = [
  'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'email',
  'email_verified', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number', 'phone_number_verified', 'address', 'updated_at',
];

suite('GetCSVHeader', () => {
  test("the pool's attributes in Cognito's order, custom ones after, then the cognito: columns", async () => {
    const pool = await server.client.send(new CreateUserPoolCommand({ PoolName: 'header' }));
    const id = pool.UserPool!.Id!;
    const plain = await server.client.send(new GetCSVHeaderCommand({ UserPoolId: id }));
    assert.equal(plain.UserPoolId, id);
    assert.deepEqual(plain.CSVHeader, [...STANDARD_HEADER, 'cognito:mfa_enabled', 'cognito:username']);
    await server.client.send(new AddCustomAttributesCommand({ UserPoolId: id, CustomAttributes: [{ Name: 'tier', AttributeDataType: 'String' }] }));
    const custom = await server.client.send(new GetCSVHeaderCommand({ UserPoolId: id }));
    assert.deepEqual(custom.CSVHeader, [...STANDARD_HEADER, 'custom:tier', 'cognito:mfa_enabled', 'cognito:username']);
  });

  test('an unknown pool is ResourceNotFoundException', async () => {
    await rejects(server.client.send(new GetCSVHeaderCommand({ UserPoolId: 'us-east-1_Nope12345' })), ResourceNotFoundException, 'User pool us-east-1_Nope12345 does not exist.');
  });
});

suite('an import from upload to sign-in', () => {
  test('users arrive RESET_REQUIRED, are told so at sign-in, and reset their way in', async () => {
    const header = (await server.client.send(new GetCSVHeaderCommand({ UserPoolId: poolId }))).CSVHeader!;
    const rows = [
      userRow('ada', { name: 'Ada Lovelace, Countess', email: 'ada@example.com' }),
      userRow('bob', { name: 'Bob "the builder"\nSmith', phone_number: '+15555550100', phone_number_verified: 'true', 'cognito:mfa_enabled': 'true' }),
      userRow('cyd', { email_verified: 'TRUE' }),
    ];
    const job = await runImport(server, poolId, csv(header, rows));
    assert.equal(job.Status, 'Succeeded');
    assert.equal(job.ImportedUsers, 3);
    assert.equal(job.FailedUsers, 0);
    assert.equal(job.SkippedUsers, 0);
    assert.equal(job.CompletionMessage, 'Import Job Completed Successfully.');
    assert.ok(job.StartDate instanceof Date && job.CompletionDate instanceof Date);
    assert.ok(job.CompletionDate.getTime() >= job.StartDate.getTime());

    const ada = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ada' }));
    assert.equal(ada.UserStatus, 'RESET_REQUIRED');
    const attrs = Object.fromEntries(ada.UserAttributes!.map((a) => [a.Name, a.Value]));
    assert.equal(attrs.name, 'Ada Lovelace, Countess');
    assert.equal(attrs.email_verified, 'true');
    const bob = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'bob' }));
    assert.equal(Object.fromEntries(bob.UserAttributes!.map((a) => [a.Name, a.Value])).name, 'Bob "the builder"\nSmith');
    assert.deepEqual(bob.UserMFASettingList, ['SMS_MFA']);
    const cyd = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'cyd' }));
    assert.equal(Object.fromEntries(cyd.UserAttributes!.map((a) => [a.Name, a.Value])).email_verified, 'true');

    const signIn = (password: string): InitiateAuthCommand =>
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'ada', PASSWORD: password } });
    await rejects(server.client.send(signIn('Anything-1')), PasswordResetRequiredException, 'Password reset required for the user');
    // The verified email is an alias from the start.
    await rejects(
      server.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'ada@example.com', PASSWORD: 'x' } })),
      PasswordResetRequiredException,
      'Password reset required for the user',
    );

    const sent = await server.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'ada' }));
    assert.equal(sent.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
    const code = await lastCode(server, 'ada@example.com');
    await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'ada', ConfirmationCode: code, Password: 'Brand-New-Pass1' }));
    const out = await server.client.send(signIn('Brand-New-Pass1'));
    assert.ok(out.AuthenticationResult?.AccessToken);
    const after = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ada' }));
    assert.equal(after.UserStatus, 'CONFIRMED');
  });
});

suite('bad rows', () => {
  test('are counted as failed with their row and reason in the log; the good rows go in', async () => {
    await makeUser(server.client, poolId, 'existing', 'existing@example.com');
    const lines = [
      BASIC_COLUMNS.join(','),
      'good1,"Smith, Jr.",good1@example.com,true,,,false', // row 2
      'existing,,other@example.com,true,,,false', // row 3: the username is taken
      ',,nobody@example.com,true,,,false', // row 4: no cognito:username
      'badmail,,not-an-email,true,,,false', // row 5
      'badphone,,badphone@example.com,true,12345,false,false', // row 6
      'dupalias,,existing@example.com,true,,,false', // row 7: another user's verified email
      'good1,,good1b@example.com,true,,,false', // row 8: same username as row 2
      'short,,short@example.com', // row 9: too few values
      'unverified,,unverified@example.com,false,,,false', // row 10: no verified contact
      'mfa,,mfa@example.com,true,,,true', // row 11: MFA without a phone number
      'quote,,q"uote@example.com,true,,,false', // row 12: a stray quote
      'good2,"multi\nline",good2@example.com,true,+15555550123,true,false', // rows 13
      '',
      'good3,,good3@example.com,true,,,', // row 15: empty cognito:mfa_enabled reads as false
    ];
    const job = await runImport(server, poolId, lines.join('\r\n'));
    assert.equal(job.Status, 'Succeeded');
    assert.equal(job.ImportedUsers, 3);
    assert.equal(job.FailedUsers, 10);
    const log = await jobLog(server, job.JobId!);
    const byRow = new Map(log.map((e) => [e.row, e]));
    assert.deepEqual([...byRow.keys()], [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.ok(log.every((e) => e.level === 'ERROR'));
    assert.match(byRow.get(3)!.message, /same username already exists/);
    assert.equal(byRow.get(3)!.username, 'existing');
    assert.match(byRow.get(4)!.message, /cognito:username is required/);
    assert.equal(byRow.get(5)!.message, 'Invalid email address format.');
    assert.equal(byRow.get(6)!.message, 'Invalid phone number format.');
    assert.match(byRow.get(7)!.message, /already has this email/);
    assert.match(byRow.get(8)!.message, /same username already exists/);
    assert.match(byRow.get(9)!.message, /3 values; the header has 7 columns/);
    assert.match(byRow.get(10)!.message, /needs a verified email/);
    assert.match(byRow.get(11)!.message, /no phone_number/);
    assert.match(byRow.get(12)!.message, /malformed: a quote inside an unquoted value/);
    for (const name of ['good1', 'good2', 'good3']) {
      const u = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: name }));
      assert.equal(u.UserStatus, 'RESET_REQUIRED');
    }
    const good1 = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'good1' }));
    assert.equal(Object.fromEntries(good1.UserAttributes!.map((a) => [a.Name, a.Value])).email, 'good1@example.com');
    // Nothing of the refused rows was written.
    await assert.rejects(server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'dupalias' })), { name: 'UserNotFoundException' });
  });

  test('a required attribute missing from a row fails that row', async () => {
    const pool = await server.client.send(
      new CreateUserPoolCommand({ PoolName: 'required', AutoVerifiedAttributes: ['email'], Schema: [{ Name: 'given_name', Required: true, AttributeDataType: 'String', Mutable: true }] }),
    );
    const id = pool.UserPool!.Id!;
    const text = csv(['cognito:username', 'given_name', 'email', 'email_verified'], [userRow('has', { given_name: 'Has' }), userRow('lacks')]);
    const job = await runImport(server, id, text);
    assert.equal(job.Status, 'Succeeded');
    assert.equal(job.ImportedUsers, 1);
    assert.equal(job.FailedUsers, 1);
    const [entry] = await jobLog(server, job.JobId!);
    assert.equal(entry!.row, 3);
    assert.equal(entry!.message, 'Attributes did not conform to the schema: given_name: The attribute is required');
  });

  test('a column the pool does not have fails the whole job', async () => {
    const job = await runImport(server, poolId, 'cognito:username,email,email_verified,shoe_size\nzed,zed@example.com,true,44\n');
    assert.equal(job.Status, 'Failed');
    assert.equal(job.ImportedUsers, 0);
    assert.match(job.CompletionMessage!, /not attributes of the user pool: shoe_size/);
    const log = await jobLog(server, job.JobId!);
    assert.deepEqual(log.map((e) => e.row), [0]);
    await assert.rejects(server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'zed' })), { name: 'UserNotFoundException' });
  });

  test('a file without the cognito:username column, or empty, fails the job', async () => {
    const none = await runImport(server, poolId, 'email,email_verified\nx@example.com,true\n');
    assert.equal(none.Status, 'Failed');
    assert.match(none.CompletionMessage!, /no cognito:username column/);
    const empty = await runImport(server, poolId, '');
    assert.equal(empty.Status, 'Failed');
    assert.match(empty.CompletionMessage!, /empty/);
  });
});
