// The confirmation link of CONFIRM_WITH_LINK pools: `<public URL>/confirmUser?client_id=...&
// user_name=...&confirmation_code=...&sig=...`, Cognito's hosted-page parameters plus a
// signature. The route (ui/confirmLink.ts) acts only on links this server made: the signature
// (a MAC under the code MAC key, kept outside the database) binds client, user name and code,
// so the route is no new place to guess codes at, and a link cannot be edited to confirm
// someone else. The code itself is still checked, counted and consumed like any code.
import type { Services } from '../context.js';
import { macEquals, macOf } from '../../crypto/codes.js';

export const CONFIRM_LINK_PATH = '/confirmUser';

function signature(key: Buffer, clientId: string, userName: string, code: string): string {
  return macOf(key, ['confirm-link', clientId, userName, code]);
}

export function confirmLinkUrl(services: Services, clientId: string, userName: string, code: string): string {
  const query = new URLSearchParams({
    client_id: clientId,
    user_name: userName,
    confirmation_code: code,
    sig: signature(services.codeKeys.current.key, clientId, userName, code),
  });
  return `${services.publicUrl()}${CONFIRM_LINK_PATH}?${query.toString()}`;
}

/** Whether `sig` was made by this server (under any of its keys, so a rotation keeps old links working). */
export function confirmLinkSigned(services: Services, clientId: string, userName: string, code: string, sig: string): boolean {
  return services.codeKeys.keys.some((k) => macEquals(signature(k.key, clientId, userName, code), sig));
}
