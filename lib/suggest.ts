/** Edit distance (insertions, deletions, substitutions and swaps of neighbours) between two words. */
export function editDistance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
                d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.length][b.length];
}

/**
 * The candidate a mistyped word most likely meant: the nearest by edit distance (ignoring case), when it
 * is within a third of the word's length; undefined when nothing is that close.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const c of candidates) {
        const distance = editDistance(word.toLowerCase(), c.toLowerCase());
        if (distance < bestDistance) {
            [best, bestDistance] = [c, distance];
        }
    }
    return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}
