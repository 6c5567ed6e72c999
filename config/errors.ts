/** One problem found in stack config: where it is, the value found there, and what is wrong with it. */
export interface ConfigIssue {
    /** Path below the `platform:` namespace, e.g. `["network", "cidr"]` or `["services", 0, "image"]`. */
    readonly path: readonly (string | number)[];
    /** The value found at the path (undefined when the key is missing). */
    readonly value: unknown;
    /** What is wrong, phrased to follow the value: `is not a valid IPv4 CIDR`. */
    readonly message: string;
    /** Config namespace of the key. Defaults to `platform`. */
    readonly namespace?: string;
    /** Names the key outright, for problems outside any config namespace (`stack`, a file position). */
    readonly key?: string;
}

/** Renders a path the way a person writes it in `pulumi config set --path`: `platform:services[0].image`. */
export function formatPath(path: readonly (string | number)[], namespace = "platform"): string {
    let out = namespace;
    path.forEach((part, i) => {
        if (typeof part === "number") {
            out += `[${part}]`;
        } else {
            out += i === 0 ? `:${part}` : `.${part}`;
        }
    });
    return out;
}

function formatValue(value: unknown): string {
    const text = JSON.stringify(value);
    if (text === undefined) {
        return String(value);
    }
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Where a problem is, as a person writes the key: `platform:services[0].image`, `aws:region`, `stack`. */
export function issueKey(issue: ConfigIssue): string {
    return issue.key ?? formatPath(issue.path, issue.namespace);
}

/** What is wrong, on one line, starting with the value found: `"10.0.0.0/33" is not a valid IPv4 CIDR`. */
export function issueMessage(issue: ConfigIssue): string {
    return issue.value === undefined ? issue.message : `${formatValue(issue.value)} ${issue.message}`;
}

/** `platform:network.cidr: "10.0.0.0/33" is not a valid IPv4 CIDR` */
export function formatIssue(issue: ConfigIssue): string {
    return `${issueKey(issue)}: ${issueMessage(issue)}`;
}

/** Thrown before any resource is created when stack config is invalid; lists every problem found. */
export class ConfigError extends Error {
    constructor(public readonly issues: readonly ConfigIssue[]) {
        super(
            `Invalid stack config (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
                issues.map((i) => `  - ${formatIssue(i)}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}
