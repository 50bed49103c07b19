// End-to-end test of the asset-intake page in Debian's Chromium, driven by playwright-core.
// Run from www/ after building pkg/: `node --test e2e.test.mjs` (scripts/test-wasm.sh does both).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";

const TARGET = fileURLToPath(new URL("../target/", import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
// Playwright gives every launch a fresh, empty profile; these keep Chromium off the network.
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

let server;
let browser;
let page;
const consoleErrors = [];

before(async () => {
  server = await serve(0);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  page = await browser.newPage();
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 });
});

after(async () => {
  await browser?.close();
  server?.close();
});

const field = () => page.locator("#serial-field");
const serial = () => page.locator("#serial");

async function retype(value) {
  await serial().fill("");
  await serial().focus();
  for (const c of value) await page.keyboard.type(c);
}

test("vendors come from listVendors", async () => {
  const ids = await page.locator("#vendor option").evaluateAll((os) => os.map((o) => o.value));
  assert.ok(ids.includes("") && ids.includes("apple") && ids.includes("cisco"), ids.join(","));
});

test("an Apple serial is incomplete while typed, then valid and decoded", async () => {
  await page.locator("#vendor").selectOption("apple");
  await serial().fill("");
  await serial().focus();
  const value = "C02TJ0Q7GVC8";
  const states = [];
  for (let i = 0; i < value.length; i++) {
    await page.keyboard.type(value[i]);
    const state = await field().getAttribute("data-state");
    states.push(state);
    assert.equal(await serial().getAttribute("aria-invalid"), "false", `after '${value.slice(0, i + 1)}'`);
    if (state === "incomplete") assert.match(await page.locator("#serial-status").innerText(), /^Incomplete: at least/);
  }
  // Never invalid on the way; the first ten characters already form a valid apple-10 serial.
  const I = "incomplete";
  assert.deepEqual(states, [I, I, I, I, I, I, I, I, I, "valid", I, "valid"]);
  assert.equal(await page.locator("#serial-status").innerText(), "Valid apple serial (apple-12).");
  assert.equal(await page.locator("#decoded").isVisible(), true);
  const fact = (name) => page.locator(`#decoded-facts dd[data-field="${name}"]`).innerText();
  assert.equal(await fact("Vendor"), "apple");
  assert.equal(await fact("Plant"), "C02");
  assert.equal(await fact("Year"), "2017");
  assert.equal(await fact("Week"), "15");
  assert.equal(await fact("Model"), "MacBook Pro (13-inch, 2016, Two Thunderbolt 3 ports)");
  assert.equal(await fact("Model id"), "MacBookPro13,1");
  assert.equal(await page.locator("#serial-mirror mark").count(), 0);
});

test("a letter O in the plant is marked in place with a hint", async () => {
  await page.locator("#vendor").selectOption("apple");
  await retype("CO2");
  assert.equal(await field().getAttribute("data-state"), "invalid");
  assert.equal(await serial().getAttribute("aria-invalid"), "true");
  const describedBy = (await serial().getAttribute("aria-describedby")).split(" ");
  assert.deepEqual(describedBy, ["serial-status", "serial-hint"]);
  const mark = page.locator("#serial-mirror mark");
  assert.equal(await mark.count(), 1);
  assert.equal(await mark.innerText(), "O");
  assert.equal(await page.locator("#serial-mirror").innerText(), "CO2");
  // The mark sits under the second character of the input.
  const [input, box] = [await serial().boundingBox(), await mark.boundingBox()];
  assert.ok(box.x > input.x + 10 && box.x < input.x + input.width / 2, JSON.stringify({ input, box }));
  assert.match(await page.locator("#serial-status").innerText(), /^Invalid: 'O' cannot appear in /);
  assert.equal(await page.locator("#serial-hint").innerText(), "Apple serials never contain O — did you mean 0?");
  assert.equal(await page.locator("#decoded").isVisible(), false);
});

test("a pasted list is grouped into duplicates by the worker", async () => {
  const list = [
    "C02TJ0Q7GVC8",
    "FVFXC2MHHV29",
    "c02tj0q7gvc8",
    "",
    "JAE2445044T",
    "CO2TJ0Q7GVC8",
    " jae2445044t ",
    "SN-0001",
  ].join("\n");
  const before = await page.evaluate(() => document.body.dataset.dupes ?? "0");
  await page.locator("#list").focus();
  await page.locator("#list").fill(list);
  await page.waitForFunction((b) => (document.body.dataset.dupes ?? "0") !== b, before);
  const groups = await page.locator("#groups li").evaluateAll((lis) =>
    lis.map((li) => ({ kind: li.dataset.kind, values: [...li.querySelectorAll("code")].map((c) => c.textContent) })),
  );
  // Surest first: the exact pair, then the look-alike group.
  assert.deepEqual(groups, [
    { kind: "exact", values: ["JAE2445044T", "jae2445044t"] },
    { kind: "near", values: ["C02TJ0Q7GVC8", "c02tj0q7gvc8", "CO2TJ0Q7GVC8"] },
  ]);
  assert.match(await page.locator("#dupes-status").innerText(), /^7 lines, 2 duplicate groups/);
});

test("the MAC field fetches the IEEE registries only once it holds a MAC address", async () => {
  const fetched = () =>
    page.evaluate(() => performance.getEntriesByType("resource").some((e) => e.name.endsWith("/ieee-registry.bin")));
  assert.equal(await fetched(), false);
  await page.locator("#mac").fill("00:50:56:ab:cd:ef");
  await page.waitForSelector("body[data-mac-registry]", { timeout: 20_000 });
  assert.equal(await page.evaluate(() => document.body.dataset.macRegistry), "loaded");
  assert.equal(await fetched(), true);
  assert.equal(await page.locator("#mac-status").innerText(), "Valid MAC address 00:50:56:AB:CD:EF.");
  assert.equal(await page.locator("#mac-org").innerText(), "VMware, Inc. (MA-L)");
  await page.locator("#mac").fill("70-B3-D5-F2-F0-01");
  assert.equal(await page.locator("#mac-org").innerText(), "TELEPLATFORMS (MA-S)");
  await page.locator("#mac").fill("da:a1:19:00:00:01");
  assert.equal(await page.locator("#mac-org").innerText(), "Locally administered: no registered organization.");
});

test("screenshot and per-keystroke time", async (t) => {
  await page.locator("#vendor").selectOption("apple");
  await retype("CO2TJ0Q7GVC8");
  await mkdir(TARGET, { recursive: true });
  await page.screenshot({ path: `${TARGET}e2e-screenshot.png`, fullPage: true });
  await retype("C02TJ0Q7GVC8");
  const stats = await page.evaluate(() => window.serialkitStats);
  const keys = stats.keystrokes;
  const mean = keys.reduce((a, b) => a + b, 0) / keys.length;
  const result = {
    bench: stats.bench,
    keystrokes: keys.length,
    keystrokeMeanMs: mean,
    keystrokeMaxMs: Math.max(...keys),
  };
  await writeFile(`${TARGET}e2e-timing.json`, JSON.stringify(result, null, 2) + "\n");
  t.diagnostic(
    `checkPartial ${(stats.bench.meanMs * 1000).toFixed(1)} µs mean over ${stats.bench.calls} calls; ` +
      `typed keystrokes: mean ${(mean * 1000).toFixed(1)} µs, max ${(result.keystrokeMaxMs * 1000).toFixed(1)} µs ` +
      `over ${keys.length}`,
  );
  assert.ok(stats.bench.meanMs < 5, `checkPartial too slow: ${stats.bench.meanMs} ms`);
  assert.deepEqual(consoleErrors, []);
});
