import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../harness";

/** Every `.ts` file below a folder. */
function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

/** Fields of exported `…Args` interfaces whose JSDoc does not say "Required" or "Defaults to …". */
function undocumentedArgs(file: string): string[] {
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const missing: string[] = [];
    let current: string | undefined;
    lines.forEach((line, i) => {
        const start = /^export interface (\w+Args)\b/.exec(line);
        if (start) {
            current = start[1];
        } else if (current !== undefined && line.startsWith("}")) {
            current = undefined;
        } else if (current !== undefined) {
            const field = /^ {4}readonly (\w+)/.exec(line);
            if (field) {
                let j = i - 1;
                const doc: string[] = [];
                if (/\*\/\s*$/.test(lines[j])) {
                    while (j > 0 && !lines[j].includes("/**")) {
                        doc.unshift(lines[j--]);
                    }
                    doc.unshift(lines[j]);
                }
                if (!/Required|Defaults to/.test(doc.join(" "))) {
                    missing.push(`${path.relative(ROOT, file)}:${i + 1} ${current}.${field[1]}`);
                }
            }
        }
    });
    return missing;
}

describe("component arguments", () => {
    it("every field of every Args interface says whether it is required or what it defaults to", () => {
        const files = sources(path.join(ROOT, "components"));
        assert.ok(files.length > 20, "found the component sources");
        assert.deepEqual(files.flatMap(undocumentedArgs), []);
    });
});
