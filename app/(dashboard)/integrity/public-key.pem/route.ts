import { NextResponse, type NextRequest } from 'next/server';
import { getPublicKeyPem } from '@/db/queries/integrity';
import { can } from '@/lib/authz';
import { loadSigner } from '@/lib/integrity/keys';
import { getCurrentUser } from '@/lib/session';
import { publicKeyFilename } from '../_components/format';

export const dynamic = 'force-dynamic';

const fail = (status: number, error: string) =>
  NextResponse.json({ error }, { status, headers: { 'Cache-Control': 'no-store' } });

/**
 * GET /integrity/public-key.pem — the current checkpoint signing key (SPKI PEM), or with
 * `?key=<keyId>` any listed key, retired ones included, as a download. A public key is no
 * secret, but the page it belongs to is for signed-in users, and so is this.
 */
export async function GET(request: NextRequest) {
  const user = await getCurrentUser();
  if (!user) return fail(401, 'You are not signed in.');
  if (!can(user.role, 'events:read'))
    return fail(403, 'You do not have permission to download the signing key.');
  const keyId = request.nextUrl.searchParams.get('key');
  let pem: string;
  let id: string;
  if (keyId !== null) {
    if (!/^ed25519:[0-9a-f]{16}$/.test(keyId))
      return fail(400, 'key must be a key id like ed25519: followed by 16 hex digits.');
    const listed = await getPublicKeyPem(keyId);
    if (!listed) return fail(404, `No signing key ${keyId} is listed.`);
    pem = listed;
    id = keyId;
  } else {
    const signer = loadSigner();
    pem = signer.publicKeyPem;
    id = signer.keyId;
  }
  return new Response(pem, {
    headers: {
      'Content-Type': 'application/x-pem-file',
      'Content-Disposition': `attachment; filename="${publicKeyFilename(id)}"`,
      'Cache-Control': 'no-store',
      'X-Key-Id': id,
    },
  });
}
