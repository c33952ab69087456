import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAuditEvent } from '@/lib/audit/writer';
import { createTestDatabase, type TestDatabase } from './testing';

const FORBIDDEN = [
  'update audit_events set action = $$x$$',
  'delete from audit_events',
  'delete from audit_events where false',
  'truncate audit_events',
];

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.transaction((tx) =>
    writeAuditEvent(tx, {
      action: 'user.create',
      actor: { id: null, name: 'test', email: null, type: 'system' },
      context: { ip: null, userAgent: null, requestId: null },
    }),
  );
});
afterAll(() => t.close());

async function partitionNames(): Promise<string[]> {
  const rows =
    await t.owner`select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'audit_events'::regclass`;
  return rows.map((r) => r.relname as string);
}

describe('audit_events is append-only (security.md 1)', () => {
  it.each(FORBIDDEN)('the app role is refused: %s', async (statement) => {
    await expect(t.db.$client.unsafe(statement)).rejects.toThrow(/permission denied/);
  });

  it.each(FORBIDDEN)('the owner is refused by the trigger: %s', async (statement) => {
    await expect(t.owner.unsafe(statement)).rejects.toThrow(/append-only/);
  });

  it.each(FORBIDDEN)(
    'the owner is refused under session_replication_role = replica: %s',
    async (statement) => {
      await expect(
        t.owner.begin(async (tx) => {
          await tx.unsafe('set local session_replication_role = replica');
          await tx.unsafe(statement);
        }),
      ).rejects.toThrow(/append-only/);
    },
  );

  it('each partition refuses direct changes too, even in replica mode', async () => {
    const partitions = await partitionNames();
    expect(partitions.length).toBeGreaterThanOrEqual(4);
    for (const part of partitions) {
      for (const statement of [
        `update ${part} set action = 'x'`,
        `delete from ${part}`,
        `truncate ${part}`,
      ]) {
        await expect(t.db.$client.unsafe(statement)).rejects.toThrow(/permission denied/);
        await expect(
          t.owner.begin(async (tx) => {
            await tx.unsafe('set local session_replication_role = replica');
            await tx.unsafe(statement);
          }),
        ).rejects.toThrow(/append-only/);
      }
    }
  });

  it('the row is still there, unchanged', async () => {
    const rows = await t.owner`select action from audit_events`;
    expect(rows.map((r) => r.action)).toEqual(['user.create']);
  });

  it('the app role cannot move a stream head by hand', async () => {
    await expect(t.db.$client.unsafe('update audit_streams set head_seq = 99')).rejects.toThrow(
      /permission denied/,
    );
  });

  it('partitions for the current month and the next three exist', async () => {
    const partitions = await partitionNames();
    const now = new Date();
    for (let i = 0; i < 4; i++) {
      const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1));
      expect(partitions).toContain(
        `audit_events_y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, '0')}`,
      );
    }
  });
});
