// Which channel a reset code goes to. Only verified attributes count (a code never goes to an
// address the user has not proven), and the client can never name the destination. Pure.

export type Medium = 'EMAIL' | 'SMS';

export interface Channel {
  medium: Medium;
  attribute: 'email' | 'phone_number';
  destination: string;
}

export interface RecoveryMechanism {
  name: 'verified_email' | 'verified_phone_number' | 'admin_only';
  priority: number;
}

export type ChannelChoice = { kind: 'channel'; channel: Channel } | { kind: 'admin_only' } | { kind: 'none' };

function verifiedEmail(attrs: Record<string, string>): Channel | undefined {
  const email = attrs.email;
  return email && attrs.email_verified === 'true' ? { medium: 'EMAIL', attribute: 'email', destination: email } : undefined;
}

function verifiedPhone(attrs: Record<string, string>, smsMfa: boolean): Channel | undefined {
  const phone = attrs.phone_number;
  // SMS is not a recovery channel for a user whose second factor is that same phone.
  if (!phone || attrs.phone_number_verified !== 'true' || smsMfa) return undefined;
  return { medium: 'SMS', attribute: 'phone_number', destination: phone };
}

/**
 * With an AccountRecoverySetting, the highest-priority mechanism the user qualifies for;
 * without one, Cognito's legacy order: verified phone first, then verified email.
 */
export function chooseRecoveryChannel(
  attrs: Record<string, string>,
  mechanisms: RecoveryMechanism[] | undefined,
  smsMfa: boolean,
): ChannelChoice {
  if (mechanisms && mechanisms.length > 0) {
    if (mechanisms.some((m) => m.name === 'admin_only')) return { kind: 'admin_only' };
    for (const m of [...mechanisms].sort((a, b) => a.priority - b.priority)) {
      const channel = m.name === 'verified_email' ? verifiedEmail(attrs) : verifiedPhone(attrs, smsMfa);
      if (channel) return { kind: 'channel', channel };
    }
    return { kind: 'none' };
  }
  const channel = verifiedPhone(attrs, smsMfa) ?? verifiedEmail(attrs);
  return channel ? { kind: 'channel', channel } : { kind: 'none' };
}
