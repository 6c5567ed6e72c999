import { ConfigIssue } from "./errors";
import { PLATFORM_TAG_KEYS } from "./platform";
import type { Settings } from "./schema";
import { formatCidr, overlaps, parseCidr } from "../lib/cidr";

/**
 * Rules whose limits are AWS's: tags, where a certificate lives, what an access entry may repeat, which
 * networks may meet. Each returns every issue it finds.
 */

/** User tags per resource (AWS "Tagging best practices", tag restrictions). */
export const AWS_TAGS_PER_RESOURCE = 50;

/**
 * Tags some resources carry of their own besides the platform's: a subnet has two discovery tags from the
 * program and a Name from awsx. A test checks the program never sets more.
 */
export const RESOURCE_OWN_TAGS = 3;

/** Tags a stack may add to every resource and still leave each within AWS's limit. */
export const MAX_STACK_TAGS = AWS_TAGS_PER_RESOURCE - PLATFORM_TAG_KEYS.length - RESOURCE_OWN_TAGS;

/** Letters, digits, spaces and `_ . : / = + - @`, the characters AWS allows in tags across services. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function checkTags(s: Settings): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const entries = Object.entries(s.tags);
    if (entries.length > MAX_STACK_TAGS) {
        issues.push({
            path: ["tags"],
            value: undefined,
            message: `has ${entries.length} tags; at most ${MAX_STACK_TAGS} fit beside the ${PLATFORM_TAG_KEYS.length} the platform sets and ${RESOURCE_OWN_TAGS} a resource may carry, within AWS's ${AWS_TAGS_PER_RESOURCE} per resource`,
        });
    }
    for (const [key, value] of entries) {
        const at = ["tags", key];
        if ((PLATFORM_TAG_KEYS as readonly string[]).includes(key)) {
            issues.push({ path: at, value, message: `would override the ${key} tag the platform sets on every resource; choose another key` });
        } else if (/^aws:/i.test(key)) {
            issues.push({ path: at, value, message: "has a key starting with aws:, which AWS reserves for its own tags" });
        } else if (key.length === 0 || key.length > 128 || !TAG_TEXT.test(key)) {
            issues.push({ path: at, value, message: "has a key AWS refuses: 1-128 letters, digits, spaces and _ . : / = + - @" });
        } else if (/^aws:/i.test(value) || value.length > 256 || !TAG_TEXT.test(value)) {
            issues.push({ path: at, value, message: "is a tag value AWS refuses: at most 256 letters, digits, spaces and _ . : / = + - @, not starting with aws:" });
        }
    }
    return issues;
}

/** The ALB's certificate must live in the stack's region (ACM certificates are regional). */
export function checkCertificateRegion(s: Settings): ConfigIssue[] {
    const region = /^arn:[^:]+:acm:([^:]+):/.exec(s.ingress.certificateArn)?.[1];
    if (region === undefined || region === s.region) {
        return [];
    }
    return [
        {
            path: ["ingress", "certificateArn"],
            value: s.ingress.certificateArn,
            message: `is a certificate in ${region}, but the stack deploys to ${s.region} (aws:region); an ALB can only use an ACM certificate of its own region`,
        },
    ];
}

/** Kubernetes service addresses must not collide with networks the VPC is reserved against. */
export function checkServiceCidrReserved(s: Settings): ConfigIssue[] {
    const svc = parseCidr(s.cluster.serviceCidr);
    const issues: ConfigIssue[] = [];
    s.network.reservedCidrs.forEach((text, i) => {
        const reserved = parseCidr(text);
        if (svc && reserved && overlaps(svc, reserved)) {
            issues.push({
                path: ["cluster", "serviceCidr"],
                value: s.cluster.serviceCidr,
                message: `overlaps platform:network.reservedCidrs[${i}] (${formatCidr(reserved)}); pods could not reach that network. Choose a private /12 to /24 outside it`,
            });
        }
    });
    return issues;
}

/** EKS keeps one access entry per principal: a role may be the deploying role, an admin or a team's, once. */
export function checkAccessEntries(s: Settings): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const deployer = s.cluster.deployRoleArn;
    const owners = new Map<string, string>(deployer === "" ? [] : [[deployer, "platform:cluster.deployRoleArn"]]);
    s.cluster.adminRoleArns.forEach((arn, i) => {
        if (arn === deployer) {
            issues.push({
                path: ["cluster", "adminRoleArns", i],
                value: arn,
                message: "is also platform:cluster.deployRoleArn, which is cluster admin already; EKS allows one access entry per role, so leave it out of adminRoleArns",
            });
        } else if (!owners.has(arn)) {
            owners.set(arn, `platform:cluster.adminRoleArns[${i}]`);
        }
    });
    s.cluster.readOnlyRoleArns.forEach((arn, i) => {
        const owner = owners.get(arn);
        if (owner === undefined) {
            owners.set(arn, `platform:cluster.readOnlyRoleArns[${i}]`);
        } else if (!owner.startsWith("platform:cluster.readOnlyRoleArns")) {
            // A reader listed twice is reported where lists are checked for repeats.
            issues.push({
                path: ["cluster", "readOnlyRoleArns", i],
                value: arn,
                message: `is also ${owner}, which can read the cluster already; EKS allows one access entry per role, so leave it out of readOnlyRoleArns`,
            });
        }
    });
    s.cluster.teams.forEach((team, i) => {
        const owner = owners.get(team.roleArn);
        if (owner !== undefined) {
            issues.push({
                path: ["cluster", "teams", i, "roleArn"],
                value: team.roleArn,
                message: `is also ${owner}; EKS allows one access entry per role, and an admin already has every namespace. Use a separate role for the team`,
            });
        } else {
            owners.set(team.roleArn, `the role of platform:cluster.teams[${i}] (${team.name})`);
        }
    });
    return issues;
}

export function checkAws(s: Settings): ConfigIssue[] {
    return [...checkTags(s), ...checkCertificateRegion(s), ...checkServiceCidrReserved(s), ...checkAccessEntries(s)];
}
