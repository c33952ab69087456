import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { signingKeys } from '@/db/schema';
import { integrityConfig } from '@/lib/config';
import { fingerprint, keyIdOf, publicKeyPem } from './format';
import { writeOnce } from './write-once';

/** The checkpoint signing key. The private half stays in this process; it never enters the database. */
export type Signer = {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
  fingerprint: string;
  publicKeyPem: string;
};

export function signerOf(privateKey: KeyObject): Signer {
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error('the checkpoint signing key must be an Ed25519 private key');
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    keyId: keyIdOf(publicKey),
    fingerprint: fingerprint(publicKey),
    publicKeyPem: publicKeyPem(publicKey),
  };
}

function generatePem(): string {
  return generateKeyPairSync('ed25519')
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
}

/**
 * The signing key from CHECKPOINT_PRIVATE_KEY (PEM), else from CHECKPOINT_KEY_FILE (default
 * `.data/checkpoint-signing-key.pem`), generated there once with mode 0600 when missing. A key
 * file that others can read is refused: anyone holding it could sign a different history.
 */
export function loadSigner(config = integrityConfig()): Signer {
  if (config.privateKeyPem) return signerOf(createPrivateKey(config.privateKeyPem));
  let pem: string;
  try {
    pem = readFileSync(config.keyFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(path.dirname(config.keyFile), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(config.keyFile, generatePem(), { mode: 0o600, flag: 'wx' });
    } catch (raced) {
      // Another process of ours created it first: use theirs.
      if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
    }
    pem = readFileSync(config.keyFile, 'utf8');
  }
  const mode = statSync(config.keyFile).mode & 0o077;
  if (mode !== 0)
    throw new Error(
      `${config.keyFile} can be read by others (mode ${(statSync(config.keyFile).mode & 0o777).toString(8)}); chmod 600 it`,
    );
  return signerOf(createPrivateKey(pem));
}

/**
 * Lists the signer's public key (once) in signing_keys and writes it to the write-once
 * directory beside the checkpoints, so old checkpoints verify after a rotation. A different
 * public key under the same id is refused.
 */
export async function registerKey(
  db: Database,
  signer: Signer,
  dir = integrityConfig().checkpointDir,
) {
  await db
    .insert(signingKeys)
    .values({
      keyId: signer.keyId,
      publicKey: signer.publicKeyPem,
      fingerprint: signer.fingerprint,
    })
    .onConflictDoNothing();
  const [listed] = await db.select().from(signingKeys).where(eq(signingKeys.keyId, signer.keyId));
  if (listed?.publicKey !== signer.publicKeyPem)
    throw new Error(`signing key ${signer.keyId} is listed with a different public key`);
  writeOnce(path.join(dir, 'keys', `${signer.keyId.replace(':', '-')}.pem`), signer.publicKeyPem);
}

/** Every public key that ever signed, by id (retired ones included). */
export async function listKeys(db: Database): Promise<Map<string, KeyObject>> {
  const rows = await db.select().from(signingKeys);
  return new Map(rows.map((r) => [r.keyId, createPublicKey(r.publicKey)]));
}

/**
 * Rotation: a new key replaces the key file (the old private key is destroyed, so it cannot
 * sign again), the old public key is marked retired but stays listed, and the new one is
 * registered. The caller records the rotation and takes a checkpoint with the new key.
 */
export async function rotateKeyFile(
  db: Database,
  config = integrityConfig(),
): Promise<{ old: Signer; next: Signer }> {
  if (config.privateKeyPem)
    throw new Error(
      'the signing key comes from CHECKPOINT_PRIVATE_KEY: rotate it in your secret store',
    );
  const old = loadSigner(config);
  const fresh = `${config.keyFile}.new`;
  writeFileSync(fresh, generatePem(), { mode: 0o600, flag: 'wx' });
  chmodSync(fresh, 0o600);
  renameSync(fresh, config.keyFile);
  const next = loadSigner(config);
  await db
    .update(signingKeys)
    .set({ retiredAt: sql`now()` })
    .where(eq(signingKeys.keyId, old.keyId));
  await registerKey(db, next, config.checkpointDir);
  return { old, next };
}
