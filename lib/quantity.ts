/**
 * Kubernetes resource quantities (`250m`, `1.5`, `256Mi`, `256M`, `1e9`), read by the grammar of
 * k8s.io/apimachinery `resource.Quantity`:
 *
 *   quantity ::= signedNumber suffix;  suffix ::= binarySI | decimalExponent | decimalSI
 *   binarySI ::= Ki | Mi | Gi | Ti | Pi | Ei;  decimalSI ::= n | u | m | "" | k | M | G | T | P | E
 *   decimalExponent ::= ("e" | "E") signedNumber;  number ::= digits | digits.digits | digits. | .digits
 */

const QUANTITY = /^([+-]?)(\d+\.?\d*|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

const SUFFIX: Readonly<Record<string, number>> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
};

/** The value of a quantity in its base unit (cores, bytes), or undefined when the text is not a quantity. */
export function parseQuantity(text: string): number | undefined {
    const m = QUANTITY.exec(text);
    if (!m) {
        return undefined;
    }
    const [, sign, digits, suffix, exponent] = m;
    const magnitude = Number(digits) * (suffix !== undefined ? SUFFIX[suffix] : exponent !== undefined ? 10 ** Number(exponent) : 1);
    return sign === "-" ? -magnitude : magnitude;
}

/** `250m` → 250, `1` → 1000, `0.5` → 500 (millicores); Kubernetes rounds finer CPU amounts up to 1m. */
export function cpuMillis(q: string): number {
    return Math.ceil(Math.round((parseQuantity(q) ?? NaN) * 1e6) / 1e3);
}

export function formatCpu(millis: number): string {
    return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** `256Mi` → 268435456, `256M` → 256000000 (bytes). */
export function memoryBytes(q: string): number {
    return parseQuantity(q) ?? NaN;
}

/** `256Mi` → 256, `1Gi` → 1024 (mebibytes). */
export function memoryMi(q: string): number {
    return memoryBytes(q) / 2 ** 20;
}
