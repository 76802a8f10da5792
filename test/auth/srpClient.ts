// amazon-cognito-identity-js's own SRP arithmetic, driven step by step: the client half of an
// exchange whose server half the tests call directly. (The library's internals are CommonJS
// without type declarations; only what is used is typed here.)
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';

interface JsbnBigInteger {
  toString(radix: number): string;
}
interface AuthenticationHelper {
  getLargeAValue(cb: (err: unknown, A: JsbnBigInteger) => void): void;
  getPasswordAuthenticationKey(userId: string, password: string, B: JsbnBigInteger, salt: JsbnBigInteger, cb: (err: unknown, key: Uint8Array) => void): void;
}

const require = createRequire(import.meta.url);
const Helper = (require('amazon-cognito-identity-js/lib/AuthenticationHelper.js') as { default: new (poolName: string) => AuthenticationHelper }).default;
const BigInteger = (require('amazon-cognito-identity-js/lib/BigInteger.js') as { default: new (hex: string, radix: number) => JsbnBigInteger }).default;
const DateHelper = (require('amazon-cognito-identity-js/lib/DateHelper.js') as { default: new () => { getNowString(): string } }).default;

/** The library's TIMESTAMP for now. */
export function libraryTimestamp(): string {
  return new DateHelper().getNowString();
}

export interface SrpClient {
  /** SRP_A, as the library sends it. */
  srpA: string;
  /**
   * The PASSWORD_VERIFIER ChallengeResponses the library would send for these challenge
   * parameters and password (the signature exactly as CognitoUser computes it).
   */
  answer(params: Record<string, string>, password: string, timestamp?: string): Record<string, string>;
}

export function srpClient(poolId: string): SrpClient {
  const poolName = poolId.split('_')[1]!;
  const helper = new Helper(poolName);
  let srpA = '';
  helper.getLargeAValue((err, A) => {
    if (err) throw err;
    srpA = A.toString(16);
  });
  return {
    srpA,
    answer(params, password, timestamp = libraryTimestamp()) {
      const userId = params.USER_ID_FOR_SRP!;
      let key: Buffer | undefined;
      helper.getPasswordAuthenticationKey(userId, password, new BigInteger(params.SRP_B!, 16), new BigInteger(params.SALT!, 16), (err, k) => {
        if (err) throw err;
        key = Buffer.from(k);
      });
      if (!key) throw new Error('the library did not derive its key synchronously');
      const signature = createHmac('sha256', key)
        .update(Buffer.concat([Buffer.from(poolName, 'utf8'), Buffer.from(userId, 'utf8'), Buffer.from(params.SECRET_BLOCK!, 'base64'), Buffer.from(timestamp, 'utf8')]))
        .digest('base64');
      return {
        USERNAME: userId,
        PASSWORD_CLAIM_SECRET_BLOCK: params.SECRET_BLOCK!,
        TIMESTAMP: timestamp,
        PASSWORD_CLAIM_SIGNATURE: signature,
      };
    },
  };
}
