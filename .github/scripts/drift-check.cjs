#!/usr/bin/env node
// Does the cloud still match a stack's state? Runs `pulumi refresh --preview-only --json` and writes a
// summary for the issue step: { stack, status: "drifted" | "in-sync" | "failed", changes, message }.
// A refresh that fails, or whose output cannot be read, is "failed", never "in-sync": the issue step must
// not close a drift issue on a check that did not run.
//
// Usage: node drift-check.cjs <org>/<stack> <summary file>
// Exit: 0 when the check ran (drifted or in sync), 1 when it failed.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

/**
 * Reads the JSON that `pulumi refresh --preview-only --json` prints: a preview digest whose changeSummary
 * counts resources by operation ("same" when a resource matches). Steps that delete, or update with a
 * detailed diff, are the resources that drifted; other steps are listed only by the summary counts.
 */
function summarize(stack, stdout, exitCode, stderr) {
    if (exitCode !== 0) {
        return { stack, status: "failed", changes: [], message: `pulumi refresh exited ${exitCode}: ${lastLine(stderr) || lastLine(stdout) || "no output"}` };
    }
    let digest;
    try {
        digest = JSON.parse(stdout);
    } catch (e) {
        return { stack, status: "failed", changes: [], message: `the refresh output is not JSON (${e.message})` };
    }
    const counts = digest && typeof digest === "object" ? digest.changeSummary : undefined;
    if (!counts || typeof counts !== "object") {
        return { stack, status: "failed", changes: [], message: "the refresh output has no changeSummary" };
    }
    const changed = Object.entries(counts).filter(([op, n]) => op !== "same" && Number(n) > 0);
    const steps = Array.isArray(digest.steps) ? digest.steps : [];
    const changes = steps
        .filter((s) => s && (s.op === "delete" || (s.op === "update" && s.detailedDiff && Object.keys(s.detailedDiff).length > 0)))
        .map((s) => ({ urn: String(s.urn), op: s.op, properties: s.detailedDiff ? Object.keys(s.detailedDiff) : [] }));
    if (changed.length === 0) {
        return { stack, status: "in-sync", changes: [], message: "" };
    }
    return { stack, status: "drifted", changes, message: changed.map(([op, n]) => `${n} to ${op}`).join(", ") };
}

function lastLine(text) {
    return String(text ?? "").trim().split("\n").filter(Boolean).slice(-1)[0] ?? "";
}

if (require.main === module) {
    const [stackRef, out] = process.argv.slice(2);
    if (!stackRef || !out) {
        console.error("usage: drift-check.cjs <org>/<stack> <summary file>");
        process.exit(2);
    }
    const stack = stackRef.split("/").pop();
    const run = spawnSync("pulumi", ["refresh", "--preview-only", "--json", "--non-interactive", "--stack", stackRef], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const exitCode = run.error ? 127 : run.status ?? 1;
    const summary = summarize(stack, run.stdout, exitCode, run.error ? run.error.message : run.stderr);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`${stack}: ${summary.status}${summary.message ? ` (${summary.message})` : ""}`);
    process.exit(summary.status === "failed" ? 1 : 0);
}

module.exports = { summarize };
