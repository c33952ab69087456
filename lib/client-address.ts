import { BlockList, isIP } from 'node:net';

/**
 * Set by our HTTP server (scripts/start.ts) from the socket, after it strips any value the
 * client sent: the only trustworthy source of the client address inside Next.js.
 */
export const CLIENT_IP_HEADER = 'x-whochanged-client-ip';
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * The client address used for throttling and audit records. It is the socket's peer address,
 * unless TRUSTED_PROXY names the proxies in front of us (addresses or CIDRs, comma-separated,
 * or `loopback`): then X-Forwarded-For is walked from the right, skipping trusted proxies, and
 * the first untrusted hop is the client. A header the client controls is never trusted alone.
 */
export function parseTrustedProxies(spec: string | undefined): BlockList | null {
  if (!spec || !spec.trim()) return null;
  const list = new BlockList();
  for (const raw of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (raw === 'loopback') {
      list.addSubnet('127.0.0.0', 8, 'ipv4');
      list.addAddress('::1', 'ipv6');
      continue;
    }
    const parts = raw.split('/');
    if (parts.length > 2) throw new Error(`TRUSTED_PROXY: "${raw}" is not an IP address or CIDR`);
    const [addr, bits] = parts;
    const family = isIP(addr ?? '');
    if (!family) throw new Error(`TRUSTED_PROXY: "${raw}" is not an IP address or CIDR`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(addr!, type);
    else {
      // Decimal digits only: Number('') is 0 (trust everyone), Number('-0') aborts BlockList.
      const prefix = /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN;
      if (!(prefix >= 0 && prefix <= (family === 4 ? 32 : 128))) {
        throw new Error(`TRUSTED_PROXY: "${raw}" has an invalid prefix length`);
      }
      list.addSubnet(addr!, prefix, type);
    }
  }
  return list;
}

function normalise(address: string): string {
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is the IPv4 address.
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  trusted: BlockList | null,
): string | null {
  const peer = socketAddress ? normalise(socketAddress) : null;
  if (!peer || !trusted || !isTrusted(trusted, peer) || !forwardedFor) return peer;
  const hops = forwardedFor.split(',').map((h) => normalise(h.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isIP(hop)) return peer; // a malformed hop: stop trusting the header here
    if (!isTrusted(trusted, hop)) return hop;
  }
  return hops[0] ?? peer;
}
