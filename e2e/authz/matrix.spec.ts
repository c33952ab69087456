import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { eq, sql } from 'drizzle-orm';
import { apiKeys, sources, users } from '@/db/schema';
import { createApiKey, createSource } from '@/lib/ingest/sources';
import { ROLES, type Role } from '@/lib/authz';
import { DETECTORS } from '@/lib/detection/detectors';
import {
  auditEventsFor,
  createTestUser,
  e2eDb,
  expect,
  postAction,
  storageStateFor,
  test,
} from '../fixtures';

type Who = Role | 'anonymous';
const EVERYONE: Who[] = [...ROLES, 'anonymous'];
const BASE = `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;
const SETUP = {
  actor: { id: 'system:e2e', name: 'e2e setup', email: null, type: 'system' as const },
  context: { ip: null, userAgent: null, requestId: null },
  sessionId: null,
};
const FORGED = [
  'proxy:proxy:proxy:proxy:proxy',
  'middleware:middleware:middleware:middleware:middleware',
  'src/middleware:src/middleware:src/middleware:src/middleware:src/middleware',
];

// Written out by hand (not derived from lib/authz.ts) so a wrong matrix entry fails here.
const PAGES: { path: string; allowed: Role[] }[] = [
  { path: '/', allowed: ['admin', 'compliance_officer', 'reviewer', 'auditor'] },
  { path: '/events', allowed: ['admin', 'compliance_officer', 'reviewer', 'auditor'] },
  {
    path: '/events/export?format=csv&q=action%3Auser.create',
    allowed: ['admin', 'compliance_officer', 'reviewer', 'auditor'],
  },
  { path: '/records/user/nobody', allowed: ['admin', 'compliance_officer', 'reviewer', 'auditor'] },
  { path: '/actors/nobody', allowed: ['admin', 'compliance_officer', 'reviewer', 'auditor'] },
  { path: '/alerts', allowed: ['admin', 'compliance_officer', 'reviewer', 'auditor'] },
  { path: '/admin/rules', allowed: ['admin', 'compliance_officer'] },
  { path: '/admin/users', allowed: ['admin'] },
  { path: '/admin/sources', allowed: ['admin'] },
  { path: '/integrity', allowed: ['admin', 'compliance_officer', 'reviewer', 'auditor'] },
  {
    path: '/integrity/public-key.pem',
    allowed: ['admin', 'compliance_officer', 'reviewer', 'auditor'],
  },
  { path: '/evidence', allowed: ['admin', 'compliance_officer', 'auditor'] },
];

async function clientFor(
  who: Who,
  extraHTTPHeaders?: Record<string, string>,
): Promise<APIRequestContext> {
  return playwrightRequest.newContext({
    baseURL: BASE,
    // Anonymous is an explicit empty state, never whatever the test's options would inherit.
    storageState: who === 'anonymous' ? { cookies: [], origins: [] } : storageStateFor(who),
    extraHTTPHeaders,
  });
}

async function snapshot(userId: string) {
  const [row] = await e2eDb()
    .select({
      role: users.role,
      active: users.active,
      expiresAt: users.expiresAt,
      passwordHash: users.passwordHash,
    })
    .from(users)
    .where(eq(users.id, userId));
  return { row, events: (await auditEventsFor(userId)).length };
}

test.describe('every role against every page, through real requests', () => {
  for (const { path, allowed } of PAGES) {
    for (const who of EVERYONE) {
      const expected =
        who === 'anonymous' ? 'redirect to sign-in' : allowed.includes(who) ? '200' : '403';
      test(`${who} GET ${path} -> ${expected}`, async () => {
        const client = await clientFor(who);
        const response = await client.get(path, { maxRedirects: 0 });
        if (who === 'anonymous') {
          expect(response.status()).toBe(307);
          expect(response.headers().location).toContain('/sign-in');
        } else if (allowed.includes(who)) {
          expect(response.status()).toBe(200);
        } else {
          expect(response.status()).toBe(403);
          expect(await response.text()).toContain('Forbidden');
        }
        await client.dispose();
      });
    }
  }

  for (const header of FORGED) {
    test(`a forged x-middleware-subrequest header (${header.split(':')[0]}) does not skip any check`, async () => {
      const anonymous = await clientFor('anonymous', { 'x-middleware-subrequest': header });
      for (const { path } of PAGES) {
        const response = await anonymous.get(path, { maxRedirects: 0 });
        expect(response.status(), path).toBe(307);
      }
      await anonymous.dispose();
      const reviewer = await clientFor('reviewer', { 'x-middleware-subrequest': header });
      const response = await reviewer.get('/admin/users', { maxRedirects: 0 });
      expect(response.status()).toBe(403);
      await reviewer.dispose();
    });
  }
});

test.describe('every role against every mutation, as direct POSTs to the server actions', () => {
  const mutations: {
    name: string;
    args: (ids: { reviewer: string; auditor: string; email: string }) => unknown[];
  }[] = [
    {
      name: 'createUserAction',
      args: ({ email }) => [
        { email, name: 'Matrix Made', role: 'reviewer', password: 'matrix-password-1' },
      ],
    },
    { name: 'changeRoleAction', args: ({ reviewer }) => [{ userId: reviewer, role: 'auditor' }] },
    { name: 'setActiveAction', args: ({ reviewer }) => [{ userId: reviewer, active: false }] },
    {
      name: 'resetPasswordAction',
      args: ({ reviewer }) => [{ userId: reviewer, password: 'matrix-password-2' }],
    },
    {
      name: 'setExpiryAction',
      args: ({ auditor }) => [{ userId: auditor, expiresAt: '2031-01-31' }],
    },
  ];
  const sourceMutations: {
    name: string;
    args: (ids: { sourceId: string; keyId: string; name: string }) => unknown[];
  }[] = [
    { name: 'createSourceAction', args: ({ name }) => [{ name, description: 'matrix' }] },
    { name: 'createApiKeyAction', args: ({ sourceId }) => [{ sourceId, label: 'matrix' }] },
    { name: 'revokeApiKeyAction', args: ({ keyId }) => [{ keyId }] },
  ];
  for (const mutation of sourceMutations) {
    for (const who of EVERYONE) {
      const allowed = who === 'admin';
      test(`${who} -> ${mutation.name}: ${allowed ? 'done and audited once' : 'refused, nothing changes'}`, async () => {
        const existing = await e2eDb().transaction(async (tx) => {
          const source = await createSource(tx, SETUP, {
            name: `m-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
            description: '',
          });
          const key = await createApiKey(tx, SETUP, { sourceId: source.id, label: 'm' });
          return { sourceId: source.id, keyId: key.id };
        });
        const name = `m-new-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
        const client = await clientFor(who);
        const { body } = await postAction(
          client,
          '/admin/sources',
          mutation.name,
          mutation.args({ ...existing, name }),
        );
        await client.dispose();
        const [created] = await e2eDb()
          .select({ id: sources.id })
          .from(sources)
          .where(eq(sources.name, name));
        const [key] = await e2eDb()
          .select({ revokedAt: apiKeys.revokedAt })
          .from(apiKeys)
          .where(eq(apiKeys.id, existing.keyId));
        const [keys] = await e2eDb().execute<{ n: number }>(
          sql`select count(*)::int as n from api_keys where source_id = ${existing.sourceId}::uuid`,
        );
        const effect = {
          createSourceAction: created !== undefined,
          createApiKeyAction: keys!.n === 2,
          revokeApiKeyAction: key!.revokedAt !== null,
        }[mutation.name];
        if (allowed) {
          expect(body).toContain('"ok":true');
          expect(effect).toBe(true);
        } else {
          expect(body).not.toContain('"ok":true');
          expect(body).not.toContain('wck_');
          expect(created).toBeUndefined();
          expect(key!.revokedAt).toBeNull();
          expect(keys!.n).toBe(1);
        }
      });
    }
  }

  for (const mutation of mutations) {
    for (const who of EVERYONE) {
      for (const forged of who === 'anonymous' ? [undefined, FORGED[0]] : [undefined]) {
        const allowed = who === 'admin';
        test(`${who}${forged ? ' with a forged x-middleware-subrequest' : ''} -> ${mutation.name}: ${allowed ? 'done and audited once' : 'refused, nothing changes'}`, async () => {
          const reviewer = await createTestUser('reviewer');
          const auditor = await createTestUser('auditor');
          const email = `matrix-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`;
          const target = mutation.name === 'setExpiryAction' ? auditor.id : reviewer.id;
          const before = await snapshot(target);
          const client = await clientFor(
            who,
            forged ? { 'x-middleware-subrequest': forged } : undefined,
          );
          const { status, body } = await postAction(
            client,
            '/admin/users',
            mutation.name,
            mutation.args({ reviewer: reviewer.id, auditor: auditor.id, email }),
          );
          await client.dispose();
          const after = await snapshot(target);
          const [created] = await e2eDb()
            .select({ id: users.id })
            .from(users)
            .where(eq(users.email, email));
          if (allowed) {
            expect(body).toContain('"ok":true');
            if (mutation.name === 'createUserAction') {
              expect(created).toBeDefined();
              expect((await auditEventsFor(created!.id)).map((e) => e.action)).toEqual([
                'user.create',
              ]);
            } else {
              expect(after.row).not.toEqual(before.row);
              expect(after.events).toBe(before.events + 1);
            }
          } else {
            if (who === 'anonymous') expect([200, 307]).toContain(status);
            if (status === 200)
              expect(body).toMatch(
                who === 'anonymous' ? /not signed in/ : /do not have permission/,
              );
            expect(body).not.toContain('"ok":true');
            expect(after).toEqual(before);
            expect(created).toBeUndefined();
          }
        });
      }
    }
  }

  test('bad input from an admin gets a message naming the problem and changes nothing', async () => {
    const reviewer = await createTestUser('reviewer');
    const before = await snapshot(reviewer.id);
    const admin = await clientFor('admin');
    const cases: [string, unknown[], RegExp][] = [
      ['changeRoleAction', [{ userId: reviewer.id, role: 'superuser' }], /Role must be one of/],
      [
        'changeRoleAction',
        [{ userId: reviewer.id, role: 'admin', isAdmin: true }],
        /Unrecognized key/i,
      ],
      ['changeRoleAction', [{ userId: "' OR '1'='1", role: 'admin' }], /userId must be a user id/],
      [
        'setActiveAction',
        [{ userId: reviewer.id, active: 'false' }],
        /active must be true or false/,
      ],
      [
        'resetPasswordAction',
        [{ userId: reviewer.id, password: 'short' }],
        /at least 12 characters/,
      ],
      ['setExpiryAction', [{ userId: reviewer.id, expiresAt: '2026-02-30' }], /Expiry must be/],
      [
        'createUserAction',
        [{ email: 'not-an-email', name: 'x', role: 'reviewer', password: 'long-enough-pass' }],
        /Email is not a valid address/,
      ],
      [
        'createUserAction',
        [
          {
            email: 'nul@example.test',
            name: 'a\u0000b',
            role: 'reviewer',
            password: 'long-enough-pass',
          },
        ],
        /Name contains a NUL/,
      ],
      [
        'createUserAction',
        [
          {
            email: 'big@example.test',
            name: 'x'.repeat(201),
            role: 'reviewer',
            password: 'long-enough-pass',
          },
        ],
        /Name must be at most 200/,
      ],
      [
        'createUserAction',
        [
          JSON.parse(
            '{"__proto__":{"role":"admin"},"email":"proto@example.test","name":"p","role":"root","password":"long-enough-pass"}',
          ),
        ],
        /Role must be one of/,
      ],
    ];
    for (const [name, args, message] of cases) {
      const { body } = await postAction(admin, '/admin/users', name, args);
      expect(body, `${name} ${JSON.stringify(args)}`).toMatch(message);
      expect(body).not.toContain('"ok":true');
    }
    await admin.dispose();
    expect(await snapshot(reviewer.id)).toEqual(before);
    const stray = await e2eDb()
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, 'proto@example.test'));
    expect(stray).toHaveLength(0);
  });
});

test.describe('every role against the rules actions, as direct POSTs', () => {
  // Each request is a no-op for those allowed (the rule as it stands: "Nothing changed."; a
  // backtest writes nothing), so the matrix shows who reaches the handler without changing the
  // shared configuration. Saving for real is in e2e/admin/rules.spec.ts.
  const burst = {
    rule: 'burst',
    enabled: true,
    severity: DETECTORS.burst.defaultSeverity,
    params: DETECTORS.burst.defaults,
  };
  const cases = [
    { name: 'saveRuleAction', args: [burst], allowedReply: 'Nothing changed.' },
    { name: 'backtestRuleAction', args: [burst], allowedReply: '"ok":true' },
  ];
  for (const c of cases) {
    for (const who of EVERYONE) {
      const allowed = who === 'admin' || who === 'compliance_officer';
      test(`${who} -> ${c.name}: ${allowed ? 'reaches the rule' : 'refused, nothing recorded'}`, async () => {
        const before = await e2eDb().$client<{ n: number }[]>`
          select count(*)::int as n from audit_events where action = 'rule.update'`;
        const client = await clientFor(who);
        const { status, body } = await postAction(client, '/admin/rules', c.name, c.args);
        await client.dispose();
        if (who === 'anonymous') expect(body).not.toContain(c.allowedReply);
        else if (allowed) expect(body).toContain(c.allowedReply);
        else {
          expect(status).toBe(200);
          expect(body).toContain('You do not have permission to do this.');
        }
        const after = await e2eDb().$client<{ n: number }[]>`
          select count(*)::int as n from audit_events where action = 'rule.update'`;
        expect(after[0]!.n).toBe(before[0]!.n);
      });
    }
  }
});
