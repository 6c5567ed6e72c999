/**
 * Container image references, read by the grammar of github.com/distribution/reference (the one
 * containerd, Docker and the kubelet use):
 *
 *   reference := name [":" tag] ["@" digest];  name := [domain "/"] path;  domain := host [":" port]
 *   path := component ("/" component)*;  component := [a-z0-9]+ (("." | "_" | "__" | "-"+) [a-z0-9]+)*
 *   tag := [\w][\w.-]{0,127};  digest := algorithm ":" hex, algorithm := [A-Za-z][A-Za-z0-9]* ([+._-] …)*
 *
 * The first part of the name is a registry when it contains "." or ":" or is "localhost"; the name is at
 * most 255 characters. A digest of the OCI-registered algorithms has a fixed length: sha256 64, sha512
 * 128 lower-case hex digits.
 */

export interface ImageRef {
    readonly registry?: string;
    readonly path: string;
    readonly tag?: string;
    readonly digest?: string;
}

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`);
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const DIGEST_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha512: 128 };

/** Parses a reference; a string says what is wrong with it. */
export function parseImageRef(text: string): ImageRef | string {
    if (text === "") {
        return "is empty";
    }
    let rest = text;
    let digest: string | undefined;
    const at = rest.indexOf("@");
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        if (!DIGEST.test(digest)) {
            return `has a malformed digest "${digest}" (expected sha256:<64 hex digits>)`;
        }
        const [algorithm, hex] = digest.split(":");
        const length = DIGEST_LENGTH[algorithm];
        if (length !== undefined && (hex.length !== length || hex !== hex.toLowerCase())) {
            return `has a ${algorithm} digest that is not ${length} lower-case hex digits`;
        }
    }
    // A tag follows the last ":" that comes after the last "/" (a ":" before it belongs to a registry port).
    let tag: string | undefined;
    const colon = rest.lastIndexOf(":");
    if (colon > rest.lastIndexOf("/")) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!TAG.test(tag)) {
            return tag === "" ? "has an empty tag after ':'" : `has an invalid tag "${tag}" (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-')`;
        }
    }
    if (rest.length > 255) {
        return `has a name of ${rest.length} characters; at most 255 are allowed`;
    }
    const parts = rest.split("/");
    let registry: string | undefined;
    if (parts.length > 1 && (parts[0].includes(".") || parts[0].includes(":") || parts[0] === "localhost")) {
        registry = parts.shift();
        if (!DOMAIN.test(registry as string)) {
            return `has an invalid registry "${registry}"`;
        }
    }
    const bad = parts.find((p) => !COMPONENT.test(p));
    if (bad !== undefined) {
        return bad === ""
            ? "has an empty path component (a leading, trailing or doubled '/' or ':')"
            : `has an invalid path component "${bad}" (lower-case letters and digits, separated by '.', '_', '__' or '-')`;
    }
    return { ...(registry !== undefined ? { registry } : {}), path: parts.join("/"), ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}
