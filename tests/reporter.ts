import * as Mocha from "mocha";

/** Mocha's spec reporter, closing with the plain `N passed, N failed` line CI summaries look for. */
class SpecWithTotals extends Mocha.reporters.Spec {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
        super(runner, options);
        runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
            const stats = runner.stats;
            if (stats) {
                console.log(`\n${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped`);
            }
        });
    }
}

export = SpecWithTotals;
