"use strict";
/**
 * The Pulumi SDK passes every promise it makes (about 30 per resource: 100,000 for a plan of 100 services)
 * through `debuggablePromise`, which tags it with an id, a label and a stack trace, and keeps it in a set
 * until it settles so that the process can report promises still pending at exit. The tags are read only
 * to print those promises when PULUMI_DEBUG_PROMISE_LEAKS is set; taking the stack trace and defining the
 * three properties was about a tenth of such a plan's CPU time.
 *
 * Without that variable (read as the SDK reads it), this replaces the function with one that does the
 * rest as the SDK does: the first call goes to the SDK's own (which schedules the leak check at exit), and
 * every promise is kept in the run's set of leak candidates until it settles, through the same `then` and
 * `catch`, so promises settle in the same order, and a rejection still carries its promise. A program that
 * leaves a promise pending still fails at exit with the SDK's message, which says to set the variable for
 * details. The SDK's modules call the function through the module's exports, so replacing the export reaches
 * every caller, including modules loaded before this one (in `pulumi preview`, the SDK's run harness).
 */
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const sdk = (module) => require(require.resolve(`@pulumi/pulumi/runtime/${module}`, { paths: [ROOT] }));

/** Replaces `debuggable.debuggablePromise` as described above; returns whether it did. */
function untagged(debuggable, state) {
    if (debuggable.debugPromiseLeaks || typeof debuggable.debuggablePromise !== "function" || typeof state.getStore !== "function") {
        return false;
    }
    const tagged = debuggable.debuggablePromise;
    let first = true;
    debuggable.debuggablePromise = function debuggablePromise(p, ctx) {
        if (first) {
            first = false;
            return tagged(p, ctx);
        }
        const store = state.getStore();
        store.leakCandidates.add(p);
        return p
            .then((value) => {
                store.leakCandidates.delete(p);
                return value;
            })
            .catch((err) => {
                store.leakCandidates.delete(p);
                err.promise = p;
                throw err;
            });
    };
    return true;
}

module.exports = { untagged };

untagged(sdk("debuggable"), sdk("state"));
