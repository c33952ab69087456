import { createHash, createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request as playwrightRequest } from '@playwright/test';
import { e2eDb, expect, postAction, storageStateFor, test } from '../fixtures';

const BASE = `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;

/** SHA-256 of the raw 32-byte Ed25519 key inside a SPKI PEM: the fingerprint the page shows. */
function fingerprintOf(pem: string): string {
  const jwk = createPublicKey(pem).export({ format: 'jwk' });
  return createHash('sha256').update(Buffer.from(jwk.x!, 'base64url')).digest('hex');
}

async function newestCheckpointId(): Promise<number> {
  const [row] = await e2eDb().$client<{ id: number | null }[]>`
    select max(id)::int as id from checkpoints`;
  return row!.id ?? 0;
}

async function eventsBy(email: string, action: string) {
  return [
    ...(await e2eDb().$client<
      { target_type: string | null; target_id: string | null; metadata: Record<string, unknown> }[]
    >`
      select target_type, target_id, metadata from audit_events
       where actor_email = ${email} and action = ${action} order by occurred_at, seq`),
  ];
}

test.describe('integrity page', () => {
  test.describe('as a compliance officer', () => {
    test.use({ storageState: storageStateFor('compliance_officer') });

    test('shows the signing key with a fingerprint that matches the downloaded key, and the streams', async ({
      page,
    }) => {
      // Read before the page: every head the page shows is at least this far (it only grows).
      const streams = await e2eDb().$client<{ name: string; head_seq: number }[]>`
        select name, head_seq::int as head_seq from audit_streams`;
      await page.goto('/integrity');
      await expect(page.getByRole('heading', { level: 1, name: 'Integrity' })).toBeVisible();
      const shown = (await page.getByTestId('key-fingerprint').textContent())!;
      expect(shown).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
      const keyId = (await page.getByTestId('key-id').textContent())!;
      expect(keyId).toBe(`ed25519:${shown.replace(/ /g, '').slice(0, 16)}`);

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download public key' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(
        `whochanged-public-key-${keyId.replace(':', '-')}.pem`,
      );
      const pem = await readFile((await download.path())!, 'utf8');
      expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
      expect(fingerprintOf(pem)).toBe(shown.replace(/ /g, ''));

      // The listed key (by id) is the same key.
      const listed = await page.request.get(`/integrity/public-key.pem?key=${keyId}`);
      expect(listed.status()).toBe(200);
      expect(await listed.text()).toBe(pem);
      const unknown = await page.request.get(
        '/integrity/public-key.pem?key=ed25519:0000000000000000',
      );
      expect(unknown.status()).toBe(404);
      expect((await unknown.json()).error).toContain('ed25519:0000000000000000');
      const malformed = await page.request.get('/integrity/public-key.pem?key=nonsense');
      expect(malformed.status()).toBe(400);

      // The streams: the dashboard's own and every demo source, each with its head and how far
      // the newest checkpoint signs it.
      const table = page.getByRole('table', { name: 'Audit streams' });
      await expect(table).toBeVisible();
      expect(streams.length).toBeGreaterThan(1);
      for (const s of streams) {
        const row = table.locator(`tr[data-stream="${s.name}"]`);
        await expect(row.getByRole('rowheader')).toContainText(s.name);
        // A stream created after the newest checkpoint is not signed yet: 0 of it is.
        const number = async (id: string) => {
          const text = (await row.getByTestId(id).textContent())!;
          return text === 'not yet signed' ? 0 : Number(text.replace(/,/g, ''));
        };
        const head = await number('stream-head');
        expect(head).toBeGreaterThanOrEqual(s.head_seq);
        const signed = await number('stream-signed');
        expect(signed).toBeLessThanOrEqual(head);
        expect(await number('stream-unanchored')).toBe(head - signed);
      }
      await expect(table.locator('tr[data-stream="dashboard"] code[title]')).toHaveAttribute(
        'title',
        /^[0-9a-f]{64}$/,
      );

      await expect(page.getByTestId('verify-command')).toHaveText(
        'node verify-bundle.mjs bundle.zip --public-key whochanged-public-key.pem',
      );
      const [verifier] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download the standalone verifier' }).click(),
      ]);
      expect(verifier.suggestedFilename()).toBe('verify-bundle.mjs');
      expect(await readFile((await verifier.path())!, 'utf8')).toBe(
        await readFile('scripts/verify-bundle.mjs', 'utf8'),
      );
    });

    test('"Verify now" runs the full verification, shows PASS and records who ran it', async ({
      page,
    }) => {
      const before = await eventsBy('compliance@demo.test', 'integrity.verify');
      await page.goto('/integrity');
      await page.getByRole('button', { name: 'Verify now' }).click();
      const result = page.getByTestId('integrity-action-result');
      await expect(result).toHaveText(
        /^PASS: [\d,]+ events in \d+ streams and [\d,]+ checkpoints verified/,
        {
          timeout: 30_000,
        },
      );
      await expect(page.getByTestId('integrity-action-error')).toBeEmpty();
      // The page shows the new run.
      await expect(page.getByTestId('last-run-result')).toHaveText('PASS');
      await expect(page.getByTestId('last-run')).toContainText('on demand');
      await expect(page.getByTestId('integrity-banner')).toHaveAttribute('data-state', 'ok');

      const after = await eventsBy('compliance@demo.test', 'integrity.verify');
      expect(after.length).toBe(before.length + 1);
      const event = after.at(-1)!;
      expect(event.target_type).toBe('integrity_run');
      expect(event.metadata).toMatchObject({ ok: true, failure: null });
      const [run] = await e2eDb().$client<{ ok: boolean; trigger: string }[]>`
        select ok, trigger from integrity_runs where id = ${Number(event.target_id)}`;
      expect(run).toEqual({ ok: true, trigger: 'on_demand' });
    });

    test('"Sign a checkpoint now" signs a new newest checkpoint, after recording who asked', async ({
      page,
    }) => {
      const before = await newestCheckpointId();
      const asked = (await eventsBy('compliance@demo.test', 'integrity.checkpoint')).length;
      await page.goto('/integrity');
      await page.getByRole('button', { name: 'Sign a checkpoint now' }).click();
      const result = page.getByTestId('integrity-action-result');
      await expect(result).toHaveText(/^Signed checkpoint #\d+ of \d+ streams with ed25519:/);
      const signed = Number(/#(\d+)/.exec((await result.textContent())!)![1]);
      expect(signed).toBeGreaterThan(before);
      // The page now shows it, or one signed even later by another test.
      await expect
        .poll(async () =>
          Number(await page.getByTestId('newest-checkpoint').getAttribute('data-checkpoint-id')),
        )
        .toBeGreaterThanOrEqual(signed);
      const [row] = await e2eDb().$client<{ reason: string; body: string }[]>`
        select reason, body from checkpoints where id = ${signed}`;
      expect(row!.reason).toBe('manual');
      expect((await eventsBy('compliance@demo.test', 'integrity.checkpoint')).length).toBe(
        asked + 1,
      );
      // The request is recorded before the checkpoint is signed, so the checkpoint covers it.
      const [request] = await e2eDb().$client<{ stream_id: string; seq: number }[]>`
        select stream_id::text as stream_id, seq::int as seq from audit_events
         where action = 'integrity.checkpoint' and actor_email = 'compliance@demo.test'
         order by occurred_at desc, seq desc limit 1`;
      const body = JSON.parse(row!.body) as { streams: { id: string; seq: number }[] };
      const dashboard = body.streams.find((s) => s.id === request!.stream_id)!;
      expect(request!.seq).toBeLessThanOrEqual(dashboard.seq);
    });
  });

  test.describe('as a reviewer', () => {
    test.use({ storageState: storageStateFor('reviewer') });

    test('sees the status and the key but no buttons, and the server refuses the actions', async ({
      page,
    }) => {
      await page.goto('/integrity');
      await expect(page.getByTestId('key-fingerprint')).toBeVisible();
      await expect(page.getByRole('table', { name: 'Audit streams' })).toBeVisible();
      await expect(page.getByRole('link', { name: 'Download public key' })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Verify now' })).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Sign a checkpoint now' })).toHaveCount(0);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await expect(nav.getByRole('link', { name: 'Integrity' })).toBeVisible();
      await expect(nav.getByRole('link', { name: 'Evidence' })).toHaveCount(0);

      // The public key is for every signed-in role.
      const key = await page.request.get('/integrity/public-key.pem');
      expect(key.status()).toBe(200);
      expect(key.headers()['content-disposition']).toMatch(
        /^attachment; filename="whochanged-public-key-ed25519-[0-9a-f]{16}\.pem"$/,
      );

      // Direct posts to the actions, as any HTTP client could send them.
      const client = await playwrightRequest.newContext({
        baseURL: BASE,
        storageState: storageStateFor('reviewer'),
      });
      for (const name of ['verifyNowAction', 'signCheckpointAction']) {
        const { body } = await postAction(client, '/integrity', name, [{}]);
        expect(body).toContain('You do not have permission to do this.');
        expect(body).not.toContain('"ok":true');
      }
      await client.dispose();
      expect(await eventsBy('reviewer@demo.test', 'integrity.verify')).toHaveLength(0);
      expect(await eventsBy('reviewer@demo.test', 'integrity.checkpoint')).toHaveLength(0);
    });
  });

  test('signed out, the key and the verifier are refused', async () => {
    // A session cookie that names no session gets past the proxy's redirect to the handler.
    const client = await playwrightRequest.newContext({
      baseURL: BASE,
      extraHTTPHeaders: { Cookie: 'authjs.session-token=not-a-session' },
    });
    for (const path of ['/integrity/public-key.pem', '/integrity/verify-bundle.mjs']) {
      const response = await client.get(path, { maxRedirects: 0 });
      expect(response.status(), path).toBe(401);
      expect(await response.json()).toEqual({ error: 'You are not signed in.' });
    }
    await client.dispose();
  });
});
