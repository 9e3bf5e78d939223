/**
 * IPv4 CIDR arithmetic for address-space checks (containment, overlap, usable addresses). Pure functions.
 */
import { isIpv4Cidr } from '../../core/validators.js';

/** A parsed IPv4 CIDR block. `start`/`end` are unsigned 32-bit integers (inclusive). */
export interface CidrBlock {
  readonly cidr: string;
  readonly prefix: number;
  readonly start: number;
  readonly end: number;
  /** True when the address part has host bits set (`10.0.0.1/24`); Azure rejects such prefixes. */
  readonly hostBitsSet: boolean;
}

/** Parse `a.b.c.d/n`; `undefined` when it is not a valid IPv4 CIDR. */
export function parseCidr(cidr: unknown): CidrBlock | undefined {
  if (!isIpv4Cidr(cidr)) return undefined;
  const [addr, p] = cidr.split('/') as [string, string];
  const prefix = Number(p);
  const ip = addr.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const start = (ip & mask) >>> 0;
  const end = (start | (~mask >>> 0)) >>> 0;
  return { cidr, prefix, start, end, hostBitsSet: start !== ip };
}

/** The canonical network form of a CIDR (`10.0.0.1/24` → `10.0.0.0/24`). */
export function networkOf(block: CidrBlock): string {
  return `${intToIp(block.start)}/${block.prefix}`;
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** `inner` lies entirely inside `outer`. */
export function cidrContains(outer: CidrBlock, inner: CidrBlock): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

/** The two blocks share at least one address. */
export function cidrOverlaps(a: CidrBlock, b: CidrBlock): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** Addresses Azure lets you use in a subnet of this size: total minus the 5 Azure reserves (0 for /30 and smaller). */
export function azureUsableAddresses(block: CidrBlock): number {
  return Math.max(0, 2 ** (32 - block.prefix) - 5);
}

/** Smallest prefix length whose subnet offers at least `n` usable addresses on Azure (max /29: Azure's smallest subnet). */
export function prefixFor(n: number): number {
  for (let p = 29; p >= 8; p--) if (2 ** (32 - p) - 5 >= n) return p;
  return 8;
}
