import { strict as assert } from "assert";
import { ConfigError, resolveSettings } from "../../config";

const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];

/** A valid existing three-zone VPC in 10.40.0.0/16; cases change one thing. */
function existing(over: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        vpcId: "vpc-0a1b2c3d4e5f60718",
        availabilityZones: ZONES,
        publicSubnetIds: ["subnet-0aa1aa1aa1aa1aa10", "subnet-0aa2aa2aa2aa2aa20", "subnet-0aa3aa3aa3aa3aa30"],
        privateSubnetIds: ["subnet-0bb1bb1bb1bb1bb10", "subnet-0bb2bb2bb2bb2bb20", "subnet-0bb3bb3bb3bb3bb30"],
        isolatedSubnetIds: ["subnet-0cc1cc1cc1cc1cc10", "subnet-0cc2cc2cc2cc2cc20", "subnet-0cc3cc3cc3cc3cc30"],
        subnetCidrs: {
            public: ["10.40.0.0/24", "10.40.1.0/24", "10.40.2.0/24"],
            private: ["10.40.32.0/19", "10.40.64.0/19", "10.40.96.0/19"],
            isolated: ["10.40.8.0/24", "10.40.9.0/24", "10.40.10.0/24"],
        },
        ...over,
    };
}

const DEPLOY_ROLE = "arn:aws:iam::123456789012:role/platform-deploy";

function problems(environment: string, network: Record<string, unknown>): string[] {
    try {
        resolveSettings({ environment, cluster: { deployRoleArn: DEPLOY_ROLE }, network: { cidr: "10.40.0.0/16", ...network } }, "us-east-1");
        return [];
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
        return (e as Error).message.split("\n").slice(1).map((l) => l.replace(/^ {2}- /, ""));
    }
}

const two = (list: string[]) => list.slice(0, 2);

const invalid: [string, Record<string, unknown>, string][] = [
    ["a VPC ID that is not one", { existing: existing({ vpcId: "my-vpc" }) }, 'platform:network.existing.vpcId: "my-vpc" is not a VPC ID such as vpc-0123456789abcdef0'],
    ["a subnet ID that is not one", { existing: existing({ isolatedSubnetIds: ["subnet-1", "subnet-0cc2cc2cc2cc2cc20", "subnet-0cc3cc3cc3cc3cc30"] }) }, 'platform:network.existing.isolatedSubnetIds[0]: "subnet-1" is not a subnet ID such as subnet-0123456789abcdef0'],
    ["a zone of another region", { existing: existing({ availabilityZones: ["us-east-1a", "us-east-1b", "eu-west-1c"] }) }, 'platform:network.existing.availabilityZones[2]: "eu-west-1c" is not a zone of us-east-1 (aws:region); its zones are named us-east-1a, us-east-1b, …'],
    ["a zone listed twice", { existing: existing({ availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1a"] }) }, 'platform:network.existing.availabilityZones[2]: "us-east-1a" is listed twice; each position of the subnet lists is a zone of its own'],
    ["one zone", { existing: existing({ availabilityZones: ["us-east-1a"] }) }, 'platform:network.existing.availabilityZones: ["us-east-1a"] must have at least 2 item(s)'],
    [
        "a tier with a subnet missing",
        { existing: existing({ privateSubnetIds: ["subnet-0bb1bb1bb1bb1bb10", "subnet-0bb2bb2bb2bb2bb20"] }) },
        'platform:network.existing.privateSubnetIds: ["subnet-0bb1bb1bb1bb1bb10","subnet-0bb2bb2bb2bb2bb20"] has 2 subnet(s); give one private subnet per zone of availabilityZones (3), in the same order',
    ],
    [
        "a subnet in two tiers",
        { existing: existing({ isolatedSubnetIds: ["subnet-0cc1cc1cc1cc1cc10", "subnet-0cc2cc2cc2cc2cc20", "subnet-0bb3bb3bb3bb3bb30"] }) },
        'platform:network.existing.isolatedSubnetIds[2]: "subnet-0bb3bb3bb3bb3bb30" is also platform:network.existing.privateSubnetIds[2]; every tier needs subnets of its own',
    ],
    [
        "a tier's blocks out of step with its subnets",
        { existing: existing({ subnetCidrs: { public: ["10.40.0.0/24", "10.40.1.0/24", "10.40.2.0/24"], private: ["10.40.32.0/19"], isolated: ["10.40.8.0/24", "10.40.9.0/24", "10.40.10.0/24"] } }) },
        'platform:network.existing.subnetCidrs.private: ["10.40.32.0/19"] has 1 block(s) but privateSubnetIds lists 3 subnet(s); give each subnet\'s block, in the same order',
    ],
    [
        "a subnet block outside the VPC",
        { existing: existing({ subnetCidrs: { public: ["10.40.0.0/24", "10.40.1.0/24", "10.41.2.0/24"], private: ["10.40.32.0/19", "10.40.64.0/19", "10.40.96.0/19"], isolated: ["10.40.8.0/24", "10.40.9.0/24", "10.40.10.0/24"] } }) },
        'platform:network.existing.subnetCidrs.public[2]: "10.41.2.0/24" lies outside platform:network.cidr (10.40.0.0/16); set network.cidr to the existing VPC\'s block',
    ],
    [
        "overlapping subnet blocks",
        { existing: existing({ subnetCidrs: { public: ["10.40.0.0/24", "10.40.1.0/24", "10.40.2.0/24"], private: ["10.40.32.0/19", "10.40.64.0/19", "10.40.96.0/19"], isolated: ["10.40.8.0/24", "10.40.9.0/24", "10.40.64.0/24"] } }) },
        'platform:network.existing.subnetCidrs.isolated[2]: "10.40.64.0/24" overlaps platform:network.existing.subnetCidrs.private[1]',
    ],
    ["a zone count that disagrees", { availabilityZones: 2, existing: existing() }, "platform:network.availabilityZones: 2 must be the number of zones platform:network.existing.availabilityZones lists (3), or be left out"],
    [
        "two zones in prod",
        { existing: existing({ availabilityZones: two(ZONES), publicSubnetIds: two(existing().publicSubnetIds as string[]), privateSubnetIds: two(existing().privateSubnetIds as string[]), isolatedSubnetIds: two(existing().isolatedSubnetIds as string[]), subnetCidrs: { public: ["10.40.0.0/24", "10.40.1.0/24"], private: ["10.40.32.0/19", "10.40.64.0/19"], isolated: ["10.40.8.0/24", "10.40.9.0/24"] } }) },
        "platform:network.availabilityZones: 2 is too few for prod; prod spreads over 3 zones",
    ],
    ["a block no VPC can have", { cidr: "10.40.0.0/29", existing: existing() }, 'platform:network.cidr: "10.40.0.0/29" is smaller than a VPC may be; give the existing VPC\'s block (/16 to /28)'],
];

describe("config: an existing VPC", () => {
    for (const [title, network, expected] of invalid) {
        it(`rejects ${title}`, () => {
            const found = problems("prod", network);
            assert.ok(found.includes(expected), `expected:\n  ${expected}\ngot:\n  ${found.join("\n  ")}`);
        });
    }

    it("accepts a valid VPC and takes the number of zones from it", () => {
        assert.deepEqual(problems("prod", { existing: existing() }), []);
        const dev = resolveSettings({ environment: "dev", cluster: { deployRoleArn: DEPLOY_ROLE }, network: { cidr: "10.40.0.0/16", existing: existing() } }, "us-east-1");
        assert.equal(dev.network.availabilityZones, 3, "dev's profile says 2; the VPC's three zones win");
    });

    it("accepts an existing VPC smaller than one the stack would create", () => {
        const small = existing({
            subnetCidrs: {
                public: ["10.40.0.0/27", "10.40.0.32/27", "10.40.0.64/27"],
                private: ["10.40.1.0/26", "10.40.1.64/26", "10.40.1.128/26"],
                isolated: ["10.40.0.96/28", "10.40.0.112/28", "10.40.0.128/28"],
            },
        });
        assert.deepEqual(problems("prod", { cidr: "10.40.0.0/22", existing: small }), []);
        assert.ok(problems("prod", { cidr: "10.40.0.0/22" }).some((p) => p.includes("is too small")), "a VPC the stack creates still needs room");
    });
});
