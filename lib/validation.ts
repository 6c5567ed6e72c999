/**
 * Argument rules shared by a component and the config loader: the component rejects bad arguments before
 * creating anything, and `config/rules.ts` runs the same rule over stack config so that a person sees
 * the problem, named by its config key, before any run.
 */

/** One invalid argument: its key, the value found, and what is wrong, phrased to follow the value. */
export interface ArgProblem {
    readonly key: string;
    readonly value: unknown;
    readonly message: string;
}

/** How a message names another key: as the argument by default; the config loader passes its full path. */
export type KeyName = (key: string) => string;

export const argumentName: KeyName = (key) => key;

/** Throws before any resource is created when a rule found problems, naming the component and each argument. */
export function rejectProblems(component: string, problems: readonly ArgProblem[]): void {
    if (problems.length > 0) {
        throw new Error(`${component}: ${problems.map((p) => `${p.key} ${JSON.stringify(p.value)} ${p.message}`).join("; ")}`);
    }
}
