import type { ConfigIssue } from "./errors";
import { formatPath } from "./errors";
import { isPlainObject } from "../lib/merge";
import type { ServiceSettings, Settings } from "./schema";

/**
 * Which keys a `local` stack may set and which only an AWS stack may: a key that one kind of stack would
 * silently ignore is refused instead, naming the kind of stack that reads it. Pure.
 */

/** Sections a local stack reads only in part: the keys it reads there. Other sections not listed here are read whole. */
const LOCAL_KEYS_OF: Readonly<Record<string, readonly string[]>> = {
    database: ["enabled", "engineVersion"],
    cache: ["enabled"],
    broker: ["enabled"],
    addons: ["metricsServer", "kubePrometheusStack", "certManager", "keda"],
};

/** Sections only the AWS environments read. */
export const AWS_ONLY_SECTIONS = ["tags", "network", "encryption", "logs", "cluster", "secrets", "ingress", "alerting", "ci"] as const;

/** Sections only the local environment reads. */
export const LOCAL_ONLY_SECTIONS = ["local"] as const;

/** A key holds something: Pulumi.yaml defaults every section to `{}`, which says nothing. */
const isSet = (value: unknown): boolean => value !== undefined && !(isPlainObject(value) && Object.keys(value).length === 0);

/** Why an AWS-only key is refused in a local stack. */
const AWS_ONLY = "is read only by the AWS environments (dev, staging, prod); a local stack runs its stores and add-ons in the cluster, so remove it";

/**
 * Keys of the raw `platform:` object that the stack's environment does not read: AWS-only keys (RDS,
 * ElastiCache, Amazon MQ sizes, the VPC, EKS, ALB ingress, the AWS-only add-ons) in a local stack, and
 * `local` in an AWS stack.
 */
export function environmentKeyIssues(raw: Readonly<Record<string, unknown>>, environment: string): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    if (environment !== "local") {
        for (const key of LOCAL_ONLY_SECTIONS.filter((k) => isSet(raw[k]))) {
            issues.push({ path: [key], value: undefined, message: `is read only by a local stack (platform:environment: local); remove it from this ${environment} stack` });
        }
        return issues;
    }
    for (const key of AWS_ONLY_SECTIONS.filter((k) => isSet(raw[k]))) {
        issues.push({ path: [key], value: undefined, message: AWS_ONLY });
    }
    for (const [section, allowed] of Object.entries(LOCAL_KEYS_OF)) {
        const value = raw[section];
        if (!isPlainObject(value)) {
            continue;
        }
        for (const key of Object.keys(value).filter((k) => !allowed.includes(k))) {
            issues.push({ path: [section, key], value: undefined, message: `${AWS_ONLY}; a local stack reads ${allowed.map((k) => formatPath([section, k])).join(", ")}` });
        }
    }
    return issues;
}

/** `aws:region` in a local stack: nothing reads it, and no AWS provider is made. */
export function localRegionIssues(region: string | undefined): ConfigIssue[] {
    return region === undefined ? [] : [{ namespace: "aws", path: ["region"], value: region, message: "is read only by the AWS environments; a local stack makes no AWS provider, so remove it" }];
}

/** What a service needs of the local add-ons and stores, as (path, why) pairs. */
function localNeeds(svc: ServiceSettings): [string[], string][] {
    const needs: [string[], string][] = (svc.uses ?? []).map((store) => [[store, "enabled"], `it uses the ${store}`]);
    if (svc.queue !== undefined) {
        needs.push([["addons", "keda", "enabled"], "it scales on a queue"]);
    } else if (svc.kind !== "cron") {
        needs.push([["addons", "metricsServer", "enabled"], "its autoscaler reads CPU and memory"]);
    }
    if (svc.ingress !== undefined || svc.grpc?.ingress !== undefined) {
        needs.push([["addons", "certManager", "enabled"], "its ingress serves TLS from cert-manager's self-signed issuer"]);
    }
    return needs;
}

/** The local counterpart of the add-on checks: the stores and add-ons each service needs are on. */
export function checkLocal(s: Settings): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const enabledAt = (path: string[]): boolean => {
        let cur: unknown = s;
        for (const p of path) {
            cur = (cur as Record<string, unknown>)[p];
        }
        return cur === true;
    };
    s.services.forEach((svc, i) => {
        for (const [path, why] of localNeeds(svc)) {
            if (!enabledAt(path)) {
                issues.push({ path, value: false, message: `must be true: platform:services[${i}] (${svc.name}) needs it because ${why}` });
            }
        }
    });
    // The topology operator's webhook certificates come from cert-manager (its -with-certmanager manifest).
    if (s.broker.enabled && !s.addons.certManager.enabled) {
        issues.push({ path: ["addons", "certManager", "enabled"], value: false, message: "must be true while platform:broker.enabled is: the RabbitMQ topology operator's webhook certificates come from cert-manager" });
    }
    return issues;
}
