import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFrom } from './driver-quirks';
import { createTestDatabase, type TestDatabase } from './testing';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.owner`create table copy_probe (n int not null, label text)`;
});
afterAll(() => t.close());

describe('copyFrom', () => {
  it('loads the rows of its text', async () => {
    await copyFrom(t.owner, 'copy copy_probe from stdin', '1\tone\n2\t\\N\n3\ttab\\there\n');
    expect(await t.owner`select n, label from copy_probe order by n`).toEqual([
      { n: 1, label: 'one' },
      { n: 2, label: null },
      { n: 3, label: 'tab\there' },
    ]);
  });

  // Plain postgres.js would wait forever here: the error arrives after the data was sent.
  it('fails with the server error when the server refuses the data, instead of hanging', async () => {
    await expect(
      copyFrom(t.owner, 'copy copy_probe from stdin', '4\tfour\nfive\tnot a number\n'),
    ).rejects.toThrow(/invalid input syntax for type integer: "five"/);
    await expect(
      t.owner.begin((tx) => copyFrom(tx, 'copy copy_probe from stdin', '\\N\tnull n\n')),
    ).rejects.toThrow(/null value in column "n"/);
    // Nothing of either refused COPY was stored, and the connection still works.
    expect((await t.owner`select count(*)::int as n from copy_probe`)[0]!.n).toBe(3);
  });

  it('fails when the statement itself is refused', async () => {
    await expect(copyFrom(t.owner, 'copy no_such_table from stdin', '1\n')).rejects.toThrow(
      /relation "no_such_table" does not exist/,
    );
  });
});
