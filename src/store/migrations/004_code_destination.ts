// The value a one-time code was sent to (an email address or phone number). An attribute
// verification code verifies that value and no other: if the user's attribute has changed
// since, the code is stale. It also carries the new value of an update that the pool holds
// back until it is verified (UserAttributeUpdateSettings). Nullable: codes issued before this
// migration, and codes with no destination, have none.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('one_time_codes').addColumn('sent_to', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('one_time_codes').dropColumn('sent_to').execute();
}
