// SRP verifiers for USER_SRP_AUTH. Cognito's SRP sign-in cannot be answered from an argon2
// hash: the server needs v = g^x per user, computed when the password is set. The column is
// nullable: users whose password predates this migration (or who have none) have no verifier
// and cannot use SRP until their password is set again.
// Stored as JSON ({salt, verifier}, hex) so the format can grow. A verifier allows an offline
// guess at SHA-256 speed, so it is as sensitive as a password hash: never logged or exported.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('srp_verifier', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('srp_verifier').execute();
}
