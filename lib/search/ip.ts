/**
 * IP addresses and networks for `ip:`, without node:net so that the parser also runs in the
 * browser. Accepts exactly what node:net's isIP accepts (checked by a property test), except
 * IPv6 zone indexes (`fe80::1%eth0`), which PostgreSQL's inet does not know.
 */

const V4_PART = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const V4 = new RegExp(`^(?:${V4_PART}\\.){3}${V4_PART}$`);
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** The 32-bit value of a dotted-quad IPv4 address, or null. Leading zeros are not allowed. */
function ipv4Value(text: string): bigint | null {
  if (!V4.test(text)) return null;
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

/** The 128-bit value of an IPv6 address (`::` and a trailing dotted quad allowed), or null. */
function ipv6Value(text: string): bigint | null {
  if (text.length > 45) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string, last: boolean): bigint[] | null => {
    if (part === '') return [];
    const pieces = part.split(':');
    const values: bigint[] = [];
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (last && i === pieces.length - 1 && piece.includes('.')) {
        const v4 = ipv4Value(piece);
        if (v4 === null) return null;
        values.push(v4 >> 16n, v4 & 0xffffn);
      } else if (HEX_GROUP.test(piece)) {
        values.push(BigInt(parseInt(piece, 16)));
      } else {
        return null;
      }
    }
    return values;
  };
  let groups: bigint[];
  if (halves.length === 2) {
    const head = groupsOf(halves[0]!, false);
    const tail = groupsOf(halves[1]!, true);
    if (!head || !tail || head.length + tail.length > 7) return null;
    groups = [...head, ...Array<bigint>(8 - head.length - tail.length).fill(0n), ...tail];
  } else {
    const all = groupsOf(text, true);
    if (!all || all.length !== 8) return null;
    groups = all;
  }
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** 4 or 6 for a valid address, 0 otherwise (like node:net isIP, without zone indexes). */
export function ipVersion(text: string): 0 | 4 | 6 {
  if (ipv4Value(text) !== null) return 4;
  if (ipv6Value(text) !== null) return 6;
  return 0;
}

function formatIpv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) =>
    Number((value >> BigInt(112 - 16 * i)) & 0xffffn),
  );
  // The longest run of two or more zero groups becomes `::` (RFC 5952).
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** A failure's message reads `${subject} at ${position}: ${detail}`. */
export type IpParse =
  | { ok: true; network: boolean }
  | { ok: false; subject: string; detail: string; offset: number; expected: string };

const EXPECTED_IP = 'an address like 203.0.113.7 or a network like 10.0.0.0/8';

/**
 * Checks an `ip:` value: an address, or a network `address/prefix` whose prefix is a decimal
 * number in range and whose address has no bits set after the prefix (PostgreSQL's cidr would
 * refuse it). `offset` is the character of the value the problem is at.
 */
export function checkIp(text: string): IpParse {
  if (text.includes('%')) {
    return {
      ok: false,
      subject: `Unsupported zone index in "${text}"`,
      detail: 'leave out the "%" and what follows it',
      offset: text.indexOf('%'),
      expected: EXPECTED_IP,
    };
  }
  const slash = text.indexOf('/');
  if (slash < 0) {
    return ipVersion(text)
      ? { ok: true, network: false }
      : {
          ok: false,
          subject: `Invalid IP address "${text}"`,
          detail: `expected ${EXPECTED_IP}`,
          offset: 0,
          expected: EXPECTED_IP,
        };
  }
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const v4 = ipv4Value(address);
  const v6 = v4 === null ? ipv6Value(address) : null;
  if (v4 === null && v6 === null) {
    return {
      ok: false,
      subject: `Invalid IP address "${address}"`,
      detail: `expected ${EXPECTED_IP}`,
      offset: 0,
      expected: EXPECTED_IP,
    };
  }
  const bits = v4 !== null ? 32 : 128;
  if (!/^(?:0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > bits) {
    return {
      ok: false,
      subject: `Invalid network prefix "/${prefixText}"`,
      detail: `for ${v4 !== null ? 'IPv4' : 'IPv6'} it is a number from 0 to ${bits}`,
      offset: slash + 1,
      expected: `a prefix from 0 to ${bits}`,
    };
  }
  const prefix = BigInt(prefixText);
  const value = (v4 ?? v6)!;
  const hostMask = (1n << (BigInt(bits) - prefix)) - 1n;
  if ((value & hostMask) !== 0n) {
    const networkValue = value & ~hostMask;
    const network =
      v4 !== null
        ? [24n, 16n, 8n, 0n].map((s) => String((networkValue >> s) & 0xffn)).join('.')
        : formatIpv6(networkValue);
    return {
      ok: false,
      subject: `Invalid network "${text}"`,
      detail: `the address bits after /${prefixText} must be zero (did you mean ${network}/${prefixText}?)`,
      offset: 0,
      expected: `${network}/${prefixText}`,
    };
  }
  return { ok: true, network: true };
}
