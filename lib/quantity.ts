/** Kubernetes CPU and memory quantities, as the catalog writes them. */

/** `250m` → 250, `1` → 1000, `1.5` → 1500 (millicores). */
export function cpuMillis(q: string): number {
    return q.endsWith("m") ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}

export function formatCpu(millis: number): string {
    return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** `256Mi` → 256, `1Gi` → 1024 (mebibytes). */
export function memoryMi(q: string): number {
    return q.endsWith("Gi") ? Number(q.slice(0, -2)) * 1024 : Number(q.slice(0, -2));
}
