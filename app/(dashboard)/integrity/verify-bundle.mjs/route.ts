import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { NextResponse } from 'next/server';
import { can } from '@/lib/authz';
import { getCurrentUser } from '@/lib/session';

export const dynamic = 'force-dynamic';

const fail = (status: number, error: string) =>
  NextResponse.json({ error }, { status, headers: { 'Cache-Control': 'no-store' } });

/**
 * GET /integrity/verify-bundle.mjs — the standalone verifier, read from disk at request time
 * (it is not part of the build), for the auditor to run on a bundle with nothing but Node.js.
 */
export async function GET() {
  const user = await getCurrentUser();
  if (!user) return fail(401, 'You are not signed in.');
  if (!can(user.role, 'events:read'))
    return fail(403, 'You do not have permission to download the verifier.');
  let script: Buffer;
  try {
    script = await readFile(path.join(process.cwd(), 'scripts/verify-bundle.mjs'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return fail(
      404,
      'The standalone verifier (scripts/verify-bundle.mjs) is not installed on this server.',
    );
  }
  return new Response(new Uint8Array(script), {
    headers: {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Content-Disposition': 'attachment; filename="verify-bundle.mjs"',
      'Cache-Control': 'no-store',
    },
  });
}
