// Runs the script of an actions/github-script step the way the action does (an async function of github,
// context, core and require), against an in-memory repository, so that tests exercise the workflow's own
// code rather than a copy of it.

/** What the script logged and whether it failed the step. */
export interface CoreLog {
    readonly info: string[];
    readonly notices: string[];
    readonly failed: string[];
}

export interface PullRequest {
    readonly number: number;
    readonly state: "open" | "closed";
    readonly head: { sha: string; ref: string; repo: { full_name: string; owner: { login: string } } | null };
    readonly base: { repo: { full_name: string } };
}

export interface Issue {
    readonly number: number;
    title: string;
    body: string;
    state: "open" | "closed";
    state_reason?: string;
    readonly user: { login: string };
    readonly pull_request?: object;
}

export interface Comment {
    readonly id: number;
    readonly issue_number: number;
    body: string;
    readonly user: { login: string; type: string };
}

/** A GitHub error as Octokit raises it. */
class HttpError extends Error {
    constructor(
        readonly status: number,
        message: string,
    ) {
        super(message);
    }
}

export const BOT = "github-actions[bot]";

/**
 * The slice of the REST API the workflows' scripts call, over one repository's pull requests, issues and
 * comments (pull requests share the issue numbering, as on GitHub). Every write is kept in `writes`.
 */
export class FakeGitHub {
    readonly writes: { method: string; number: number; body?: string; state?: string }[] = [];
    private nextComment = 1000;

    constructor(
        readonly repo: string,
        readonly pulls: PullRequest[] = [],
        readonly issues: Issue[] = [],
        readonly comments: Comment[] = [],
    ) {}

    private issue(number: number): Issue | PullRequest {
        const found = this.issues.find((i) => i.number === number) ?? this.pulls.find((p) => p.number === number);
        if (!found) {
            throw new HttpError(404, `no issue #${number}`);
        }
        return found;
    }

    readonly paginate = async <P, T>(fn: (params: P) => Promise<{ data: T[] }>, params: P): Promise<T[]> => (await fn(params)).data;

    readonly rest = {
        pulls: {
            list: async (p: { state: string; head?: string }) => ({
                data: this.pulls.filter((x) => x.state === p.state && (p.head === undefined || `${x.head.repo?.owner.login}:${x.head.ref}` === p.head)),
            }),
            get: async (p: { pull_number: number }) => {
                const pr = this.pulls.find((x) => x.number === p.pull_number);
                if (!pr) {
                    throw new HttpError(404, `no pull request #${p.pull_number}`);
                }
                return { data: pr };
            },
        },
        issues: {
            listComments: async (p: { issue_number: number }) => {
                this.issue(p.issue_number);
                return { data: this.comments.filter((c) => c.issue_number === p.issue_number) };
            },
            createComment: async (p: { issue_number: number; body: string }) => {
                this.issue(p.issue_number);
                const comment = { id: this.nextComment++, issue_number: p.issue_number, body: p.body, user: { login: BOT, type: "Bot" } };
                this.comments.push(comment);
                this.writes.push({ method: "createComment", number: p.issue_number, body: p.body });
                return { data: comment };
            },
            updateComment: async (p: { comment_id: number; body: string }) => {
                const comment = this.comments.find((c) => c.id === p.comment_id);
                if (!comment) {
                    throw new HttpError(404, `no comment ${p.comment_id}`);
                }
                comment.body = p.body;
                this.writes.push({ method: "updateComment", number: comment.issue_number, body: p.body });
                return { data: comment };
            },
            listForRepo: async (p: { state: string; creator?: string }) => ({
                data: this.issues.filter((i) => i.state === p.state && (p.creator === undefined || i.user.login === p.creator)),
            }),
            create: async (p: { title: string; body: string }) => {
                const number = Math.max(0, ...this.issues.map((i) => i.number), ...this.pulls.map((x) => x.number)) + 1;
                const issue: Issue = { number, title: p.title, body: p.body, state: "open", user: { login: BOT } };
                this.issues.push(issue);
                this.writes.push({ method: "create", number, body: p.body });
                return { data: issue };
            },
            update: async (p: { issue_number: number; body?: string; state?: "open" | "closed"; state_reason?: string }) => {
                const issue = this.issues.find((i) => i.number === p.issue_number);
                if (!issue) {
                    throw new HttpError(404, `no issue #${p.issue_number}`);
                }
                if (p.body !== undefined) {
                    issue.body = p.body;
                }
                if (p.state !== undefined) {
                    issue.state = p.state;
                    issue.state_reason = p.state_reason;
                }
                this.writes.push({ method: "update", number: p.issue_number, body: p.body, state: p.state });
                return { data: issue };
            },
        },
    };
}

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<unknown>;

/** Runs a github-script body with the given event payload and environment; resolves to what it logged. */
export async function runGithubScript(script: string, github: FakeGitHub, payload: Record<string, unknown>, env: Record<string, string>): Promise<CoreLog> {
    const log = { info: [] as string[], notices: [] as string[], failed: [] as string[] };
    const core = {
        info: (m: string) => log.info.push(m),
        notice: (m: string) => log.notices.push(m),
        warning: (m: string) => log.info.push(m),
        setFailed: (m: string) => log.failed.push(m),
    };
    const [owner, repo] = github.repo.split("/");
    const context = { payload, repo: { owner, repo }, serverUrl: "https://github.com", runId: 4242 };
    const fn = new AsyncFunction("require", "github", "context", "core", "process", script);
    await fn(require, github, context, core, { env });
    return log;
}
