#!/usr/bin/env node
// Names each stack's in-VPC runner for `runs-on:`, from the repository variable CI_RUNNER_PROJECTS
// (a JSON object: stack name -> CodeBuild project that platform:ci creates), and fails with a message
// that says what to set when it cannot.
//
// Usage: node in-vpc-runners.cjs [--optional] <stack>...
//   --optional   skip stacks without a runner (with a notice) instead of failing
// Writes to $GITHUB_OUTPUT: runners (JSON object of the stacks found), stacks (JSON list),
// runner (the first stack's project, for single-stack workflows).
"use strict";
const fs = require("fs");

// CodeBuild's constraint on project names (API Reference, CreateProject, name): it also keeps the
// runs-on label to one label of safe characters.
const PROJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{1,254}$/;

/** @returns {{ runners: Record<string, string>, notices: string[], errors: string[] }} */
function resolve(raw, stacks, optional) {
    const notices = [];
    const errors = [];
    const runners = {};
    let table;
    if (raw === undefined || raw.trim() === "") {
        table = {};
    } else {
        try {
            table = JSON.parse(raw);
        } catch (e) {
            return { runners, notices, errors: [`CI_RUNNER_PROJECTS is not JSON (${e.message}); set it to an object such as {"dev": "<CodeBuild project>"}`] };
        }
        if (table === null || typeof table !== "object" || Array.isArray(table)) {
            return { runners, notices, errors: [`CI_RUNNER_PROJECTS must be a JSON object of stack name to CodeBuild project, not ${JSON.stringify(table)}`] };
        }
    }
    for (const stack of stacks) {
        const project = table[stack];
        if (project === undefined || project === null || project === "") {
            const message = `stack ${stack} has no in-VPC runner: add "${stack}": "<CodeBuild project of its platform:ci>" to the repository variable CI_RUNNER_PROJECTS (a new stack is bootstrapped by running Deploy by hand with bootstrap ticked)`;
            (optional ? notices : errors).push(message);
        } else if (typeof project !== "string" || !PROJECT_NAME.test(project)) {
            errors.push(`CI_RUNNER_PROJECTS.${stack} is ${JSON.stringify(project)}: a CodeBuild project name is 2-255 letters, digits, - and _, starting with a letter or digit`);
        } else {
            runners[stack] = project;
        }
    }
    return { runners, notices, errors };
}

if (require.main === module) {
    const args = process.argv.slice(2);
    const optional = args.includes("--optional");
    const stacks = args.filter((a) => a !== "--optional");
    if (stacks.length === 0) {
        console.error("usage: in-vpc-runners.cjs [--optional] <stack>...");
        process.exit(2);
    }
    const { runners, notices, errors } = resolve(process.env.CI_RUNNER_PROJECTS, stacks, optional);
    notices.forEach((m) => console.log(`::notice::${m}`));
    errors.forEach((m) => console.log(`::error::${m}`));
    if (errors.length > 0) {
        process.exit(1);
    }
    const found = Object.keys(runners);
    const lines = [`runners=${JSON.stringify(runners)}`, `stacks=${JSON.stringify(found)}`, `runner=${found.length > 0 ? runners[found[0]] : ""}`];
    if (process.env.GITHUB_OUTPUT) {
        fs.appendFileSync(process.env.GITHUB_OUTPUT, `${lines.join("\n")}\n`);
    }
    console.log(lines.join("\n"));
}

module.exports = { resolve };
