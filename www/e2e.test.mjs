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
const fact = (name) => page.locator(`#decoded-facts dd[data-field="${name}"]`).innerText();

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

test("a typo goes incomplete, then invalid where it is, then valid once corrected", async () => {
  await page.locator("#vendor").selectOption("apple");
  await serial().fill("");
  await serial().focus();
  const states = [];
  const marks = [];
  const step = async (key) => {
    await page.keyboard.press(key);
    states.push(await field().getAttribute("data-state"));
    marks.push(await page.locator("#serial-mirror mark").allInnerTexts());
  };
  for (const c of "CO2") await step(c);
  // Back over the 2 and the O, then the digit that was meant.
  await step("Backspace");
  await step("Backspace");
  for (const c of "02TJ0Q7GVC8") await step(c);
  const I = "incomplete";
  // C, CO, CO2, CO, C; then C0 … C02TJ0Q7G, the apple-10 C02TJ0Q7GV, and on to the apple-12.
  assert.deepEqual(states, [I, "invalid", "invalid", "invalid", I, ...Array(8).fill(I), "valid", I, "valid"]);
  assert.deepEqual(marks.slice(1, 4), [["O"], ["O"], ["O"]]);
  assert.equal(await serial().getAttribute("aria-invalid"), "false");
  assert.equal(await fact("Model id"), "MacBookPro13,1");
});

test("a model number is recognised with its region", async () => {
  await page.locator("#vendor").selectOption("apple");
  await page.locator("#model").fill("MNEH3LL/A");
  assert.equal(await page.locator("#model-field").getAttribute("data-state"), "valid");
  assert.equal(await page.locator("#model-status").innerText(), "Valid apple model number (apple-part).");
  assert.match(await page.locator("#model-hint").innerText(), /United States/);
});

test("a dropped CSV file's serial column is grouped with spreadsheet row numbers", async () => {
  const csv = "Asset,Serial Number,Owner\r\nA1,C02TJ0Q7GVC8,ann\r\nA2,JAE2445044T,bob\r\nA3,\"CO2TJ0Q7GVC8\",cy\r\n";
  const before = await page.evaluate(() => document.body.dataset.dupes ?? "0");
  await page.locator("#csv-file").setInputFiles({ name: "intake.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.waitForFunction((b) => (document.body.dataset.dupes ?? "0") !== b, before);
  const items = await page.locator("#groups li").evaluateAll((lis) =>
    lis.map((li) => ({ kind: li.dataset.kind, members: [...li.childNodes].slice(1).map((n) => n.textContent).join("") })),
  );
  assert.deepEqual(items, [{ kind: "near", members: "row 2 C02TJ0Q7GVC8, row 4 CO2TJ0Q7GVC8" }]);
  assert.match(await page.locator("#dupes-status").innerText(), /^intake\.csv: 3 rows of 'Serial Number', 1 duplicate group/);
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
  assert.equal(await page.locator("#mac-hint").innerText(), "VMware, Inc. (MA-L)");
  await page.locator("#mac").fill("70-B3-D5-F2-F0-01");
  assert.equal(await page.locator("#mac-hint").innerText(), "TELEPLATFORMS (MA-S)");
  await page.locator("#mac").fill("da:a1:19:00:00:01");
  assert.equal(await page.locator("#mac-hint").innerText(), "Locally administered: no registered organization.");
});

test("MAC and IMEI fields are incomplete while typed, and a wrong check digit is marked", async () => {
  const type = async (id, value) => {
    await page.locator(`#${id}`).fill("");
    await page.locator(`#${id}`).focus();
    const states = [];
    for (const c of value) {
      await page.keyboard.type(c);
      states.push(await page.locator(`#${id}-field`).getAttribute("data-state"));
    }
    return states;
  };
  const mac = await type("mac", "00:50:56:c0:00:08");
  // Never invalid on the way; 00:50:56:c0:00:0 is already valid (a group may drop its zero).
  assert.deepEqual(new Set(mac.slice(0, 15)), new Set(["incomplete"]));
  assert.deepEqual(mac.slice(15), ["valid", "valid"]);
  assert.equal(await page.locator("#mac-status").innerText(), "Valid MAC address 00:50:56:C0:00:08.");
  await type("mac", "00:50-");
  assert.equal(await page.locator("#mac-field").getAttribute("data-state"), "invalid");
  assert.equal(await page.locator("#mac-mirror mark").innerText(), "-");
  assert.equal(await page.locator("#mac-status").innerText(), "Invalid: mixed separators: ':' and '-'");

  const imei = await type("imei", "490154203237517");
  // Fourteen digits are an IMEI without its check digit: valid, then wrong with a wrong 15th.
  assert.deepEqual(new Set(imei.slice(0, 13)), new Set(["incomplete"]));
  assert.equal(imei[13], "valid");
  assert.equal(imei.at(-1), "invalid");
  assert.equal(await page.locator("#imei-mirror mark").innerText(), "7");
  assert.equal(await page.locator("#imei-status").innerText(), "Invalid: check digit should be 8, not 7");
  assert.equal(await page.locator("#imei").getAttribute("aria-invalid"), "true");
  await page.keyboard.press("Backspace");
  await page.keyboard.type("8");
  assert.equal(await page.locator("#imei-field").getAttribute("data-state"), "valid");
  assert.equal(await page.locator("#imei-status").innerText(), "Valid IMEI, TAC 49015420.");
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
  assert.deepEqual(consoleErrors, []);
});
