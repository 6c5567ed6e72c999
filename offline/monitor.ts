import * as pulumi from "@pulumi/pulumi";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { deserializeProperties, serializeProperties } from "@pulumi/pulumi/runtime/rpc";

/** Properties in their wire form: secrets, resource references and unknowns as the engine encodes them. */
export type WireProperties = Record<string, unknown>;

/** The gRPC request the SDK sends for a registration; only the getters used offline. */
export interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getRemote(): boolean;
    getProvider(): string;
    getImportid(): string;
    getObject(): { toJavaScript(): WireProperties } | undefined;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (deps: { getUrnsList(): string[] }, key: string) => void): void };
    getProtect(): boolean;
    getIgnorechangesList(): string[];
    getRetainondelete(): boolean;
    getDeletebeforereplace(): boolean;
    getTransformsList(): { getToken(): string }[];
}

/** One answered registration: the request, its inputs and the outputs it was given, in wire form. */
export interface Answered {
    readonly req: RegisterRequest;
    readonly urn: string;
    readonly id: string;
    readonly inputs: WireProperties;
    readonly outputs: WireProperties;
}

/** What the SDK's mock monitor keeps that answering a registration needs (its own fields). */
interface MockMonitorState {
    newUrn(parent: string, type: string, name: string): string;
    readonly resources: Map<string, { urn: string; id: string | null; state: WireProperties }>;
    readonly transformCallbacks: Map<string, pulumi.ResourceTransform>;
    registerResource(req: RegisterRequest, callback: (err: unknown, resp?: unknown) => void): void;
}

/** A Struct stand-in holding properties already in wire form, for code that only calls `toJavaScript`. */
const wireStruct = (props: WireProperties) => ({ toJavaScript: () => props }) as unknown as Parameters<typeof deserializeProperties>[0];

/**
 * Answers the SDK's resource registrations as its mock monitor (`pulumi.runtime.setMocks`) does — the
 * outputs of `mocks.newResource` with the transforms registered for the resource, a URN, the state kept for
 * `getResource` — minus protobuf conversions that nothing needs offline. The mock converts the request's
 * properties from protobuf once to answer and the recorder did again; here that happens once. The mock
 * converts the outputs into a protobuf Struct that the SDK at once converts back; here the response carries
 * the outputs' wire form, which is what that round trip yields for the plain values the fakes return. Each
 * answered registration is passed to `onAnswered` before the SDK sees the response.
 */
export function answerRegistrations(monitor: unknown, mocks: pulumi.runtime.Mocks, onAnswered: (answered: Answered) => void): void {
    const mock = monitor as MockMonitorState;
    mock.registerResource = (req, callback) => {
        answer(mock, mocks, req).then(
            (answered) => {
                onAnswered(answered);
                const response = new resproto.RegisterResourceResponse();
                response.setUrn(answered.urn);
                response.setId(answered.id);
                const outputs = wireStruct(answered.outputs);
                response.getObject = () => outputs;
                callback(null, response);
            },
            (err: unknown) => callback(err, undefined),
        );
    };
}

async function answer(mock: MockMonitorState, mocks: pulumi.runtime.Mocks, req: RegisterRequest): Promise<Answered> {
    const inputs = req.getObject()?.toJavaScript() ?? {};
    const transforms = req
        .getTransformsList()
        .map((t) => mock.transformCallbacks.get(t.getToken()))
        .filter((t): t is pulumi.ResourceTransform => t !== undefined);
    const result = await mocks.newResource({
        type: req.getType(),
        name: req.getName(),
        inputs: deserializeProperties(wireStruct(inputs)),
        provider: req.getProvider(),
        custom: req.getCustom(),
        id: req.getImportid(),
        transforms,
    });
    const urn = mock.newUrn(req.getParent(), req.getType(), req.getName());
    const outputs = await serializeProperties("", result.state);
    mock.resources.set(urn, { urn, id: result.id ?? null, state: outputs });
    return { req, urn, id: result.id ?? "", inputs, outputs };
}
