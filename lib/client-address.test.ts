import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { clientAddress, parseTrustedProxies } from './client-address';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');

describe('clientAddress without TRUSTED_PROXY (security.md 8)', () => {
  const none = parseTrustedProxies(undefined);

  it('parses an unset or blank setting to "trust nobody"', () => {
    expect(none).toBeNull();
    expect(parseTrustedProxies('')).toBeNull();
    expect(parseTrustedProxies('   ')).toBeNull();
  });

  it('uses the socket address even when X-Forwarded-For is present', () => {
    expect(clientAddress('203.0.113.7', '9.9.9.9', none)).toBe('203.0.113.7');
    expect(clientAddress('203.0.113.7', '9.9.9.9, 10.0.0.1', none)).toBe('203.0.113.7');
  });

  it('ignores a rotating X-Forwarded-For: every request counts against the same address', () => {
    const seen = new Set<string | null>();
    for (let i = 0; i < 50; i++)
      seen.add(clientAddress('198.51.100.23', `10.${i}.${i}.${i}, 172.16.0.${i}`, none));
    expect([...seen]).toEqual(['198.51.100.23']);
  });

  it('normalises an IPv4-mapped IPv6 peer to the IPv4 address', () => {
    expect(clientAddress('::ffff:1.2.3.4', undefined, none)).toBe('1.2.3.4');
    expect(clientAddress('::ffff:1.2.3.4', '9.9.9.9', none)).toBe('1.2.3.4');
  });

  it('keeps a real IPv6 peer as it is', () => {
    expect(clientAddress('2001:db8::1', undefined, none)).toBe('2001:db8::1');
    expect(clientAddress('::1', undefined, none)).toBe('::1');
  });

  it('returns null without a socket address, whatever the header says', () => {
    expect(clientAddress(undefined, '9.9.9.9', none)).toBeNull();
    expect(clientAddress('', '9.9.9.9', none)).toBeNull();
  });
});

describe('clientAddress behind trusted proxies', () => {
  const loopback = parseTrustedProxies('loopback');

  it('takes the rightmost untrusted hop', () => {
    expect(clientAddress('127.0.0.1', '9.9.9.9, 10.0.0.1', loopback)).toBe('10.0.0.1');
  });

  it('treats ::1 and an IPv4-mapped loopback peer as loopback', () => {
    expect(clientAddress('::1', '9.9.9.9', loopback)).toBe('9.9.9.9');
    expect(clientAddress('::ffff:127.0.0.1', '9.9.9.9', loopback)).toBe('9.9.9.9');
  });

  it('skips a chain of trusted proxies', () => {
    const trusted = parseTrustedProxies('10.0.0.0/8, 192.168.1.10');
    expect(clientAddress('10.1.1.1', '6.6.6.6, 203.0.113.9, 192.168.1.10, 10.2.2.2', trusted)).toBe(
      '203.0.113.9',
    );
    expect(clientAddress('127.0.0.1', '6.6.6.6, 203.0.113.9, 127.0.0.2, 127.0.0.3', loopback)).toBe(
      '203.0.113.9',
    );
  });

  it('normalises IPv4-mapped hops in the header', () => {
    expect(clientAddress('127.0.0.1', '::ffff:203.0.113.9', loopback)).toBe('203.0.113.9');
    expect(clientAddress('127.0.0.1', '203.0.113.9, ::ffff:127.0.0.1', loopback)).toBe(
      '203.0.113.9',
    );
  });

  it.each([
    ['garbage', 'not-an-ip'],
    ['an address with a port', '9.9.9.9:1234'],
    ['an empty hop', '9.9.9.9, , 127.0.0.2'],
    ['a bracketed IPv6', '[2001:db8::1]'],
    ['a hostname', 'evil.example'],
  ])('falls back to the peer at a malformed hop (%s)', (_name, header) => {
    expect(clientAddress('127.0.0.1', header, loopback)).toBe('127.0.0.1');
  });

  it('stops at the malformed hop even when a plausible address sits left of it', () => {
    expect(clientAddress('127.0.0.1', '9.9.9.9, junk', loopback)).toBe('127.0.0.1');
  });

  it('ignores the header when the peer itself is not a trusted proxy', () => {
    expect(clientAddress('203.0.113.50', '9.9.9.9', loopback)).toBe('203.0.113.50');
    expect(clientAddress('203.0.113.50', '127.0.0.1', loopback)).toBe('203.0.113.50');
  });

  it('uses the peer when a trusted proxy sends no header', () => {
    expect(clientAddress('127.0.0.1', undefined, loopback)).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', '', loopback)).toBe('127.0.0.1');
  });

  it('takes the leftmost hop when every hop is a trusted proxy', () => {
    expect(clientAddress('127.0.0.1', '127.0.0.9, 127.0.0.5', loopback)).toBe('127.0.0.9');
  });

  it('rotating X-Forwarded-For left of the real client does not change the answer', () => {
    const seen = new Set<string | null>();
    for (let i = 0; i < 20; i++)
      seen.add(clientAddress('127.0.0.1', `10.${i}.0.1, 203.0.113.9`, loopback));
    expect([...seen]).toEqual(['203.0.113.9']);
  });
});

describe('parseTrustedProxies', () => {
  it('accepts CIDR lists, single addresses and IPv6, with spaces and empty items', () => {
    const list = parseTrustedProxies(
      ' 10.0.0.0/8 , 192.168.0.0/16,,172.16.5.4, 2001:db8::/32, fd00::1 ',
    );
    expect(list).not.toBeNull();
    for (const address of ['10.255.0.1', '192.168.200.3', '172.16.5.4'])
      expect(list!.check(address, 'ipv4')).toBe(true);
    for (const address of ['11.0.0.1', '192.169.0.1', '172.16.5.5', '127.0.0.1'])
      expect(list!.check(address, 'ipv4')).toBe(false);
    expect(list!.check('2001:db8:ffff::7', 'ipv6')).toBe(true);
    expect(list!.check('fd00::1', 'ipv6')).toBe(true);
    expect(list!.check('fd00::2', 'ipv6')).toBe(false);
    expect(list!.check('::1', 'ipv6')).toBe(false);
  });

  it('treats each CIDR as a trust boundary for clientAddress', () => {
    const list = parseTrustedProxies('10.0.0.0/8');
    expect(clientAddress('10.9.9.9', '203.0.113.1', list)).toBe('203.0.113.1');
    expect(clientAddress('11.0.0.1', '203.0.113.1', list)).toBe('11.0.0.1');
  });

  it('accepts the boundary prefix lengths', () => {
    expect(() => parseTrustedProxies('10.0.0.1/32')).not.toThrow();
    expect(() => parseTrustedProxies('2001:db8::1/128')).not.toThrow();
  });

  it.each([
    'not-an-ip',
    '10.0.0.256',
    'localhost',
    'LOOPBACK',
    '10.0.0.0/33',
    '2001:db8::/129',
    '10.0.0.0/abc',
    '10.0.0.0/8.5',
    '10.0.0.0/-1',
    '10.0.0.1, evil',
    // An empty or non-decimal prefix must not silently become another subnet: "10.0.0.0/" was
    // read as /0, trusting every address on the internet to set X-Forwarded-For.
    '10.0.0.0/',
    '10.0.0.0/1e1',
    '10.0.0.0/0x8',
    '1.2.3.4/8/9',
  ])('throws on %j, naming the bad value', (spec) => {
    const bad = spec
      .split(',')
      .map((s) => s.trim())
      .find((s) => s !== '10.0.0.1')!;
    expect(() => parseTrustedProxies(spec)).toThrow(bad);
    expect(() => parseTrustedProxies(spec)).toThrow(/TRUSTED_PROXY/);
  });

  it('a bad value does not end up trusting the whole internet', () => {
    // Whatever the parser decides about "10.0.0.0/", a stranger's header must never be believed.
    let list: ReturnType<typeof parseTrustedProxies> = null;
    try {
      list = parseTrustedProxies('10.0.0.0/');
    } catch {
      return;
    }
    expect(clientAddress('8.8.8.8', '6.6.6.6', list)).toBe('8.8.8.8');
  });

  it('"-0" as a prefix throws a normal error instead of aborting the process', async () => {
    // Run in a child: the bug being guarded against is a native assertion that kills Node.
    const script = `
      import { parseTrustedProxies } from './lib/client-address.ts';
      try { parseTrustedProxies('10.0.0.0/-0'); console.log('ACCEPTED'); }
      catch (e) { console.log('THREW ' + e.message); }
    `;
    const result = await run(
      path.join(root, 'node_modules', '.bin', 'tsx'),
      ['--input-type=module', '-e', script],
      { cwd: root },
    ).then(
      ({ stdout }) => ({ stdout, crashed: false }),
      (error: { stdout?: string; signal?: string; code?: number }) => ({
        stdout: `${error.stdout ?? ''} signal=${error.signal} code=${error.code}`,
        crashed: true,
      }),
    );
    expect(result.crashed, result.stdout).toBe(false);
    expect(result.stdout).toContain('THREW');
    expect(result.stdout).toContain('10.0.0.0/-0');
  });
});
