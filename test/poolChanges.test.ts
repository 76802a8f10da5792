// UpdateUserPool and AddCustomAttributes through the real SDK: replace-with-defaults
// semantics, what stays immutable, schema growth and Cognito's refusals.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddCustomAttributesCommand,
  InvalidParameterException,
  ResourceNotFoundException,
  UpdateUserPoolCommand,
  type CreateUserPoolCommandInput,
  type SchemaAttributeType,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from './helpers/server.js';
import { attr, createPoolOn, describePoolOn, rejects, STANDARD_ORDER } from './helpers/pools.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.cleanup();
});

const createPool = (input: Partial<CreateUserPoolCommandInput> = {}): Promise<UserPoolType> => createPoolOn(server, input);
const describePool = (id: string): Promise<UserPoolType> => describePoolOn(server, id);

describe('UpdateUserPool', () => {
  test('replaces the updatable settings and reads back what was sent', async () => {
    const created = await createPool({ PoolName: 'before', UserPoolTags: { keep: 'me' } });
    await server.client.send(
      new UpdateUserPoolCommand({
        UserPoolId: created.Id!,
        PoolName: 'after',
        Policies: { PasswordPolicy: { MinimumLength: 10, RequireSymbols: true, TemporaryPasswordValidityDays: 1 } },
        DeletionProtection: 'ACTIVE',
        LambdaConfig: { PostConfirmation: 'arn:aws:lambda:us-east-1:123456789012:function:post' },
        AutoVerifiedAttributes: ['email'],
        MfaConfiguration: 'OPTIONAL',
        SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::123456789012:role/sms' },
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] },
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        UserPoolTier: 'LITE',
      }),
    );
    const pool = await describePool(created.Id!);
    assert.equal(pool.Name, 'after');
    assert.deepEqual(pool.Policies!.PasswordPolicy, {
      MinimumLength: 10, RequireUppercase: false, RequireLowercase: false, RequireNumbers: false, RequireSymbols: true, TemporaryPasswordValidityDays: 1,
    });
    assert.equal(pool.DeletionProtection, 'ACTIVE');
    assert.deepEqual(pool.LambdaConfig, { PostConfirmation: 'arn:aws:lambda:us-east-1:123456789012:function:post' });
    assert.deepEqual(pool.AutoVerifiedAttributes, ['email']);
    assert.equal(pool.MfaConfiguration, 'OPTIONAL');
    assert.deepEqual(pool.AccountRecoverySetting, { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] });
    assert.deepEqual(pool.AdminCreateUserConfig, { AllowAdminCreateUserOnly: true, UnusedAccountValidityDays: 1 });
    assert.equal(pool.UserPoolTier, 'LITE');
    assert.deepEqual(pool.UserPoolTags, { keep: 'me' });
    assert.ok(pool.LastModifiedDate!.getTime() >= pool.CreationDate!.getTime());
  });

  test('settings left out go back to their defaults; the immutable ones stay', async () => {
    const created = await createPool({
      PoolName: 'keep-name',
      Schema: [{ Name: 'tenant', AttributeDataType: 'String' }],
      AliasAttributes: ['email', 'preferred_username'],
      UsernameConfiguration: { CaseSensitive: false },
      Policies: { PasswordPolicy: { MinimumLength: 20 } },
      DeletionProtection: 'ACTIVE',
      LambdaConfig: { PreSignUp: 'arn:aws:lambda:us-east-1:123456789012:function:pre' },
      AutoVerifiedAttributes: ['email'],
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      UserPoolTier: 'PLUS',
    });
    await server.client.send(new UpdateUserPoolCommand({ UserPoolId: created.Id! }));
    const pool = await describePool(created.Id!);
    assert.equal(pool.Name, 'keep-name');
    assert.equal(pool.Policies!.PasswordPolicy!.MinimumLength, 8);
    assert.equal(pool.Policies!.PasswordPolicy!.RequireSymbols, true);
    assert.equal(pool.DeletionProtection, 'INACTIVE');
    assert.deepEqual(pool.LambdaConfig, {});
    assert.equal(pool.AutoVerifiedAttributes, undefined);
    assert.equal(pool.AccountRecoverySetting, undefined);
    assert.equal(pool.MfaConfiguration, 'OFF');
    assert.deepEqual(pool.SchemaAttributes, created.SchemaAttributes);
    assert.ok(attr(pool, 'custom:tenant'));
    assert.deepEqual(pool.AliasAttributes, ['email', 'preferred_username']);
    assert.deepEqual(pool.UsernameConfiguration, { CaseSensitive: false });
    assert.equal(pool.UserPoolTier, 'PLUS');
  });

  test('applies the same rules as CreateUserPool and changes nothing when it refuses', async () => {
    const created = await createPool({ PoolName: 'strict', DeletionProtection: 'ACTIVE' });
    await rejects(
      server.client.send(new UpdateUserPoolCommand({ UserPoolId: created.Id!, MfaConfiguration: 'ON' })),
      InvalidParameterException,
      'SMS configuration and Auto verification for phone_number are required when MFA is required/optional',
    );
    await rejects(
      server.client.send(
        new UpdateUserPoolCommand({
          UserPoolId: created.Id!,
          AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }, { Name: 'admin_only', Priority: 2 }] },
        }),
      ),
      InvalidParameterException,
      'Account Recovery Setting cannot use admin_only setting with any other recovery mechanisms.',
    );
    const pool = await describePool(created.Id!);
    assert.equal(pool.DeletionProtection, 'ACTIVE');
    assert.deepEqual(pool.LastModifiedDate, created.LastModifiedDate);
  });

  test('an unknown pool answers ResourceNotFoundException', async () => {
    await rejects(server.client.send(new UpdateUserPoolCommand({ UserPoolId: 'us-east-1_nothere01' })), ResourceNotFoundException, 'User pool us-east-1_nothere01 does not exist.');
  });
});

describe('AddCustomAttributes', () => {
  test('appends custom attributes under custom: names', async () => {
    const pool = await createPool({ Schema: [{ Name: 'first', AttributeDataType: 'String' }] });
    await server.client.send(
      new AddCustomAttributesCommand({
        UserPoolId: pool.Id!,
        CustomAttributes: [
          { Name: 'score', AttributeDataType: 'Number', Mutable: true, NumberAttributeConstraints: { MinValue: '0', MaxValue: '100' } },
          { Name: 'joined', AttributeDataType: 'DateTime', Mutable: false },
        ],
      }),
    );
    const described = await describePool(pool.Id!);
    assert.deepEqual(described.SchemaAttributes!.slice(STANDARD_ORDER.length).map((a) => a.Name), ['custom:first', 'custom:score', 'custom:joined']);
    assert.deepEqual(attr(described, 'custom:score'), {
      Name: 'custom:score', AttributeDataType: 'Number', DeveloperOnlyAttribute: false, Mutable: true, Required: false,
      NumberAttributeConstraints: { MinValue: '0', MaxValue: '100' },
    });
    assert.equal(attr(described, 'custom:joined')!.Mutable, false);
  });

  test('refuses a name that exists, a required attribute, and the 51st custom attribute', async () => {
    const pool = await createPool({ Schema: [{ Name: 'taken', AttributeDataType: 'String' }] });
    const add = (attrs: SchemaAttributeType[]) => server.client.send(new AddCustomAttributesCommand({ UserPoolId: pool.Id!, CustomAttributes: attrs }));
    await rejects(add([{ Name: 'taken', AttributeDataType: 'String' }]), InvalidParameterException, 'custom:taken: Existing attribute already has name custom:taken.');
    await rejects(add([{ Name: 'must', AttributeDataType: 'String', Required: true }]), InvalidParameterException, 'Required custom attributes are not supported currently.');
    await rejects(
      add([{ Name: 'twice', AttributeDataType: 'String' }, { Name: 'twice', AttributeDataType: 'String' }]),
      InvalidParameterException,
      'Duplicate custom attribute names custom:twice are not allowed in a user pool schema.',
    );
    await add(Array.from({ length: 25 }, (_, i) => ({ Name: `a${i}`, AttributeDataType: 'String' as const })));
    await add(Array.from({ length: 24 }, (_, i) => ({ Name: `b${i}`, AttributeDataType: 'String' as const })));
    await rejects(
      add([{ Name: 'c0', AttributeDataType: 'String' }, { Name: 'c1', AttributeDataType: 'String' }]),
      InvalidParameterException,
      'A user pool can have at most 50 custom attributes.',
    );
    const described = await describePool(pool.Id!);
    assert.equal(described.SchemaAttributes!.length, STANDARD_ORDER.length + 50);
    assert.equal(attr(described, 'custom:must'), undefined);
    assert.equal(attr(described, 'custom:twice'), undefined);
  });

  test('concurrent additions all land', async () => {
    const pool = await createPool();
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        server.client.send(new AddCustomAttributesCommand({ UserPoolId: pool.Id!, CustomAttributes: [{ Name: `c${i}`, AttributeDataType: 'String' }] })),
      ),
    );
    const names = (await describePool(pool.Id!)).SchemaAttributes!.map((a) => a.Name);
    for (let i = 0; i < 6; i++) assert.ok(names.includes(`custom:c${i}`), `custom:c${i}`);
  });

  test('an unknown pool answers ResourceNotFoundException', async () => {
    await rejects(
      server.client.send(new AddCustomAttributesCommand({ UserPoolId: 'us-east-1_nothere03', CustomAttributes: [{ Name: 'x', AttributeDataType: 'String' }] })),
      ResourceNotFoundException,
      'User pool us-east-1_nothere03 does not exist.',
    );
  });
});
