import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ADDONS } from "../components/addons";

/** What each chart's Helm repository published (tests/fixtures/README.md names the sources). */
const PUBLISHED = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "published-chart-versions.json"), "utf8")) as Record<string, { repository: string; from: string; versions: string[] }>;

describe("add-on charts, against the charts' published data", () => {
    it("pin only versions their repository published, so that Helm can fetch them", () => {
        for (const [key, def] of Object.entries(ADDONS)) {
            const published = PUBLISHED[def.chart];
            assert.ok(published, `${key}: no published versions on file for chart ${def.chart}`);
            assert.equal(def.repository.replace(/\/$/, ""), published.repository.replace(/\/$/, ""), `${key}: repository`);
            assert.ok(published.versions.includes(def.version), `${key}: ${def.chart} ${def.version} is not in ${published.from}; newest there: ${published.versions[0]}`);
        }
    });
});
