// The reset journey ends in a real sign-in: after ConfirmForgotPassword the new password
// signs in and the old one does not, and every session opened before the reset is over
// (refresh tokens and access tokens alike). An admin reset blocks sign-in until the reset.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminResetUserPasswordCommand,
  ConfirmForgotPasswordCommand,
  CreateUserPoolClientCommand,
  ForgotPasswordCommand,
  GetUserCommand,
  InitiateAuthCommand,
  NotAuthorizedException,
  PasswordResetRequiredException,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { lastCode, makePool, makeUser, type ResetFixture } from './helpers.js';

let server: TestServer;
let f: ResetFixture;
let clientId: string;

before(async () => {
  server = await startTestServer({ dev: true });
  f = await makePool(server.client);
  const c = await server.client.send(
    new CreateUserPoolClientCommand({ UserPoolId: f.poolId, ClientName: 'password', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
  );
  clientId = c.UserPoolClient!.ClientId!;
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

async function signIn(username: string, password: string): Promise<AuthenticationResultType> {
  const out = await server.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }));
  assert.ok(out.AuthenticationResult?.AccessToken);
  return out.AuthenticationResult;
}

describe('signing in around a reset', () => {
  test('after ConfirmForgotPassword: the new password signs in, the old one and every earlier session do not', async () => {
    await makeUser(server.client, f.poolId, 'sid', 'sid@example.com');
    const before = await signIn('sid', 'Original-Pass1');
    // Still good before the reset.
    await server.client.send(new GetUserCommand({ AccessToken: before.AccessToken! }));

    await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'sid' }));
    const code = await lastCode(server, 'sid@example.com');
    await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'sid', ConfirmationCode: code, Password: 'Brand-New-Pass2' }));

    const after = await signIn('sid', 'Brand-New-Pass2');
    await rejectsWith(
      server.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'sid', PASSWORD: 'Original-Pass1' } })),
      NotAuthorizedException,
      'Incorrect username or password.',
    );
    await rejectsWith(
      server.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: before.RefreshToken! } })),
      NotAuthorizedException,
      'Refresh Token has been revoked',
    );
    await rejectsWith(server.client.send(new GetUserCommand({ AccessToken: before.AccessToken! })), NotAuthorizedException, 'Access Token has been revoked');
    // The session opened after the reset is unaffected.
    const me = await server.client.send(new GetUserCommand({ AccessToken: after.AccessToken! }));
    assert.equal(me.Username, 'sid');
    const refreshed = await server.client.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: after.RefreshToken! } }),
    );
    assert.ok(refreshed.AuthenticationResult?.AccessToken);
  });

  test('AdminResetUserPassword: PasswordResetRequiredException until the user completes the reset', async () => {
    await makeUser(server.client, f.poolId, 'rex', 'rex@example.com');
    await server.client.send(new AdminResetUserPasswordCommand({ UserPoolId: f.poolId, Username: 'rex' }));
    await rejectsWith(
      server.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'rex', PASSWORD: 'Original-Pass1' } })),
      PasswordResetRequiredException,
      'Password reset required for the user',
    );
    const code = await lastCode(server, 'rex@example.com');
    await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'rex', ConfirmationCode: code, Password: 'After-Admin-Reset3' }));
    await signIn('rex', 'After-Admin-Reset3');
  });
});
