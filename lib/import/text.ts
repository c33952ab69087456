import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, type Gunzip } from 'node:zlib';
import { Readable } from 'node:stream';

/**
 * Turns a byte stream into UTF-8 text chunks, gunzipping it first when it starts with the gzip
 * magic bytes 1f 8b (or when `gzip` is set). Concatenated gzip members are read in full.
 * A leading byte-order mark is dropped. Invalid UTF-8 becomes U+FFFD.
 */
export async function* decodeText(
  source: AsyncIterable<Uint8Array>,
  options: { gzip?: boolean } = {},
): AsyncGenerator<string> {
  const it = source[Symbol.asyncIterator]();
  let gunzip: Gunzip | undefined;
  try {
    // Peek at the first two bytes to sniff gzip.
    const head: Buffer[] = [];
    let headBytes = 0;
    let exhausted = false;
    while (headBytes < 2) {
      const r = await it.next();
      if (r.done) {
        exhausted = true;
        break;
      }
      const b = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
      head.push(b);
      headBytes += b.length;
    }
    const first = Buffer.concat(head);
    const isGzip = options.gzip === true || (first[0] === 0x1f && first[1] === 0x8b);

    async function* rest(): AsyncGenerator<Uint8Array> {
      if (first.length) yield first;
      if (exhausted) return;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    }

    let bytes: AsyncIterable<Uint8Array> = rest();
    if (isGzip) {
      const input = Readable.from(rest(), { objectMode: false });
      const gz = createGunzip();
      gunzip = gz;
      input.on('error', (err) => gz.destroy(err));
      bytes = input.pipe(gz);
    }

    const decoder = new StringDecoder('utf8');
    let atStart = true;
    const emit = (text: string): string => {
      if (atStart && text.length > 0) {
        atStart = false;
        if (text.charCodeAt(0) === 0xfeff) return text.slice(1);
      }
      return text;
    };
    for await (const chunk of bytes) {
      const text = emit(
        decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)),
      );
      if (text) yield text;
    }
    const tail = emit(decoder.end());
    if (tail) yield tail;
  } finally {
    gunzip?.destroy();
    await it.return?.();
  }
}

/** The text of a file, gunzipped when its name ends in .gz or it starts with the gzip magic bytes. */
export async function* readFileText(file: string): AsyncGenerator<string> {
  const input = createReadStream(file, { highWaterMark: 256 * 1024 });
  try {
    yield* decodeText(input, { gzip: file.toLowerCase().endsWith('.gz') });
  } finally {
    input.destroy();
  }
}

export type TextLine = {
  /** 1-based line number. */
  line: number;
  /** The line without its `\n`; a `\r` before the `\n` is kept (callers decide what it means). */
  text: string;
  /** Characters beyond `maxChars` that were dropped from this line (0 when it fit). */
  dropped: number;
};

/**
 * Splits text chunks on `\n` into lines, holding at most one line (capped at `maxChars`) in
 * memory. A last line without a trailing `\n` is yielded too; an empty file yields nothing.
 */
export async function* splitLines(
  chunks: AsyncIterable<string>,
  maxChars: number,
): AsyncGenerator<TextLine> {
  let parts: string[] = [];
  let kept = 0;
  let dropped = 0;
  let line = 1;
  const take = (piece: string) => {
    if (piece.length === 0) return;
    const room = maxChars - kept;
    if (room >= piece.length) {
      parts.push(piece);
      kept += piece.length;
    } else {
      if (room > 0) parts.push(piece.slice(0, room));
      kept += Math.max(room, 0);
      dropped += piece.length - Math.max(room, 0);
    }
  };
  for await (const chunk of chunks) {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', from);
      if (nl === -1) {
        take(chunk.slice(from));
        break;
      }
      take(chunk.slice(from, nl));
      yield { line, text: parts.length === 1 ? parts[0]! : parts.join(''), dropped };
      parts = [];
      kept = 0;
      dropped = 0;
      line++;
      from = nl + 1;
    }
  }
  if (kept > 0 || dropped > 0) yield { line, text: parts.join(''), dropped };
}
