import type { ConfigIssue } from "./errors";
import type { ExistingNetworkSettings, Settings } from "./schema";
import { Cidr, contains, formatCidr, overlaps, parseCidr } from "../lib/cidr";

/**
 * Rules for a VPC the stack uses rather than creates (`platform:network.existing`): one subnet per zone
 * in every tier, in the same zone order, each tier with subnets of its own, and subnet blocks that lie in
 * the VPC's block without overlapping. The VPC itself is not looked up: what is written here is what the
 * subnet tags, network policies and data-store rules are built from.
 */

const TIERS = [
    ["public", "publicSubnetIds"],
    ["private", "privateSubnetIds"],
    ["isolated", "isolatedSubnetIds"],
] as const;

const at = (...rest: (string | number)[]) => ["network", "existing", ...rest];

function checkZones(existing: ExistingNetworkSettings, s: Settings): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const zones = existing.availabilityZones;
    zones.forEach((zone, i) => {
        if (!zone.startsWith(s.region) || !/^[a-z]$/.test(zone.slice(s.region.length))) {
            issues.push({ path: at("availabilityZones", i), value: zone, message: `is not a zone of ${s.region} (aws:region); its zones are named ${s.region}a, ${s.region}b, …` });
        } else if (zones.indexOf(zone) !== i) {
            issues.push({ path: at("availabilityZones", i), value: zone, message: "is listed twice; each position of the subnet lists is a zone of its own" });
        }
    });
    if (s.network.availabilityZones !== zones.length) {
        issues.push({
            path: ["network", "availabilityZones"],
            value: s.network.availabilityZones,
            message: `must be the number of zones platform:network.existing.availabilityZones lists (${zones.length}), or be left out`,
        });
    }
    return issues;
}

function checkSubnets(existing: ExistingNetworkSettings): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const zones = existing.availabilityZones.length;
    const owner = new Map<string, string>();
    for (const [tier, key] of TIERS) {
        const ids = existing[key];
        if (ids.length !== zones) {
            issues.push({ path: at(key), value: ids, message: `has ${ids.length} subnet(s); give one ${tier} subnet per zone of availabilityZones (${zones}), in the same order` });
        }
        ids.forEach((id, i) => {
            const other = owner.get(id);
            if (other !== undefined) {
                issues.push({ path: at(key, i), value: id, message: `is also platform:network.existing.${other}; every tier needs subnets of its own` });
            } else {
                owner.set(id, `${key}[${i}]`);
            }
        });
        const blocks = existing.subnetCidrs[tier];
        if (blocks.length !== ids.length) {
            issues.push({
                path: at("subnetCidrs", tier),
                value: blocks,
                message: `has ${blocks.length} block(s) but ${key} lists ${ids.length} subnet(s); give each subnet's block, in the same order`,
            });
        }
    }
    return issues;
}

function checkBlocks(existing: ExistingNetworkSettings, s: Settings): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const vpc = parseCidr(s.network.cidr);
    const seen: { where: string; block: Cidr }[] = [];
    for (const [tier] of TIERS) {
        existing.subnetCidrs[tier].forEach((text, i) => {
            const block = parseCidr(text);
            if (block === undefined) {
                return;
            }
            const path = at("subnetCidrs", tier, i);
            if (vpc !== undefined && !contains(vpc, block)) {
                issues.push({ path, value: text, message: `lies outside platform:network.cidr (${formatCidr(vpc)}); set network.cidr to the existing VPC's block` });
            }
            const clash = seen.find((x) => overlaps(x.block, block));
            if (clash !== undefined) {
                issues.push({ path, value: text, message: `overlaps platform:network.existing.subnetCidrs.${clash.where}` });
            }
            seen.push({ where: `${tier}[${i}]`, block });
        });
    }
    return issues;
}

/** Every rule of an existing VPC; none when the stack creates its own. */
export function checkExistingNetwork(s: Settings): ConfigIssue[] {
    const existing = s.network.existing;
    return existing === undefined ? [] : [...checkZones(existing, s), ...checkSubnets(existing), ...checkBlocks(existing, s)];
}
