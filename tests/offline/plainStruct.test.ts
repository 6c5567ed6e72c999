import { strict as assert } from "assert";
import * as path from "path";
import { structValue, withPlainStructs } from "../../offline/plainStruct";

interface Struct {
    toJavaScript(): Record<string, unknown>;
    getFieldsMap(): { getLength(): number };
    serializeBinary(): Uint8Array;
}
const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
// The SDK's own copy of protobuf's Struct, which the program's registrations go through.
const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [sdk] })) as {
    Struct: { fromJavaScript(value: unknown): Struct };
};

/** What protobuf itself makes of a value: a Struct built and read back. */
const roundTrip = (value: unknown) => Struct.fromJavaScript(value).toJavaScript();

class WithInherited {
    own = 1;
}
(WithInherited.prototype as unknown as Record<string, unknown>).inherited = "from the prototype";

const SAMPLES: Record<string, unknown> = {
    "scalars": { s: "text", n: 1.5, negative: -0, big: 2 ** 60, t: true, f: false, nothing: null, empty: "" },
    "keys in an order protobuf sorts": { zeta: 1, Alpha: 2, alpha: 3, "10": 4, "9": 5, "é": 6, "-": 7, "": 8 },
    "nesting": { a: [1, "two", null, [3, [4]], { z: { y: [] } }], b: {}, c: [[]] },
    "a registration's wire form": {
        metadata: { name: "api", labels: { "app.kubernetes.io/name": "api" } },
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        value: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    },
    "an instance with an inherited enumerable key": new WithInherited(),
};

describe("plain Structs: what protobuf's round trip yields, without building it", () => {
    for (const [name, value] of Object.entries(SAMPLES)) {
        it(`${name}: the same value, with its keys in the same order`, () => {
            const expected = roundTrip(value);
            assert.deepEqual(structValue(value), expected);
            assert.equal(JSON.stringify(structValue(value)), JSON.stringify(expected));
        });
    }

    for (const [name, value] of Object.entries({
        "undefined field": { a: undefined },
        "undefined in a list": { a: [1, undefined] },
        "a hole in a list": { a: [1, , 3] },
        "function": { a: () => 1 },
        "symbol": { a: Symbol("s") },
        "bigint": { a: BigInt(1) },
    })) {
        it(`refuses what protobuf refuses: ${name}`, () => {
            assert.throws(() => roundTrip(value), /Unexpected struct type/);
            assert.throws(() => structValue(value), /Unexpected struct type/);
        });
    }

    it("while installed, Structs read back, list their fields and serialize as protobuf's own; once restored, protobuf's own again", () => {
        const value = SAMPLES["a registration's wire form"] as Record<string, unknown>;
        const real = Struct.fromJavaScript(value);
        const restore = withPlainStructs();
        let plain: Struct;
        try {
            plain = Struct.fromJavaScript(value);
            assert.notEqual(plain.constructor, real.constructor);
            const first = plain.toJavaScript();
            assert.deepEqual(first, real.toJavaScript());
            const second = plain.toJavaScript();
            assert.deepEqual(second, first);
            assert.notEqual(second, first, "every read after the first gets its own copy, as from protobuf");
            assert.equal(plain.getFieldsMap().getLength(), real.getFieldsMap().getLength());
            assert.deepEqual([...plain.serializeBinary()], [...real.serializeBinary()]);
            assert.throws(() => Struct.fromJavaScript({ a: undefined }), /Unexpected struct type/);
        } finally {
            restore();
        }
        assert.equal(Struct.fromJavaScript(value).constructor, real.constructor);
    });
});
