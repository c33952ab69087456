import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import { createDb, type Database } from '@/db/client';
import type { Role } from '@/lib/authz';
import { createUser, type ActingUser } from '@/lib/users';

export const DEMO_PASSWORD = 'e2e-demo-password-1';
export const DEMO = {
  admin: 'admin@demo.test',
  compliance_officer: 'compliance@demo.test',
  reviewer: 'reviewer@demo.test',
  auditor: 'auditor@demo.test',
} as const satisfies Record<Role, string>;
export const storageStateFor = (role: Role) => path.join('e2e', '.auth', `${role}.json`);

/** The e2e server's database (as the app role), to set up data and check audit events. */
let database: Database | null = null;
export function e2eDb(): Database {
  if (!database) {
    const runtime = JSON.parse(readFileSync(path.join('.data', 'e2e', 'runtime.json'), 'utf8')) as {
      databaseUrl: string;
    };
    database = createDb(runtime.databaseUrl, { max: 3 });
  }
  return database;
}

const TEST_SETUP: ActingUser = {
  actor: { id: 'system:e2e', name: 'e2e setup', email: null, type: 'system' },
  context: { ip: null, userAgent: null, requestId: null },
  sessionId: null,
};

let counter = 0;
/** A throwaway account for one test, so tests never disturb each other or the demo users. */
export async function createTestUser(
  role: Role,
  opts: { name?: string; expiresAt?: Date | null; password?: string } = {},
) {
  const email = `e2e-${role}-${process.pid}-${Date.now()}-${counter++}@example.test`;
  const password = opts.password ?? 'test-password-123';
  const user = await e2eDb().transaction((tx) =>
    createUser(tx, TEST_SETUP, {
      email,
      name: opts.name ?? `E2E ${role} ${counter}`,
      role,
      password,
      expiresAt: opts.expiresAt ?? null,
    }),
  );
  return { ...user, password };
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The sign-in form's error (Next.js's own route announcer is also role=alert). */
export const signInError = (page: Page) => page.locator('form').getByRole('alert');

/** Server action ids by exported name, from the production build's manifest. */
let manifest: Record<string, { filename: string; exportedName: string }> | null = null;
export function actionId(exportedName: string): string {
  manifest ??= JSON.parse(
    readFileSync(path.join('.next', 'server', 'server-reference-manifest.json'), 'utf8'),
  ).node;
  const entry = Object.entries(manifest!).find(([, v]) => v.exportedName === exportedName);
  if (!entry) throw new Error(`no server action named ${exportedName} in the build`);
  return entry[0];
}

/** A direct POST to a server action, as any HTTP client could send it. */
export async function postAction(
  request: APIRequestContext,
  pagePath: string,
  name: string,
  args: unknown[],
  headers: Record<string, string> = {},
) {
  const baseURL = `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;
  const response = await request.post(pagePath, {
    headers: {
      'Next-Action': actionId(name),
      'Content-Type': 'text/plain;charset=UTF-8',
      Accept: 'text/x-component',
      Origin: baseURL,
      ...headers,
    },
    data: JSON.stringify(args),
    maxRedirects: 0,
  });
  return { status: response.status(), body: await response.text() };
}

export async function auditEventsFor(targetId: string) {
  const result = await e2eDb().$client<
    {
      action: string;
      actor_email: string | null;
      changes: { field: string; old: unknown; new: unknown }[];
      outcome: string;
      actor_ip: string | null;
    }[]
  >`
    select action, actor_email, changes, outcome, actor_ip from audit_events where target_id = ${targetId} order by seq`;
  return [...result];
}

export const test = base;
export { expect };
