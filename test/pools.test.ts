// User-pool operations through the real SDK: CreateUserPool, DescribeUserPool, DeleteUserPool
// and ListUserPools, with Cognito's defaults and refusals. UpdateUserPool and
// AddCustomAttributes are in poolChanges.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateUserPoolClientCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  InvalidParameterException,
  ListUserPoolsCommand,
  ResourceNotFoundException,
  UpdateUserPoolCommand,
  type CreateUserPoolCommandInput,
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

describe('CreateUserPool and DescribeUserPool', () => {
  test('a pool created with only a name has Cognito-shaped ids and every default', async () => {
    const created = await createPool({ PoolName: 'defaults' });
    assert.match(created.Id!, /^us-east-1_[0-9A-Za-z]{9}$/);
    assert.equal(created.Arn, `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${created.Id}`);
    const pool = await describePool(created.Id!);
    assert.equal(pool.Name, 'defaults');
    assert.deepEqual(pool.Policies, {
      PasswordPolicy: {
        MinimumLength: 8,
        RequireUppercase: true,
        RequireLowercase: true,
        RequireNumbers: true,
        RequireSymbols: true,
        TemporaryPasswordValidityDays: 7,
      },
      SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD'] },
    });
    assert.equal(pool.MfaConfiguration, 'OFF');
    assert.equal(pool.DeletionProtection, 'INACTIVE');
    assert.deepEqual(pool.AdminCreateUserConfig, { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 7 });
    assert.deepEqual(pool.VerificationMessageTemplate, { DefaultEmailOption: 'CONFIRM_WITH_CODE' });
    assert.deepEqual(pool.EmailConfiguration, { EmailSendingAccount: 'COGNITO_DEFAULT' });
    assert.equal(pool.UserPoolTier, 'ESSENTIALS');
    assert.deepEqual(pool.LambdaConfig, {});
    assert.deepEqual(pool.UserAttributeUpdateSettings, { AttributesRequireVerificationBeforeUpdate: [] });
    assert.equal(pool.EstimatedNumberOfUsers, 0);
    // Absent means Cognito's legacy behaviour; no default is invented for these.
    assert.equal(pool.AccountRecoverySetting, undefined);
    assert.equal(pool.UsernameConfiguration, undefined);
    assert.equal(pool.AliasAttributes, undefined);
    assert.ok(pool.CreationDate instanceof Date && Math.abs(pool.CreationDate.getTime() - Date.now()) < 60_000);
    assert.deepEqual(pool.LastModifiedDate, pool.CreationDate);
  });

  test('the schema lists every standard attribute with Cognito’s own settings', async () => {
    const pool = await createPool();
    assert.deepEqual(pool.SchemaAttributes!.map((a) => a.Name), STANDARD_ORDER);
    assert.deepEqual(attr(pool, 'sub'), {
      Name: 'sub', AttributeDataType: 'String', DeveloperOnlyAttribute: false, Mutable: false, Required: true,
      StringAttributeConstraints: { MinLength: '1', MaxLength: '2048' },
    });
    assert.deepEqual(attr(pool, 'email'), {
      Name: 'email', AttributeDataType: 'String', DeveloperOnlyAttribute: false, Mutable: true, Required: false,
      StringAttributeConstraints: { MinLength: '0', MaxLength: '2048' },
    });
    assert.deepEqual(attr(pool, 'birthdate')!.StringAttributeConstraints, { MinLength: '10', MaxLength: '10' });
    assert.deepEqual(attr(pool, 'email_verified'), {
      Name: 'email_verified', AttributeDataType: 'Boolean', DeveloperOnlyAttribute: false, Mutable: true, Required: false,
    });
    assert.deepEqual(attr(pool, 'updated_at'), {
      Name: 'updated_at', AttributeDataType: 'Number', DeveloperOnlyAttribute: false, Mutable: true, Required: false,
      NumberAttributeConstraints: { MinValue: '0' },
    });
    assert.deepEqual(attr(pool, 'identities'), {
      Name: 'identities', AttributeDataType: 'String', DeveloperOnlyAttribute: false, Mutable: true, Required: false,
      StringAttributeConstraints: {},
    });
  });

  test('a Schema adjusts standard attributes and adds custom ones under custom: and dev:custom:', async () => {
    const pool = await createPool({
      Schema: [
        { Name: 'email', Required: true, Mutable: false, StringAttributeConstraints: { MaxLength: '256' } },
        { Name: 'tenant', AttributeDataType: 'String', Mutable: false, StringAttributeConstraints: { MinLength: '1', MaxLength: '64' } },
        { Name: 'level', AttributeDataType: 'Number', NumberAttributeConstraints: { MinValue: '1', MaxValue: '10' } },
        { Name: 'plan', AttributeDataType: 'String' },
        { Name: 'secretflag', AttributeDataType: 'Boolean', DeveloperOnlyAttribute: true },
      ],
    });
    const described = await describePool(pool.Id!);
    assert.deepEqual(attr(described, 'email'), {
      Name: 'email', AttributeDataType: 'String', DeveloperOnlyAttribute: false, Mutable: false, Required: true,
      StringAttributeConstraints: { MinLength: '0', MaxLength: '256' },
    });
    assert.deepEqual(attr(described, 'custom:tenant'), {
      Name: 'custom:tenant', AttributeDataType: 'String', DeveloperOnlyAttribute: false, Mutable: false, Required: false,
      StringAttributeConstraints: { MinLength: '1', MaxLength: '64' },
    });
    assert.deepEqual(attr(described, 'custom:level')!.NumberAttributeConstraints, { MinValue: '1', MaxValue: '10' });
    assert.equal(attr(described, 'custom:level')!.Mutable, true);
    assert.deepEqual(attr(described, 'custom:plan')!.StringAttributeConstraints, {});
    assert.equal(attr(described, 'dev:custom:secretflag')!.DeveloperOnlyAttribute, true);
    assert.deepEqual(described.SchemaAttributes!.slice(STANDARD_ORDER.length).map((a) => a.Name), [
      'custom:tenant', 'custom:level', 'custom:plan', 'dev:custom:secretflag',
    ]);
  });

  test('every given setting is stored and returned as given', async () => {
    const settings: Partial<CreateUserPoolCommandInput> = {
      Policies: {
        PasswordPolicy: { MinimumLength: 12, RequireUppercase: true, RequireNumbers: true, PasswordHistorySize: 3, TemporaryPasswordValidityDays: 2 },
        SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] },
      },
      DeletionProtection: 'ACTIVE',
      LambdaConfig: { PreSignUp: 'arn:aws:lambda:us-east-1:123456789012:function:pre', CustomMessage: 'arn:aws:lambda:us-east-1:123456789012:function:msg' },
      AutoVerifiedAttributes: ['email', 'phone_number'],
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      VerificationMessageTemplate: {
        DefaultEmailOption: 'CONFIRM_WITH_LINK',
        EmailMessageByLink: 'Click {##Verify Email##}',
        EmailSubjectByLink: 'Verify',
        SmsMessage: 'Code {####}',
      },
      SmsAuthenticationMessage: 'Sign-in code {####}',
      MfaConfiguration: 'OPTIONAL',
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
      DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false },
      EmailConfiguration: { EmailSendingAccount: 'DEVELOPER', SourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/no-reply@example.com', From: 'Example <no-reply@example.com>' },
      SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::123456789012:role/sms', ExternalId: 'ext-1', SnsRegion: 'us-east-1' },
      UserPoolTags: { team: 'identity', env: 'test' },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true, InviteMessageTemplate: { EmailSubject: 'Welcome', EmailMessage: 'User {username} password {####}' } },
      UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }, { Name: 'verified_phone_number', Priority: 2 }] },
      UserPoolTier: 'PLUS',
    };
    const created = await createPool({ PoolName: 'full', ...settings });
    const pool = await describePool(created.Id!);
    assert.deepEqual(pool.Policies, {
      PasswordPolicy: {
        MinimumLength: 12, RequireUppercase: true, RequireLowercase: false, RequireNumbers: true, RequireSymbols: false,
        PasswordHistorySize: 3, TemporaryPasswordValidityDays: 2,
      },
      SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] },
    });
    for (const key of [
      'DeletionProtection', 'LambdaConfig', 'AutoVerifiedAttributes', 'UsernameAttributes', 'UsernameConfiguration',
      'SmsAuthenticationMessage', 'MfaConfiguration', 'UserAttributeUpdateSettings', 'DeviceConfiguration', 'EmailConfiguration',
      'SmsConfiguration', 'UserPoolTags', 'UserPoolAddOns', 'AccountRecoverySetting', 'UserPoolTier',
    ] as const) {
      assert.deepEqual(pool[key], settings[key], key);
    }
    assert.deepEqual(pool.VerificationMessageTemplate, settings.VerificationMessageTemplate);
    // The older top-level field reports the template's SMS message.
    assert.equal(pool.SmsVerificationMessage, 'Code {####}');
    assert.deepEqual(pool.AdminCreateUserConfig, { ...settings.AdminCreateUserConfig, UnusedAccountValidityDays: 2 });
  });

  test('the top-level verification fields fill the template, and the reverse', async () => {
    const pool = await createPool({ EmailVerificationMessage: 'Your code: {####}', EmailVerificationSubject: 'Code' });
    assert.deepEqual(pool.VerificationMessageTemplate, { DefaultEmailOption: 'CONFIRM_WITH_CODE', EmailMessage: 'Your code: {####}', EmailSubject: 'Code' });
    const other = await createPool({ VerificationMessageTemplate: { EmailMessage: 'Code is {####}' } });
    assert.equal(other.EmailVerificationMessage, 'Code is {####}');
  });

  test('UnusedAccountValidityDays alone sets the temporary password validity too', async () => {
    const pool = await createPool({ AdminCreateUserConfig: { UnusedAccountValidityDays: 3 } });
    assert.equal(pool.Policies!.PasswordPolicy!.TemporaryPasswordValidityDays, 3);
    assert.equal(pool.AdminCreateUserConfig!.UnusedAccountValidityDays, 3);
  });

  test('an unknown pool answers ResourceNotFoundException', async () => {
    await rejects(server.client.send(new DescribeUserPoolCommand({ UserPoolId: 'us-east-1_nothere00' })), ResourceNotFoundException, 'User pool us-east-1_nothere00 does not exist.');
  });
});

describe('CreateUserPool refusals', () => {
  const cases: [string, Partial<CreateUserPoolCommandInput>, string][] = [
    ['username and alias attributes together', { UsernameAttributes: ['email'], AliasAttributes: ['phone_number'] }, 'Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.'],
    ['a duplicate custom attribute', { Schema: [{ Name: 'a', AttributeDataType: 'String' }, { Name: 'a', AttributeDataType: 'Number' }] }, 'Duplicate custom attribute names custom:a are not allowed in a user pool schema.'],
    ['a standard attribute named twice', { Schema: [{ Name: 'email', Required: true }, { Name: 'email', Mutable: false }] }, 'Duplicate attribute names email are not allowed in a user pool schema.'],
    ['a required custom attribute', { Schema: [{ Name: 'a', AttributeDataType: 'String', Required: true }] }, 'Required custom attributes are not supported currently.'],
    ['a custom attribute without a type', { Schema: [{ Name: 'a' }] }, 'Invalid AttributeDataType input, consider using the provided AttributeDataType enum.'],
    ['a schema entry without a name', { Schema: [{ AttributeDataType: 'String' }] }, 'Schema attribute name is required.'],
    ['a retyped standard attribute', { Schema: [{ Name: 'email', AttributeDataType: 'Number' }] }, 'You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email'],
    ['a developer-only standard attribute', { Schema: [{ Name: 'name', DeveloperOnlyAttribute: true }] }, 'You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute name'],
    ['a max length under the min length', { Schema: [{ Name: 'a', AttributeDataType: 'String', StringAttributeConstraints: { MinLength: '5', MaxLength: '4' } }] }, "Attribute custom:a cannot have a max length shorter than it's min length"],
    ['a max value under the min value', { Schema: [{ Name: 'n', AttributeDataType: 'Number', NumberAttributeConstraints: { MinValue: '5', MaxValue: '4' } }] }, "Attribute custom:n cannot have a max value smaller than it's min value"],
    ['a string longer than 2048', { Schema: [{ Name: 'a', AttributeDataType: 'String', StringAttributeConstraints: { MaxLength: '2049' } }] }, 'user.custom:a: String attributes cannot have a length of more than 2048'],
    ['a non-numeric length', { Schema: [{ Name: 'a', AttributeDataType: 'String', StringAttributeConstraints: { MaxLength: 'ten' } }] }, 'Invalid StringAttributeConstraints for schema attribute custom:a'],
    ['a non-numeric value bound', { Schema: [{ Name: 'n', AttributeDataType: 'Number', NumberAttributeConstraints: { MinValue: '1.5' } }] }, 'Invalid NumberAttributeConstraints for schema attribute custom:n'],
    ['admin_only with another recovery mechanism', { AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }, { Name: 'verified_email', Priority: 2 }] } }, 'Account Recovery Setting cannot use admin_only setting with any other recovery mechanisms.'],
    ['two recovery mechanisms with one priority', { AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_phone_number', Priority: 1 }, { Name: 'verified_email', Priority: 1 }] } }, 'Account Recovery Setting cannot have duplicate priorities or recovery mechanisms.'],
    ['one recovery mechanism twice', { AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }, { Name: 'verified_email', Priority: 2 }] } }, 'Account Recovery Setting cannot have duplicate priorities or recovery mechanisms.'],
    ['MFA without SMS configuration', { MfaConfiguration: 'ON' }, 'SMS configuration and Auto verification for phone_number are required when MFA is required/optional'],
    ['auto-verified phone numbers without SMS configuration', { AutoVerifiedAttributes: ['phone_number'] }, 'SMS configuration is required when phone_number is selected for auto verification'],
    ['a sign-in policy without PASSWORD', { Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['EMAIL_OTP'] } } }, 'Password should be configured as one of the allowed first auth factors.'],
    ['both temporary password validity settings', { Policies: { PasswordPolicy: { TemporaryPasswordValidityDays: 3 } }, AdminCreateUserConfig: { UnusedAccountValidityDays: 3 } }, 'Please use TemporaryPasswordValidityDays in PasswordPolicy instead of UnusedAccountValidityDays'],
  ];
  for (const [what, input, message] of cases) {
    test(`refuses ${what}`, async () => {
      const before = await server.client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
      await rejects(createPool(input), InvalidParameterException, message);
      // Nothing was stored.
      const afterList = await server.client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
      assert.equal(afterList.UserPools!.length, before.UserPools!.length);
    });
  }

  test('more than 50 custom attributes in a Schema are refused by the model limit', async () => {
    const schema = Array.from({ length: 51 }, (_, i) => ({ Name: `a${i}`, AttributeDataType: 'String' as const }));
    await assert.rejects(createPool({ Schema: schema }), (err: unknown) => {
      assert.ok(err instanceof InvalidParameterException);
      assert.match(err.message, /^1 validation error detected: Value at 'schema' failed to satisfy constraint: Member must have length less than or equal to 50$/);
      return true;
    });
  });
});

describe('DeleteUserPool', () => {
  test('deletes the pool and its app clients', async () => {
    const pool = await createPool({ PoolName: 'doomed' });
    const client = await server.client.send(new CreateUserPoolClientCommand({ UserPoolId: pool.Id!, ClientName: 'c' }));
    await server.client.send(new DeleteUserPoolCommand({ UserPoolId: pool.Id! }));
    await rejects(describePool(pool.Id!), ResourceNotFoundException, `User pool ${pool.Id} does not exist.`);
    await rejects(
      server.client.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.Id!, ClientId: client.UserPoolClient!.ClientId! })),
      ResourceNotFoundException,
      `User pool ${pool.Id} does not exist.`,
    );
    const stored = await server.app.services.store.clients.findClient(client.UserPoolClient!.ClientId!);
    assert.equal(stored, undefined);
  });

  test('refuses while deletion protection is active, and deletes once it is inactivated', async () => {
    const pool = await createPool({ PoolName: 'protected', DeletionProtection: 'ACTIVE' });
    await rejects(
      server.client.send(new DeleteUserPoolCommand({ UserPoolId: pool.Id! })),
      InvalidParameterException,
      'The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.',
    );
    assert.equal((await describePool(pool.Id!)).Name, 'protected');
    await server.client.send(new UpdateUserPoolCommand({ UserPoolId: pool.Id!, DeletionProtection: 'INACTIVE' }));
    await server.client.send(new DeleteUserPoolCommand({ UserPoolId: pool.Id! }));
    await rejects(describePool(pool.Id!), ResourceNotFoundException, `User pool ${pool.Id} does not exist.`);
  });

  test('an unknown pool answers ResourceNotFoundException', async () => {
    await rejects(server.client.send(new DeleteUserPoolCommand({ UserPoolId: 'us-east-1_nothere02' })), ResourceNotFoundException, 'User pool us-east-1_nothere02 does not exist.');
  });
});

describe('ListUserPools', () => {
  test('pages through every pool with NextToken, each pool once', async () => {
    for (let i = 0; i < 5; i++) await createPool({ PoolName: `listed-${i}`, LambdaConfig: { PreSignUp: 'arn:aws:lambda:us-east-1:123456789012:function:f' } });
    const all = (await server.client.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools!;
    assert.ok(all.length >= 5 && all.length < 60);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await server.client.send(new ListUserPoolsCommand({ MaxResults: 2, NextToken: token }));
      assert.ok(out.UserPools!.length <= 2);
      seen.push(...out.UserPools!.map((p) => p.Id!));
      token = out.NextToken;
      pages++;
    } while (token !== undefined);
    assert.equal(pages, Math.ceil(all.length / 2));
    assert.equal(new Set(seen).size, seen.length);
    assert.deepEqual([...seen].sort(), all.map((p) => p.Id!).sort());
  });

  test('items carry Id, Name, LambdaConfig and dates, and no Status', async () => {
    const created = await createPool({ PoolName: 'described', LambdaConfig: { PreSignUp: 'arn:aws:lambda:us-east-1:123456789012:function:f' } });
    const all = (await server.client.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools!;
    const item = all.find((p) => p.Id === created.Id)!;
    assert.deepEqual(Object.keys(item).sort(), ['CreationDate', 'Id', 'LambdaConfig', 'LastModifiedDate', 'Name']);
    assert.equal(item.Name, 'described');
    assert.deepEqual(item.LambdaConfig, { PreSignUp: 'arn:aws:lambda:us-east-1:123456789012:function:f' });
    assert.deepEqual(item.CreationDate, created.CreationDate);
  });

  test('a token that was not issued for this listing is refused', async () => {
    for (const bad of ['not-a-token', Buffer.from('{"s":"clients:x","a":"y"}').toString('base64url'), 'e30']) {
      await rejects(server.client.send(new ListUserPoolsCommand({ MaxResults: 10, NextToken: bad })), InvalidParameterException, 'Invalid pagination token.');
    }
  });

  test('MaxResults outside 1-60 is refused by the model', async () => {
    await rejects(
      server.client.send(new ListUserPoolsCommand({ MaxResults: 61 })),
      InvalidParameterException,
      "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60",
    );
  });
});

