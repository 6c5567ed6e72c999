import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { FINAL_SNAPSHOT_SUFFIX_DIGITS } from "../../lib/naming";

/**
 * The name of the snapshot a data store leaves when it is deleted: its identifier, `-final-` and a random
 * suffix kept in state. A fixed name fails the second destroy of a stack (the first snapshot still holds the
 * name, and snapshots outlive stacks on purpose); the suffix is drawn anew whenever the store is created, so
 * destroy → up → destroy leaves two snapshots side by side.
 */
export function finalSnapshotName(name: string, identifier: string, parent: pulumi.Resource): pulumi.Output<string> {
    const suffix = new random.RandomId(`${name}-final-snapshot`, { byteLength: FINAL_SNAPSHOT_SUFFIX_DIGITS / 2, keepers: { identifier } }, { parent });
    return pulumi.interpolate`${identifier}-final-${suffix.hex}`;
}
