// App-client operations through the real SDK: CreateUserPoolClient, DescribeUserPoolClient,
// UpdateUserPoolClient, DeleteUserPoolClient and ListUserPoolClients.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  InvalidOAuthFlowException,
  InvalidParameterException,
  ListUserPoolClientsCommand,
  ResourceNotFoundException,
  UpdateUserPoolClientCommand,
  type CreateUserPoolClientCommandInput,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let poolId: string;

before(async () => {
  server = await startTestServer();
  const pool = await server.client.send(
    new CreateUserPoolCommand({ PoolName: 'clients', Schema: [{ Name: 'tenant', AttributeDataType: 'String' }, { Name: 'flag', AttributeDataType: 'Boolean', DeveloperOnlyAttribute: true }] }),
  );
  poolId = pool.UserPool!.Id!;
});
after(async () => {
  await server.cleanup();
});

async function createClient(input: Partial<CreateUserPoolClientCommandInput> = {}, pool = poolId): Promise<UserPoolClientType> {
  return (await server.client.send(new CreateUserPoolClientCommand({ UserPoolId: pool, ClientName: 'app', ...input }))).UserPoolClient!;
}

async function describeClient(clientId: string, pool = poolId): Promise<UserPoolClientType> {
  return (await server.client.send(new DescribeUserPoolClientCommand({ UserPoolId: pool, ClientId: clientId }))).UserPoolClient!;
}

async function rejects(promise: Promise<unknown>, type: new (...args: never[]) => Error, message: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof type, `expected ${type.name}, got ${(err as Error)?.name}: ${(err as Error)?.message}`);
    assert.equal((err as Error).message, message);
    return true;
  });
}

const DEFAULTS = {
  RefreshTokenValidity: 30,
  AccessTokenValidity: 60,
  IdTokenValidity: 60,
  TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
  ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH'],
  AllowedOAuthFlowsUserPoolClient: false,
  PreventUserExistenceErrors: 'LEGACY',
  EnableTokenRevocation: true,
  EnablePropagateAdditionalUserContextData: false,
  AuthSessionValidity: 3,
};

describe('CreateUserPoolClient and DescribeUserPoolClient', () => {
  test('a client created with only a name has a Cognito-shaped id, no secret, and every default', async () => {
    const created = await createClient({ ClientName: 'public' });
    assert.match(created.ClientId!, /^[a-z0-9]{26}$/);
    assert.equal(created.ClientSecret, undefined);
    const client = await describeClient(created.ClientId!);
    assert.ok(client.CreationDate instanceof Date && Math.abs(client.CreationDate.getTime() - Date.now()) < 60_000);
    assert.deepEqual(client, {
      UserPoolId: poolId,
      ClientName: 'public',
      ClientId: created.ClientId,
      CreationDate: created.CreationDate,
      LastModifiedDate: created.LastModifiedDate,
      ...DEFAULTS,
    });
  });

  test('GenerateSecret gives a 51-character secret that DescribeUserPoolClient returns', async () => {
    const created = await createClient({ ClientName: 'confidential', GenerateSecret: true });
    assert.match(created.ClientSecret!, /^[\w+]{51}$/);
    const described = await describeClient(created.ClientId!);
    assert.equal(described.ClientSecret, created.ClientSecret);
    const other = await createClient({ GenerateSecret: true });
    assert.notEqual(other.ClientSecret, created.ClientSecret);
    assert.notEqual(other.ClientId, created.ClientId);
  });

  test('every given setting is stored and returned as given', async () => {
    const settings: Partial<CreateUserPoolClientCommandInput> = {
      RefreshTokenValidity: 12,
      AccessTokenValidity: 2,
      IdTokenValidity: 90,
      TokenValidityUnits: { AccessToken: 'hours', IdToken: 'minutes', RefreshToken: 'hours' },
      ReadAttributes: ['email', 'email_verified', 'custom:tenant', 'dev:custom:flag'],
      WriteAttributes: ['email', 'custom:tenant'],
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: ['https://app.example.com/callback', 'http://localhost:3000/cb', 'myapp://signin'],
      LogoutURLs: ['https://app.example.com/bye'],
      DefaultRedirectURI: 'https://app.example.com/callback',
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email'],
      AllowedOAuthFlowsUserPoolClient: true,
      AnalyticsConfiguration: { ApplicationArn: 'arn:aws:mobiletargeting:us-east-1:123456789012:apps/abc', UserDataShared: true },
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: false,
      AuthSessionValidity: 10,
    };
    const created = await createClient({ ClientName: 'full', ...settings });
    const client = await describeClient(created.ClientId!);
    for (const [key, value] of Object.entries(settings)) assert.deepEqual(client[key as keyof UserPoolClientType], value, key);
    assert.equal(client.EnablePropagateAdditionalUserContextData, false);
  });

  test('a bare validity number is read in Cognito’s API units: hours, and days for refresh', async () => {
    const client = await createClient({ AccessTokenValidity: 12, IdTokenValidity: 1, RefreshTokenValidity: 7 });
    assert.deepEqual(
      [client.AccessTokenValidity, client.IdTokenValidity, client.RefreshTokenValidity, client.TokenValidityUnits],
      [12, 1, 7, { AccessToken: 'hours', IdToken: 'hours', RefreshToken: 'days' }],
    );
  });

  test('RefreshTokenValidity 0 means the 30-day default; legacy flow names alone are accepted', async () => {
    const client = await createClient({ RefreshTokenValidity: 0, ExplicitAuthFlows: ['ADMIN_NO_SRP_AUTH', 'USER_PASSWORD_AUTH'] });
    assert.equal(client.RefreshTokenValidity, 30);
    assert.equal(client.TokenValidityUnits!.RefreshToken, 'days');
    assert.deepEqual(client.ExplicitAuthFlows, ['ADMIN_NO_SRP_AUTH', 'USER_PASSWORD_AUTH']);
  });

  test('a client_credentials client with a secret is accepted', async () => {
    const client = await createClient({
      GenerateSecret: true,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: ['api/read'],
      EnablePropagateAdditionalUserContextData: true,
    });
    assert.deepEqual(client.AllowedOAuthFlows, ['client_credentials']);
    assert.equal(client.EnablePropagateAdditionalUserContextData, true);
  });

  test('an unknown pool or client answers ResourceNotFoundException', async () => {
    await rejects(createClient({}, 'us-east-1_nothere00'), ResourceNotFoundException, 'User pool us-east-1_nothere00 does not exist.');
    await rejects(describeClient('abcdefghijklmnopqrstuvwxyz'), ResourceNotFoundException, 'User pool client abcdefghijklmnopqrstuvwxyz does not exist.');
    await rejects(describeClient('abcdefghijklmnopqrstuvwxyz', 'us-east-1_nothere00'), ResourceNotFoundException, 'User pool us-east-1_nothere00 does not exist.');
  });

  test('a client of another pool is not found in this one', async () => {
    const other = await server.client.send(new CreateUserPoolCommand({ PoolName: 'other' }));
    const foreign = await createClient({}, other.UserPool!.Id!);
    await rejects(describeClient(foreign.ClientId!), ResourceNotFoundException, `User pool client ${foreign.ClientId} does not exist.`);
  });
});

describe('CreateUserPoolClient refusals', () => {
  const cases: [string, Partial<CreateUserPoolClientCommandInput>, new (...args: never[]) => Error, string][] = [
    ['ALLOW_ and legacy flow names together', { ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'USER_PASSWORD_AUTH'] }, InvalidParameterException, "Auth flow name with prefix 'ALLOW' cannot be used with legacy auth flow names."],
    ['ALLOW_ flows without refresh', { ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH'] }, InvalidParameterException, 'REFRESH_TOKEN_AUTH should always be allowed.'],
    ['an access token over a day (bare number in hours)', { AccessTokenValidity: 25 }, InvalidParameterException, 'Invalid range for token validity.'],
    ['an id token under 5 minutes', { IdTokenValidity: 4, TokenValidityUnits: { IdToken: 'minutes' } }, InvalidParameterException, 'Invalid range for token validity.'],
    ['a refresh token under an hour', { RefreshTokenValidity: 59, TokenValidityUnits: { RefreshToken: 'minutes' } }, InvalidParameterException, 'Invalid range for token validity.'],
    ['a refresh token over 10 years', { RefreshTokenValidity: 3651 }, InvalidParameterException, 'Invalid range for token validity.'],
    ['a unit whose default number is out of range', { TokenValidityUnits: { AccessToken: 'hours' } }, InvalidParameterException, 'Invalid range for token validity.'],
    ['an access token outliving the refresh token', { AccessTokenValidity: 200, RefreshTokenValidity: 90, TokenValidityUnits: { AccessToken: 'minutes', RefreshToken: 'minutes' } }, InvalidParameterException, 'Access and Id Token expiration times must be less than or equal to refresh token expiration times.'],
    ['an unknown read attribute', { ReadAttributes: ['email', 'custom:nope'] }, InvalidParameterException, 'Invalid read attributes specified while creating a client'],
    ['an unknown write attribute', { WriteAttributes: ['tenant'] }, InvalidParameterException, 'Invalid write attributes specified while creating a client'],
    ['write access to email_verified', { WriteAttributes: ['email_verified'] }, InvalidParameterException, 'Invalid write attributes specified while creating a client'],
    ['OAuth without flows or scopes', { AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], CallbackURLs: ['https://a.example/cb'] }, InvalidParameterException, 'AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.'],
    ['the code flow without callback URLs', { AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid'] }, InvalidOAuthFlowException, 'CallbackUrls can not be empty when code flow or implicit flow is selected'],
    ['client_credentials with the code flow', { GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials', 'code'], AllowedOAuthScopes: ['openid'], CallbackURLs: ['https://a.example/cb'] }, InvalidOAuthFlowException, 'client_credentials flow can not be selected along with code flow or implicit flow.'],
    ['client_credentials without a secret', { AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['api/read'] }, InvalidOAuthFlowException, 'client_credentials flow can not be selected if client does not have a client secret.'],
    ['a plain-http callback off localhost', { CallbackURLs: ['http://app.example.com/cb'] }, InvalidParameterException, 'http://app.example.com/cb cannot use the HTTP protocol.'],
    ['a plain-http logout URL off localhost', { LogoutURLs: ['http://10.0.0.5/bye'] }, InvalidParameterException, 'http://10.0.0.5/bye cannot use the HTTP protocol.'],
    ['a default redirect outside the callbacks', { CallbackURLs: ['https://a.example/cb'], DefaultRedirectURI: 'https://b.example/cb' }, InvalidParameterException, 'The default redirect URI https://b.example/cb is not in the callback URIs list.'],
    ['user-context propagation without a secret', { EnablePropagateAdditionalUserContextData: true }, InvalidParameterException, 'EnablePropagateAdditionalUserContextData can only be activated for an app client that has a client secret.'],
    ['an incomplete analytics configuration', { AnalyticsConfiguration: { ApplicationId: 'abc123' } }, InvalidParameterException, 'Invalid analytics configuration given, either <application arn> or <application id, role arn, external id> are valid'],
  ];
  for (const [what, input, type, message] of cases) {
    test(`refuses ${what}`, async () => {
      const before = await server.client.send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 60 }));
      await rejects(createClient(input), type, message);
      const afterList = await server.client.send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 60 }));
      assert.equal(afterList.UserPoolClients!.length, before.UserPoolClients!.length);
    });
  }
});

describe('UpdateUserPoolClient', () => {
  test('replaces the settings, keeps the secret, and reads back what was sent', async () => {
    const created = await createClient({ ClientName: 'to-update', GenerateSecret: true });
    const out = await server.client.send(
      new UpdateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientId: created.ClientId!,
        ClientName: 'updated',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        AccessTokenValidity: 15,
        TokenValidityUnits: { AccessToken: 'minutes' },
        PreventUserExistenceErrors: 'ENABLED',
        ReadAttributes: ['custom:tenant'],
        AuthSessionValidity: 15,
      }),
    );
    const client = await describeClient(created.ClientId!);
    assert.deepEqual(client, out.UserPoolClient);
    assert.equal(client.ClientName, 'updated');
    assert.equal(client.ClientSecret, created.ClientSecret);
    assert.deepEqual(client.ExplicitAuthFlows, ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    assert.equal(client.AccessTokenValidity, 15);
    assert.deepEqual(client.TokenValidityUnits, { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' });
    assert.equal(client.PreventUserExistenceErrors, 'ENABLED');
    assert.deepEqual(client.ReadAttributes, ['custom:tenant']);
    assert.equal(client.AuthSessionValidity, 15);
    assert.deepEqual(client.CreationDate, created.CreationDate);
    assert.ok(client.LastModifiedDate!.getTime() >= created.LastModifiedDate!.getTime());
  });

  test('settings left out go back to their defaults; the name stays', async () => {
    const created = await createClient({
      ClientName: 'reset-me',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: false,
      RefreshTokenValidity: 5,
      WriteAttributes: ['name'],
      CallbackURLs: ['https://a.example/cb'],
    });
    await server.client.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: created.ClientId! }));
    const client = await describeClient(created.ClientId!);
    assert.deepEqual(client, {
      UserPoolId: poolId,
      ClientName: 'reset-me',
      ClientId: created.ClientId,
      CreationDate: created.CreationDate,
      LastModifiedDate: client.LastModifiedDate,
      ...DEFAULTS,
    });
  });

  test('applies the same rules, in its own words, and changes nothing when it refuses', async () => {
    const created = await createClient({ ClientName: 'strict', PreventUserExistenceErrors: 'ENABLED' });
    const update = (extra: object) => server.client.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: created.ClientId!, ...extra }));
    await rejects(update({ WriteAttributes: ['custom:missing'] }), InvalidParameterException, 'Invalid write attributes specified while updating a client');
    await rejects(update({ ReadAttributes: ['nope'] }), InvalidParameterException, 'Invalid read attributes specified while updating a client');
    await rejects(update({ ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'CUSTOM_AUTH_FLOW_ONLY'] }), InvalidParameterException, "Auth flow name with prefix 'ALLOW' cannot be used with legacy auth flow names.");
    await rejects(
      update({ AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['api/read'] }),
      InvalidOAuthFlowException,
      'client_credentials flow can not be selected if client does not have a client secret.',
    );
    const client = await describeClient(created.ClientId!);
    assert.equal(client.PreventUserExistenceErrors, 'ENABLED');
    assert.deepEqual(client.LastModifiedDate, created.LastModifiedDate);
  });

  test('an unknown pool or client answers ResourceNotFoundException', async () => {
    await rejects(
      server.client.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: 'abcdefghijklmnopqrstuvwxy0' })),
      ResourceNotFoundException,
      'User pool client abcdefghijklmnopqrstuvwxy0 does not exist.',
    );
    await rejects(
      server.client.send(new UpdateUserPoolClientCommand({ UserPoolId: 'us-east-1_nothere01', ClientId: 'abcdefghijklmnopqrstuvwxy0' })),
      ResourceNotFoundException,
      'User pool us-east-1_nothere01 does not exist.',
    );
  });
});

describe('DeleteUserPoolClient', () => {
  test('deletes the client; a second delete finds nothing', async () => {
    const created = await createClient({ ClientName: 'doomed', GenerateSecret: true });
    await server.client.send(new DeleteUserPoolClientCommand({ UserPoolId: poolId, ClientId: created.ClientId! }));
    await rejects(describeClient(created.ClientId!), ResourceNotFoundException, `User pool client ${created.ClientId} does not exist.`);
    await rejects(
      server.client.send(new DeleteUserPoolClientCommand({ UserPoolId: poolId, ClientId: created.ClientId! })),
      ResourceNotFoundException,
      `User pool client ${created.ClientId} does not exist.`,
    );
  });

  test('a client is only deleted through its own pool', async () => {
    const other = await server.client.send(new CreateUserPoolCommand({ PoolName: 'elsewhere' }));
    const created = await createClient({ ClientName: 'mine' });
    await rejects(
      server.client.send(new DeleteUserPoolClientCommand({ UserPoolId: other.UserPool!.Id!, ClientId: created.ClientId! })),
      ResourceNotFoundException,
      `User pool client ${created.ClientId} does not exist.`,
    );
    assert.equal((await describeClient(created.ClientId!)).ClientName, 'mine');
    await rejects(
      server.client.send(new DeleteUserPoolClientCommand({ UserPoolId: 'us-east-1_nothere02', ClientId: created.ClientId! })),
      ResourceNotFoundException,
      'User pool us-east-1_nothere02 does not exist.',
    );
  });
});

describe('ListUserPoolClients', () => {
  let listPool: string;
  const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];
  const ids: string[] = [];

  before(async () => {
    listPool = (await server.client.send(new CreateUserPoolCommand({ PoolName: 'listing' }))).UserPool!.Id!;
    for (const name of names) ids.push((await createClient({ ClientName: name, GenerateSecret: true }, listPool)).ClientId!);
  });

  test('pages through every client with NextToken; items carry only id, pool and name', async () => {
    const seen: { ClientId?: string; UserPoolId?: string; ClientName?: string }[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await server.client.send(new ListUserPoolClientsCommand({ UserPoolId: listPool, MaxResults: 2, NextToken: token }));
      assert.ok(out.UserPoolClients!.length <= 2);
      seen.push(...out.UserPoolClients!);
      token = out.NextToken;
      pages++;
    } while (token !== undefined);
    assert.equal(pages, 3);
    assert.deepEqual(seen.map((c) => c.ClientId).sort(), [...ids].sort());
    for (const item of seen) {
      assert.deepEqual(Object.keys(item).sort(), ['ClientId', 'ClientName', 'UserPoolId']);
      assert.equal(item.UserPoolId, listPool);
      assert.equal(item.ClientName, names[ids.indexOf(item.ClientId!)]);
    }
  });

  test('without MaxResults every client comes on one page', async () => {
    const out = await server.client.send(new ListUserPoolClientsCommand({ UserPoolId: listPool }));
    assert.equal(out.UserPoolClients!.length, 5);
    assert.equal(out.NextToken, undefined);
  });

  test('a token from another pool’s listing, or a garbled one, is refused', async () => {
    const first = await server.client.send(new ListUserPoolClientsCommand({ UserPoolId: listPool, MaxResults: 1 }));
    assert.ok(first.NextToken);
    await rejects(
      server.client.send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 1, NextToken: first.NextToken })),
      InvalidParameterException,
      'Invalid pagination token.',
    );
    await rejects(
      server.client.send(new ListUserPoolClientsCommand({ UserPoolId: listPool, MaxResults: 1, NextToken: 'garbage!' })),
      InvalidParameterException,
      'Invalid pagination token.',
    );
  });

  test('an unknown pool answers ResourceNotFoundException', async () => {
    await rejects(
      server.client.send(new ListUserPoolClientsCommand({ UserPoolId: 'us-east-1_nothere03' })),
      ResourceNotFoundException,
      'User pool us-east-1_nothere03 does not exist.',
    );
  });
});
