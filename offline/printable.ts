/**
 * How a secret prints wherever the offline run shows inputs and outputs. Kept apart from ./run so that
 * readers of recorded objects (the manifest worker) need not load the Pulumi SDK that ./run drives.
 */
export const SECRET = "[secret]";
