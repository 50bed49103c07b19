// The Node.js build of the package (pkg/node/), as a script or a server would use it.
// Run from www/ after scripts/build-wasm.sh: `node --test node.test.mjs`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import * as serialkit from "../pkg/node/serialkit.js";

test("decode, validate and checkPartial answer as in the browser", () => {
  const report = serialkit.decode("C02TJ0Q7GVC8");
  assert.equal(report.valid, true);
  assert.equal(report.fields.model_id, "MacBookPro13,1");
  const wrong = serialkit.validate("CO2TJ0Q7GVC8", "apple");
  assert.deepEqual([wrong.ok, wrong.problem.start, wrong.problem.end], [false, 1, 2]);
  const partial = serialkit.checkPartial("35-209900-1761", { kind: "imei" });
  assert.equal(partial.state, "incomplete");
});

test("the IEEE registry file loads and names organizations", async () => {
  const bytes = await readFile(new URL("../pkg/ieee-registry.bin", import.meta.url));
  const loaded = serialkit.loadMacRegistry(new Uint8Array(bytes));
  assert.equal(loaded.ok, true);
  assert.ok(loaded.assignments > 30000, String(loaded.assignments));
  const mac = serialkit.decode("00:50:56:ab:cd:ef", { kind: "mac" });
  assert.equal(mac.fields.organization, "VMware, Inc.");
});

test("the package metadata points each environment at its build", async () => {
  const meta = JSON.parse(await readFile(new URL("../pkg/package.json", import.meta.url), "utf8"));
  assert.equal(meta.name, "serialkit");
  assert.equal(meta.exports["."].node, "./node/serialkit.js");
  assert.ok(meta.files.includes("ieee-registry.bin"));
});
