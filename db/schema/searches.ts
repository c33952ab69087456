import { index, pgTable, text, boolean, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

/** Explorer searches saved by a user; shared ones are listed for the whole team. */
export const savedSearches = pgTable(
  'saved_searches',
  {
    id: uuid().primaryKey().defaultRandom(),
    ownerId: uuid()
      .notNull()
      .references(() => users.id),
    name: text().notNull(),
    query: text().notNull(),
    shared: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index().on(t.ownerId)],
);
