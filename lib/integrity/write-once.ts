import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes a file that must never change: created exclusively, then read-only. Writing the same
 * content again is a no-op; different content is an error (someone changed the copy, or the
 * database). In production the directory is a bucket with S3 Object Lock in compliance mode
 * (see the README), which even the account root cannot shorten or delete.
 */
export function writeOnce(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  try {
    writeFileSync(file, content, { mode: 0o444, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (readFileSync(file, 'utf8') !== content)
      throw new Error(`${file} already exists with different content`);
  }
}
