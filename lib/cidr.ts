/**
 * IPv4 CIDR arithmetic used by config validation and subnet sizing. Pure functions only.
 */

export interface Cidr {
    /** Network address as an unsigned 32-bit integer. */
    readonly network: number;
    /** Prefix length, 0–32. */
    readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined when the text is not a well-formed IPv4 CIDR with host bits zero. */
export function parseCidr(text: string): Cidr | undefined {
    const m = CIDR_RE.exec(text);
    if (!m) {
        return undefined;
    }
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) {
        return undefined;
    }
    const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
    const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
    if ((address & ~mask) >>> 0 !== 0) {
        return undefined;
    }
    return { network: address, prefix };
}

/** True for text that parses as an IPv4 CIDR. */
export function isCidr(text: string): boolean {
    return parseCidr(text) !== undefined;
}

function size(c: Cidr): number {
    return 2 ** (32 - c.prefix);
}

/** True when the two blocks share at least one address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
    const aEnd = a.network + size(a);
    const bEnd = b.network + size(b);
    return a.network < bEnd && b.network < aEnd;
}

/** True when `inner` lies wholly inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
    return inner.prefix >= outer.prefix && overlaps(outer, inner);
}

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((c) => parseCidr(c) as Cidr);

/** True when the block lies inside one of the RFC 1918 private ranges. */
export function isPrivate(c: Cidr): boolean {
    return PRIVATE_RANGES.some((range) => contains(range, c));
}

/** True for `0.0.0.0/0` and any block that opens the whole internet. */
export function isOpenToWorld(text: string): boolean {
    return text === "0.0.0.0/0" || text === "::/0";
}

export function formatCidr(c: Cidr): string {
    const n = c.network;
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${c.prefix}`;
}

/**
 * Subnet prefix lengths for a VPC of the given prefix. Per availability zone the private subnet gets an
 * eighth of the VPC (pods take VPC addresses under the VPC CNI), public and isolated subnets a
 * sixty-fourth each; three zones use 30/64 of the block and leave the rest for growth.
 */
export function subnetPrefixes(vpcPrefix: number): { public: number; private: number; isolated: number } {
    return { public: vpcPrefix + 6, private: vpcPrefix + 3, isolated: vpcPrefix + 6 };
}

/** Subnet blocks per tier, one per zone, in zone order. */
export interface SubnetLayout {
    readonly public: string[];
    readonly private: string[];
    readonly isolated: string[];
}

/**
 * Lays out the subnets of a VPC: private subnets first (the largest), then public, then isolated, each tier
 * with room for three zones so that the layout of the first zones never moves. Explicit blocks let network
 * policies and security rules name the data subnets exactly.
 */
export function subnetLayout(vpcCidr: string, zones: number): SubnetLayout {
    const vpc = parseCidr(vpcCidr);
    if (!vpc) {
        throw new Error(`subnetLayout: "${vpcCidr}" is not a valid IPv4 CIDR`);
    }
    if (zones < 1 || zones > 3) {
        throw new Error(`subnetLayout: zones must be 1 to 3, got ${zones}`);
    }
    const prefixes = subnetPrefixes(vpc.prefix);
    const size = (prefix: number) => 2 ** (32 - prefix);
    const tier = (start: number, prefix: number) =>
        Array.from({ length: zones }, (_, i) => formatCidr({ network: start + i * size(prefix), prefix }));
    const privateStart = vpc.network;
    const publicStart = privateStart + 3 * size(prefixes.private);
    const isolatedStart = publicStart + 3 * size(prefixes.public);
    return {
        private: tier(privateStart, prefixes.private),
        public: tier(publicStart, prefixes.public),
        isolated: tier(isolatedStart, prefixes.isolated),
    };
}
