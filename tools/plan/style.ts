/** Terminal presentation of the plan: colour where a person is watching, columns that stay aligned. */

/**
 * Colour only on a terminal, and never when `NO_COLOR` is set to anything but an empty string
 * (no-color.org); `FORCE_COLOR` (set, not "0") asks for it anywhere, as Node's own tools read it.
 */
export function useColor(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
    if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") {
        return false;
    }
    if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") {
        return true;
    }
    return isTTY === true;
}

export interface Style {
    readonly bold: (text: string) => string;
    readonly dim: (text: string) => string;
    readonly red: (text: string) => string;
    readonly yellow: (text: string) => string;
    readonly green: (text: string) => string;
}

const sgr = (on: number, off: number) => (text: string) => `\u001b[${on}m${text}\u001b[${off}m`;
const plain = (text: string) => text;

export function style(color: boolean): Style {
    return color
        ? { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39) }
        : { bold: plain, dim: plain, red: plain, yellow: plain, green: plain };
}

/** Removes colour codes, for measuring what a person sees. */
export function visible(text: string): string {
    return text.replace(/\u001b\[\d+m/g, "");
}

/** Column alignment of a table: text left, figures right. */
export type Align = "left" | "right";

/**
 * Rows as lines whose columns line up whatever the length of their cells; cells may carry colour. The
 * last column is not padded, so that no line ends in spaces.
 */
export function table(rows: readonly (readonly string[])[], align: readonly Align[] = [], indent = "  "): string[] {
    const widths: number[] = [];
    for (const row of rows) {
        row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visible(cell).length)));
    }
    return rows.map((row) =>
        (
            indent +
            row
                .map((cell, i) => {
                    if (i === row.length - 1 && align[i] !== "right") {
                        return cell;
                    }
                    const gap = " ".repeat(widths[i] - visible(cell).length);
                    return align[i] === "right" ? gap + cell : cell + gap;
                })
                .join("  ")
        ).trimEnd(),
    );
}

/** A list cut to fit `width` characters, ending with how many were left out. */
export function fitList(items: readonly string[], width: number): string {
    let text = "";
    for (let i = 0; i < items.length; i++) {
        const rest = items.length - i - 1;
        const next = `${text}${i > 0 ? ", " : ""}${items[i]}`;
        const tail = rest > 0 ? `, +${rest} more` : "";
        if (i > 0 && next.length + tail.length > width) {
            return `${text}, +${items.length - i} more`;
        }
        text = next;
    }
    return text;
}
