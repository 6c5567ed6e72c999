/**
 * CronJob schedules as Kubernetes accepts them. The API server validates `spec.schedule` with
 * `cron.ParseStandard` of github.com/robfig/cron/v3 and refuses any `TZ` in it
 * (kubernetes/pkg/apis/batch/validation `validateScheduleFormat`); this reads schedules by the same rules:
 * five fields of comma-separated `*`, `?`, `n`, `a-b`, each with an optional `/step`, names for months
 * and weekdays, or one of the descriptors `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily`
 * (`@midnight`), `@hourly` and `@every <duration>`.
 */

interface Field {
    readonly name: string;
    readonly min: number;
    readonly max: number;
    readonly names?: readonly string[];
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

const FIELDS: readonly Field[] = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31 },
    { name: "month", min: 1, max: 12, names: MONTHS },
    { name: "day of week", min: 0, max: 6, names: WEEKDAYS },
];

export const CRON_DESCRIPTORS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"] as const;

/** Go's `time.ParseDuration` grammar: a sequence of decimal numbers, each with a unit. */
const GO_DURATION = /^[+-]?((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$|^0$/;

/** strconv.Atoi as robfig/cron uses it: decimal digits with an optional sign; negatives are refused later. */
function integer(text: string): number | undefined {
    return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

function value(text: string, field: Field): number | undefined {
    const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
    return named >= 0 ? named + (field.name === "month" ? 1 : 0) : integer(text);
}

function rangeProblem(expr: string, field: Field): string | undefined {
    const [range, step, ...more] = expr.split("/");
    if (more.length > 0) {
        return `too many slashes in "${expr}"`;
    }
    const bounds = range.split("-");
    let start: number | undefined;
    let end: number | undefined;
    if (bounds[0] === "*" || bounds[0] === "?") {
        [start, end] = [field.min, field.max];
    } else if (bounds.length > 2) {
        return `too many hyphens in "${expr}"`;
    } else {
        start = value(bounds[0], field);
        end = bounds.length === 2 ? value(bounds[1], field) : start;
        const bad = [start, end].findIndex((v) => v === undefined);
        if (bad >= 0) {
            return `"${bounds[bad]}" is not a number${field.names ? " or a name" : ""} in the ${field.name} field`;
        }
        if (step !== undefined && bounds.length === 1) {
            end = field.max;
        }
    }
    const s = start as number;
    const e = end as number;
    if (s < 0 || e < 0) {
        return `negative number in "${expr}"`;
    }
    if (step !== undefined) {
        const n = integer(step);
        if (n === undefined || n < 0) {
            return `step "${step}" is not a number in "${expr}"`;
        }
        if (n === 0) {
            return `step of "${expr}" must be a positive number`;
        }
    }
    if (s < field.min) {
        return `${s} is below the ${field.name} minimum ${field.min} in "${expr}"`;
    }
    if (e > field.max) {
        return `${e} is above the ${field.name} maximum ${field.max} in "${expr}"`;
    }
    if (s > e) {
        return `range "${expr}" starts after it ends`;
    }
    return undefined;
}

/** Why Kubernetes would refuse a CronJob schedule, or undefined when it accepts it. */
export function cronProblem(schedule: string): string | undefined {
    if (schedule.includes("TZ")) {
        return "names a time zone, which Kubernetes refuses in a schedule; schedules run in UTC";
    }
    const spec = schedule.trim();
    if (spec.startsWith("@")) {
        if ((CRON_DESCRIPTORS as readonly string[]).includes(spec)) {
            return undefined;
        }
        if (spec.startsWith("@every ")) {
            return GO_DURATION.test(spec.slice("@every ".length)) ? undefined : `has a duration Go cannot read after @every (such as 90s, 15m, 1h30m)`;
        }
        return `is not a schedule descriptor; allowed: ${CRON_DESCRIPTORS.join(", ")}, @every <duration>`;
    }
    const fields = spec.split(/\s+/).filter((f) => f !== "");
    if (fields.length !== 5) {
        return `has ${fields.length} field(s); a schedule has five (minute hour day-of-month month day-of-week) or is a descriptor such as @daily`;
    }
    for (const [i, text] of fields.entries()) {
        for (const expr of text.split(",").filter((e) => e !== "")) {
            const problem = rangeProblem(expr, FIELDS[i]);
            if (problem !== undefined) {
                return `is not a valid schedule: ${problem}`;
            }
        }
    }
    return undefined;
}
