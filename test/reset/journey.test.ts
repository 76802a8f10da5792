import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminGetUserCommand,
  AdminListUserAuthEventsCommand,
  AdminResetUserPasswordCommand,
  CodeMismatchException,
  ConfirmForgotPasswordCommand,
  ExpiredCodeException,
  ForgotPasswordCommand,
  InvalidParameterException,
  InvalidPasswordException,
  LimitExceededException,
  NotAuthorizedException,
  PasswordHistoryPolicyViolationException,
  ResourceNotFoundException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { computeSecretHash } from '../../src/operations/shared/secretHash.js';
import { emailCount, lastCode, lastEmail, makePool, makeUser, passwordWorks, type ResetFixture } from './helpers.js';

let server: TestServer;
let f: ResetFixture;

before(async () => {
  server = await startTestServer({ dev: true });
  f = await makePool(server.client);
});
after(async () => {
  await server.cleanup();
});

function rejectsWith(p: Promise<unknown>, cls: new (...args: never[]) => Error, message: string): Promise<void> {
  return assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${(err as Error).name}: ${(err as Error).message}`);
    assert.equal((err as Error).message, message);
    return true;
  });
}

describe('the reset journey', () => {
  test('ForgotPassword -> code by email -> ConfirmForgotPassword sets the new password', async () => {
    await makeUser(server.client, f.poolId, 'alice', 'alice@example.com');
    const sent = await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'alice' }));
    assert.deepEqual(sent.CodeDeliveryDetails, { Destination: 'a***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    const message = await lastEmail(server, 'alice@example.com');
    assert.equal(message?.Subject, 'Your verification code');
    const code = await lastCode(server, 'alice@example.com');
    assert.match(code, /^\d{6}$/);

    // The status does not change and the old password keeps working until the confirm.
    const before = await server.client.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: 'alice' }));
    assert.equal(before.UserStatus, 'CONFIRMED');
    assert.ok(await passwordWorks(server, f.poolId, 'alice', 'Original-Pass1'));

    const out = await server.client.send(
      new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'alice', ConfirmationCode: code, Password: 'Brand-New-Pass2' }),
    );
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.ok(await passwordWorks(server, f.poolId, 'alice', 'Brand-New-Pass2'));
    assert.ok(!(await passwordWorks(server, f.poolId, 'alice', 'Original-Pass1')));

    // Single use: the same code again is expired.
    await rejectsWith(
      server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'alice', ConfirmationCode: code, Password: 'Another-Pass3' })),
      ExpiredCodeException,
      'Invalid code provided, please request a code again.',
    );
    // The "password changed" notice went out, without any secret in it.
    const notice = await lastEmail(server, 'alice@example.com');
    assert.equal(notice?.Subject, 'Your password was changed');
    assert.ok(!notice!.Body.text_part.includes(code));
    assert.ok(!notice!.Body.text_part.includes('Brand-New-Pass2'));

    const events = await server.client.send(new AdminListUserAuthEventsCommand({ UserPoolId: f.poolId, Username: 'alice' }));
    const kinds = events.AuthEvents!.map((e) => `${e.EventType}:${e.EventResponse}`);
    assert.deepEqual(kinds.slice(0, 3), ['PasswordChange:Fail', 'PasswordChange:Pass', 'ForgotPassword:Pass']);
  });

  test('only the latest code lives; an earlier one answers ExpiredCodeException', async () => {
    await makeUser(server.client, f.poolId, 'bob', 'bob@example.com');
    await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'bob' }));
    const first = await lastCode(server, 'bob@example.com');
    await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'bob' }));
    const second = await lastCode(server, 'bob@example.com');
    if (first !== second) {
      await rejectsWith(
        server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'bob', ConfirmationCode: first, Password: 'Bob-New-Pass1' })),
        CodeMismatchException,
        'Invalid verification code provided, please try again.',
      );
    }
    await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'bob', ConfirmationCode: second, Password: 'Bob-New-Pass1' }));
  });

  test('a weak password is refused with ConfirmForgotPassword wording and does not burn the code', async () => {
    await makeUser(server.client, f.poolId, 'carol', 'carol@example.com');
    await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'carol' }));
    const code = await lastCode(server, 'carol@example.com');
    const cases: Array<[string, string]> = [
      ['Sh0rt!', 'Password does not conform to policy: Password not long enough'],
      ['lowercase-only1', 'Password does not conform to policy: Password must have uppercase characters'],
      ['UPPERCASE-ONLY1', 'Password does not conform to policy: Password must have lowercase characters'],
      ['No-Numbers-Here', 'Password does not conform to policy: Password must have numeric characters'],
      ['NoSymbols123', 'Password does not conform to policy: Password must have symbol characters'],
    ];
    for (const [password, message] of cases) {
      await rejectsWith(
        server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'carol', ConfirmationCode: code, Password: password })),
        InvalidPasswordException,
        message,
      );
    }
    await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'carol', ConfirmationCode: code, Password: 'Carol-New-Pass1' }));
  });

  test('the alias (email) and the sub address the user too', async () => {
    const aliasPool = await makePool(server.client, { AliasAttributes: ['email'] });
    await makeUser(server.client, aliasPool.poolId, 'dave', 'dave@example.com');
    await server.client.send(new ForgotPasswordCommand({ ClientId: aliasPool.legacyClientId, Username: 'dave@example.com' }));
    const code = await lastCode(server, 'dave@example.com');
    const user = await server.client.send(new AdminGetUserCommand({ UserPoolId: aliasPool.poolId, Username: 'dave' }));
    const sub = user.UserAttributes!.find((a) => a.Name === 'sub')!.Value!;
    await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: aliasPool.legacyClientId, Username: sub, ConfirmationCode: code, Password: 'Dave-New-Pass1' }));
    assert.ok(await passwordWorks(server, aliasPool.poolId, 'dave', 'Dave-New-Pass1'));
  });
});

describe('errors', () => {
  test('unknown client', async () => {
    await rejectsWith(
      server.client.send(new ForgotPasswordCommand({ ClientId: 'nosuchclient0000000000000a', Username: 'x' })),
      ResourceNotFoundException,
      'User pool client nosuchclient0000000000000a does not exist.',
    );
  });

  test('a client with a secret needs the right SecretHash (over the submitted or the canonical username)', async () => {
    await makeUser(server.client, f.poolId, 'erin', 'erin@example.com');
    await rejectsWith(
      server.client.send(new ForgotPasswordCommand({ ClientId: f.secretClientId, Username: 'erin' })),
      NotAuthorizedException,
      `Client ${f.secretClientId} is configured with secret but SECRET_HASH was not received`,
    );
    await rejectsWith(
      server.client.send(new ForgotPasswordCommand({ ClientId: f.secretClientId, Username: 'erin', SecretHash: computeSecretHash(f.secret, 'mallory', f.secretClientId) })),
      NotAuthorizedException,
      `Unable to verify secret hash for client ${f.secretClientId}`,
    );
    const ok = await server.client.send(
      new ForgotPasswordCommand({ ClientId: f.secretClientId, Username: 'erin', SecretHash: computeSecretHash(f.secret, 'erin', f.secretClientId) }),
    );
    assert.equal(ok.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
  });

  test('LEGACY: unknown user, no verified channel, disabled user', async () => {
    await rejectsWith(
      server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'nobody' })),
      UserNotFoundException,
      'Username/client id combination not found.',
    );
    await rejectsWith(
      server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'nobody', ConfirmationCode: '123456', Password: 'Whatever-Pass1' })),
      UserNotFoundException,
      'Username/client id combination not found.',
    );
  });

  test('LEGACY: a user with no outstanding code gets ExpiredCodeException; ENABLED hides it as CodeMismatchException', async () => {
    await makeUser(server.client, f.poolId, 'frank', 'frank@example.com');
    await rejectsWith(
      server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'frank', ConfirmationCode: '123456', Password: 'Frank-New-Pass1' })),
      ExpiredCodeException,
      'Invalid code provided, please request a code again.',
    );
    await rejectsWith(
      server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.enabledClientId, Username: 'frank', ConfirmationCode: '123456', Password: 'Frank-New-Pass1' })),
      CodeMismatchException,
      'Invalid verification code provided, please try again.',
    );
  });

  test('five wrong codes, then LimitExceededException and the code is dead', async () => {
    await makeUser(server.client, f.poolId, 'gina', 'gina@example.com');
    await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'gina' }));
    const code = await lastCode(server, 'gina@example.com');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      await rejectsWith(
        server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'gina', ConfirmationCode: wrong, Password: 'Gina-New-Pass1' })),
        CodeMismatchException,
        'Invalid verification code provided, please try again.',
      );
    }
    await rejectsWith(
      server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'gina', ConfirmationCode: code, Password: 'Gina-New-Pass1' })),
      LimitExceededException,
      'Attempt limit exceeded, please try after some time.',
    );
    assert.ok(!(await passwordWorks(server, f.poolId, 'gina', 'Gina-New-Pass1')));
  });

  test('PasswordHistorySize refuses a recent password, without burning the code', async () => {
    const p = await makePool(server.client, { Policies: { PasswordPolicy: { MinimumLength: 8, PasswordHistorySize: 2 } } });
    await makeUser(server.client, p.poolId, 'hank', 'hank@example.com', 'first-password');
    await server.client.send(new ForgotPasswordCommand({ ClientId: p.legacyClientId, Username: 'hank' }));
    const code = await lastCode(server, 'hank@example.com');
    await assert.rejects(
      server.client.send(new ConfirmForgotPasswordCommand({ ClientId: p.legacyClientId, Username: 'hank', ConfirmationCode: code, Password: 'first-password' })),
      PasswordHistoryPolicyViolationException,
    );
    await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: p.legacyClientId, Username: 'hank', ConfirmationCode: code, Password: 'second-password' }));
  });

  test('FORCE_CHANGE_PASSWORD users cannot reset; admin_only pools refuse self-service', async () => {
    const { AdminCreateUserCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    await server.client.send(
      new AdminCreateUserCommand({
        UserPoolId: f.poolId,
        Username: 'ivan',
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: 'ivan@example.com' },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    await rejectsWith(
      server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'ivan' })),
      NotAuthorizedException,
      'User password cannot be reset in the current state.',
    );
    const admin = await makePool(server.client, { AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] } });
    await makeUser(server.client, admin.poolId, 'judy', 'judy@example.com');
    await rejectsWith(
      server.client.send(new ForgotPasswordCommand({ ClientId: admin.legacyClientId, Username: 'judy' })),
      NotAuthorizedException,
      'Contact administrator to reset password.',
    );
  });

  test('a user without a verified channel: InvalidParameterException under LEGACY', async () => {
    const { AdminCreateUserCommand, AdminSetUserPasswordCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    await server.client.send(
      new AdminCreateUserCommand({ UserPoolId: f.poolId, Username: 'kim', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'kim@example.com' }] }),
    );
    await server.client.send(new AdminSetUserPasswordCommand({ UserPoolId: f.poolId, Username: 'kim', Password: 'Kim-Pass-123', Permanent: true }));
    await rejectsWith(
      server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'kim' })),
      InvalidParameterException,
      'Cannot reset password for the user as there is no registered/verified email or phone_number',
    );
    assert.equal(await emailCount(server, 'kim@example.com'), 0);
  });
});

describe('AdminResetUserPassword', () => {
  test('RESET_REQUIRED, a code is sent, and ConfirmForgotPassword returns the user to CONFIRMED', async () => {
    await makeUser(server.client, f.poolId, 'leo', 'leo@example.com');
    await server.client.send(new AdminResetUserPasswordCommand({ UserPoolId: f.poolId, Username: 'leo' }));
    const user = await server.client.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: 'leo' }));
    assert.equal(user.UserStatus, 'RESET_REQUIRED');
    const code = await lastCode(server, 'leo@example.com');
    await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'leo', ConfirmationCode: code, Password: 'Leo-New-Pass1' }));
    const after = await server.client.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: 'leo' }));
    assert.equal(after.UserStatus, 'CONFIRMED');
  });

  test('unknown user', async () => {
    await rejectsWith(
      server.client.send(new AdminResetUserPasswordCommand({ UserPoolId: f.poolId, Username: 'ghost' })),
      UserNotFoundException,
      'User does not exist.',
    );
  });
});
