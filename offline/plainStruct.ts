import * as path from "path";

/**
 * The SDK converts every registration's serialized inputs (and each component's outputs, and each call's
 * arguments) into a protobuf `Struct` for the engine, and the mock monitor at once converts it back with
 * `toJavaScript()`. Offline nothing else reads those Structs, and building them is a fifth of a large
 * program's run. {@link withPlainStructs} makes `Struct.fromJavaScript` keep the plain value that round trip
 * yields ({@link structValue}: the same checks, the same sorted keys) and build protobuf fields only when
 * something asks for them (`getFieldsMap`, and through it `serializeBinary` and `toObject`).
 */

/**
 * What `Struct.fromJavaScript(value).toJavaScript()` returns, without building the Struct: strings,
 * numbers, booleans and null as they are, arrays element by element, objects with their enumerable keys
 * (inherited ones included, as `for…in` sees them) in sorted order, as protobuf's map iterates them.
 * Throws, as protobuf does, on anything else (undefined, a function, a symbol, a bigint).
 */
export function structValue(value: unknown): unknown {
    switch (typeof value) {
        case "string":
        case "number":
        case "boolean":
            return value;
        case "object": {
            if (value === null) {
                return null;
            }
            if (Array.isArray(value)) {
                const list = new Array<unknown>(value.length);
                for (let i = 0; i < value.length; i++) {
                    list[i] = structValue(value[i]);
                }
                return list;
            }
            const keys: string[] = [];
            for (const key in value) {
                keys.push(key);
            }
            keys.sort();
            const fields: Record<string, unknown> = {};
            for (const key of keys) {
                fields[key] = structValue((value as Record<string, unknown>)[key]);
            }
            return fields;
        }
        default:
            throw new Error("Unexpected struct type.");
    }
}

/** The parts of google-protobuf's Struct class used here. */
interface StructClass {
    new (): StructInstance;
    fromJavaScript(value: Record<string, unknown>): StructInstance;
    prototype: StructInstance;
}

interface StructInstance {
    getFieldsMap(noLazyCreate?: boolean): { set(key: string, value: unknown): unknown };
    toJavaScript(): Record<string, unknown>;
}

interface ValueClass {
    fromJavaScript(value: unknown): unknown;
}

/** google-protobuf's struct module as the SDK loads it (the SDK's own copy, wherever npm put it). */
function sdkStructModule(): { Struct: StructClass; Value: ValueClass } {
    const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    return require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [sdk] })) as { Struct: StructClass; Value: ValueClass };
}

/**
 * Until the returned function is called, `Struct.fromJavaScript` returns a Struct that holds
 * {@link structValue} of its argument: `toJavaScript()` returns that value (a fresh copy after the first
 * call, as protobuf returns a new object each time), and its protobuf fields are built from it the first
 * time `getFieldsMap` is called. Unlike protobuf's, the first value handed out is the one held, so it must
 * be read, not changed: the SDK's `deserializeProperties` and the offline monitor only read it. Its raw array (`toArray`, which a parent message's setter stores) stays empty:
 * only sending the parent over gRPC would read it, which an offline run never does.
 */
export function withPlainStructs(): () => void {
    const { Struct, Value } = sdkStructModule();
    const original = Object.getOwnPropertyDescriptor(Struct, "fromJavaScript") as PropertyDescriptor;

    class PlainStruct extends Struct {
        private readonly plain: Record<string, unknown>;
        private handedOut = false;
        private built = false;

        constructor(plain: Record<string, unknown>) {
            super();
            this.plain = plain;
        }

        override toJavaScript(): Record<string, unknown> {
            if (this.handedOut) {
                return structValue(this.plain) as Record<string, unknown>;
            }
            this.handedOut = true;
            return this.plain;
        }

        override getFieldsMap(noLazyCreate?: boolean): ReturnType<StructInstance["getFieldsMap"]> {
            if (!this.built) {
                this.built = true;
                const fields = super.getFieldsMap();
                for (const key of Object.keys(this.plain)) {
                    fields.set(key, Value.fromJavaScript(this.plain[key]));
                }
            }
            return super.getFieldsMap(noLazyCreate);
        }
    }

    Struct.fromJavaScript = (value: Record<string, unknown>) => new PlainStruct(structValue(value) as Record<string, unknown>);
    return () => {
        Object.defineProperty(Struct, "fromJavaScript", original);
    };
}
