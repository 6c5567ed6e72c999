import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { serializeProperties } from "@pulumi/pulumi/runtime/rpc";
import { Answered, answerRegistrations } from "../../offline/monitor";

const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as { Struct: { fromJavaScript(v: Record<string, unknown>): unknown } };

type Callback = (err: unknown, resp?: { getUrn(): string; getId(): string; getObject(): { toJavaScript(): Record<string, unknown> } | undefined }) => void;
type Registering = { registerResource(req: unknown, cb: Callback): void; resources: Map<string, unknown> };

/** A registration request as the SDK sends it: its inputs serialized to wire form, in a protobuf Struct. */
async function request(type: string, name: string, inputs: Record<string, unknown>, parent = ""): Promise<unknown> {
    const req = new resproto.RegisterResourceRequest();
    req.setType(type);
    req.setName(name);
    req.setParent(parent);
    req.setCustom(true);
    req.setObject(Struct.fromJavaScript(await serializeProperties("test", inputs)) as never);
    return req;
}

const register = (monitor: Registering, req: unknown) =>
    new Promise<Parameters<Callback>[1]>((resolve, reject) => monitor.registerResource(req, (err, resp) => (err ? reject(err as Error) : resolve(resp))));

describe("offline monitor: registrations answered as the SDK's mock monitor answers them", () => {
    // Outputs of the kinds the fakes return, and the wire forms the SDK gives secrets and nested values.
    const states: Record<string, Record<string, unknown>> = {
        plain: { arn: "arn:aws:iam::123456789012:role/x", port: 5432, enabled: true, none: null, tags: { a: "b" } },
        nested: { spec: { containers: [{ name: "app", ports: [{ containerPort: 8080 }] }], list: [1, "two", [3]] }, empty: {}, emptyList: [] },
        secret: { password: pulumi.secret("hunter2"), nested: { token: pulumi.secret({ a: 1 }) } },
    };
    const newResource = async (args: pulumi.runtime.MockResourceArgs) => ({ id: `${args.name}-id`, state: { ...states[args.name], inputs: args.inputs } });
    const mocks: pulumi.runtime.Mocks = { newResource, call: () => ({}) };

    for (const name of Object.keys(states)) {
        it(`${name}: the same URN, id, outputs and kept state, with the inputs the SDK sent`, async () => {
            const inputs = { name, count: 3, labels: { app: name }, secretInput: pulumi.secret("s"), list: [{ a: 1 }, "b"] };
            const sdk = new MockMonitor(mocks) as unknown as Registering;
            const ours = new MockMonitor(mocks) as unknown as Registering;
            const answered: Answered[] = [];
            answerRegistrations(ours, mocks, (a) => answered.push(a));

            const expected = await register(sdk, await request("aws:iam/role:Role", name, inputs));
            const actual = await register(ours, await request("aws:iam/role:Role", name, inputs));

            assert.equal(actual?.getUrn(), expected?.getUrn());
            assert.equal(actual?.getId(), expected?.getId());
            assert.deepEqual(actual?.getObject()?.toJavaScript(), expected?.getObject()?.toJavaScript());
            assert.deepEqual(ours.resources, sdk.resources);
            assert.equal(answered.length, 1);
            assert.deepEqual(answered[0].outputs, expected?.getObject()?.toJavaScript());
            assert.deepEqual(answered[0].inputs, await serializeProperties("test", inputs));
        });
    }

    it("passes a failing registration's error to the SDK", async () => {
        const failing: pulumi.runtime.Mocks = { newResource: () => Promise.reject(new Error("no fake for this type")), call: () => ({}) };
        const monitor = new MockMonitor(failing) as unknown as Registering;
        const answered: Answered[] = [];
        answerRegistrations(monitor, failing, (a) => answered.push(a));
        await assert.rejects(register(monitor, await request("aws:x/y:Z", "z", {})), /no fake for this type/);
        assert.equal(answered.length, 0);
    });
});
