import { strict as assert } from "assert";
import { PROFILES } from "../../../config/profiles";
import { FINAL_SNAPSHOT_SUFFIX_DIGITS } from "../../../lib/naming";
import type { ProgramRun } from "../../../offline/run";
import { ofType, one, stackRun, variantRun } from "../../harness";

/**
 * destroy → up → destroy of a dev stack: what a destroy leaves behind must not stand in the way of the
 * rebuild (secret names held by a recovery window) or of the next destroy (a final snapshot name taken).
 */

/** The final snapshot names of a run, each with the random value it is built from. */
function finalSnapshots(run: ProgramRun): { store: string; name: string; suffix: string }[] {
    const stores = [...ofType(run, "aws:rds/instance:Instance"), ...ofType(run, "aws:elasticache/replicationGroup:ReplicationGroup")];
    return stores
        .filter((r) => r.inputs.finalSnapshotIdentifier !== undefined)
        .map((r) => {
            const component = run.resources.find((c) => c.urn === r.parent);
            const suffix = one(run, "random:index/randomId:RandomId", `${component?.name}-final-snapshot`);
            assert.equal(suffix.parent, r.parent, "the suffix belongs to the store");
            return { store: r.name, name: String(r.inputs.finalSnapshotIdentifier), suffix: String(suffix.outputs.hex) };
        });
}

describe("rebuild: a stack survives destroy, up and destroy again", () => {
    for (const [stack, stores] of [["dev", 1], ["prod", 2]] as const) {
        it(`${stack}: every final snapshot is named with a random suffix kept in state, drawn anew for each store created`, async () => {
            const snapshots = finalSnapshots(await stackRun(stack));
            assert.equal(snapshots.length, stores, snapshots.map((s) => s.store).join(", "));
            for (const s of snapshots) {
                assert.match(s.suffix, new RegExp(`^[0-9a-f]{${FINAL_SNAPSHOT_SUFFIX_DIGITS}}$`));
                assert.ok(s.name.endsWith(`-final-${s.suffix}`), s.name);
            }
        });
    }

    it("dev deletes its secrets at once, so a rebuild can take the same names; the profile decides, not the component", async () => {
        assert.equal(PROFILES.dev.secrets.recoveryWindowDays, 0);
        const dev = ofType(await stackRun("dev"), "aws:secretsmanager/secret:Secret");
        assert.ok(dev.length >= 5);
        assert.deepEqual([...new Set(dev.map((s) => s.inputs.recoveryWindowInDays))], [0]);
        const kept = ofType(await variantRun("dev", { "platform:secrets": { recoveryWindowDays: 7 } }), "aws:secretsmanager/secret:Secret");
        assert.deepEqual([...new Set(kept.map((s) => s.inputs.recoveryWindowInDays))], [7], "a dev stack may choose a window");
    });
});
