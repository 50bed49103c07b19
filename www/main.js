// The asset-intake page: every field is checked as it is typed, and the duplicate panel groups a
// pasted list or a dropped CSV file in a worker.
import init, { checkPartial, listVendors, loadMacRegistry } from "/pkg/serialkit.js";

const $ = (id) => document.getElementById(id);
const vendorSelect = $("vendor");
const decodedPanel = $("decoded");
const facts = $("decoded-facts");
const timing = $("timing");

// Labels for the standard field names; other fields show their own name.
const LABELS = {
  plant: "Plant", plant_name: "Plant name", year: "Year", week: "Week", month: "Month",
  date: "Date", model: "Model", model_id: "Model id", model_code: "Model code", line: "Line",
  sequence: "Sequence", region: "Region", express_service_code: "Express service code",
  check_digit: "Check digit", serial: "Serial", tac: "TAC", organization: "Organization",
};

/** Per-keystroke timings (milliseconds), kept for the page and for the end-to-end test. */
const stats = { keystrokes: [], bench: null };
window.serialkitStats = stats;

function text(tag, content, className) {
  const el = document.createElement(tag);
  el.textContent = content;
  if (className) el.className = className;
  return el;
}

/** Repeats an input's text in its mirror, with the problem's span (UTF-16 units) marked. */
function renderMirror(mirror, input, value, problem) {
  mirror.replaceChildren();
  if (problem && problem.end > problem.start) {
    mirror.append(value.slice(0, problem.start));
    mirror.append(text("mark", value.slice(problem.start, problem.end)));
    mirror.append(value.slice(problem.end));
  } else {
    mirror.append(value);
  }
  mirror.scrollLeft = input.scrollLeft;
}

function renderFacts(decoded) {
  facts.replaceChildren();
  const rows = [["Vendor", decoded.vendor], ["Format", decoded.format]];
  for (const [name, value] of Object.entries(decoded.fields)) rows.push([LABELS[name] ?? name, String(value)]);
  rows.push(["Confidence", `${Math.round(decoded.confidence * 100)} %`]);
  for (const [name, value] of rows) {
    const dt = text("dt", name);
    const dd = text("dd", value);
    dd.dataset.field = name;
    facts.append(dt, dd);
  }
}

/**
 * Wires one checked field: `options()` gives checkPartial's second argument, `empty` the prompt,
 * and `describe(decoded)` the status and hint of a valid value. Returns the check function, which
 * returns the time checkPartial took.
 */
function liveField(id, { options, empty, describe, onValid = () => {}, onOther = () => {} }) {
  const input = $(id);
  const field = $(`${id}-field`);
  const mirror = $(`${id}-mirror`);
  const status = $(`${id}-status`);
  const hint = $(`${id}-hint`);

  function check() {
    const value = input.value;
    const started = performance.now();
    const partial = checkPartial(value, options());
    const ms = performance.now() - started;

    const state = value.trim() === "" ? "empty" : partial.state;
    field.dataset.state = state;
    status.dataset.state = state;
    input.setAttribute("aria-invalid", String(state === "invalid"));
    renderMirror(mirror, input, value, state === "invalid" ? partial.problem : null);

    const problem = partial.problem;
    if (state === "empty") {
      status.textContent = empty;
      hint.textContent = "";
    } else if (state === "incomplete") {
      const more = partial.needs === 1 ? "1 more character" : `${partial.needs} more characters`;
      status.textContent = `Incomplete: at least ${more}.`;
      hint.textContent = partial.expected ? `Next may be ${partial.expected}` : "";
    } else if (state === "invalid") {
      status.textContent = `Invalid: ${problem.message}`;
      hint.textContent = problem.hint ?? "";
    } else {
      [status.textContent, hint.textContent] = describe(partial.decoded);
    }
    if (state === "valid") onValid(partial.decoded);
    else onOther();
    return ms;
  }

  input.disabled = false;
  input.addEventListener("input", () => {
    try {
      stats.keystrokes.push(check());
    } catch (e) {
      // Only a bug in serialkit gets here (a panic aborts the module): say so, keep the form usable.
      field.dataset.state = "empty";
      status.textContent = `The checker failed (${e}); the value can still be entered.`;
    }
    showTiming();
  });
  input.addEventListener("scroll", () => { mirror.scrollLeft = input.scrollLeft; });
  return check;
}

function showTiming() {
  const n = stats.keystrokes.length;
  const parts = [];
  if (stats.bench) {
    parts.push(`checkPartial: ${(stats.bench.meanMs * 1000).toFixed(1)} µs per keystroke ` +
      `(mean of ${stats.bench.calls} calls, max ${stats.bench.maxMs.toFixed(2)} ms)`);
  }
  if (n) {
    const mean = stats.keystrokes.reduce((a, b) => a + b, 0) / n;
    parts.push(`your last keystroke: ${(stats.keystrokes[n - 1] * 1000).toFixed(0)} µs, ` +
      `mean ${(mean * 1000).toFixed(0)} µs over ${n}`);
  }
  timing.textContent = parts.join(" · ");
}

/** Times checkPartial over every prefix of a few values of each field, many times. */
function bench() {
  const values = [
    ["C02TJ0Q7GVC8", ""], ["FVFXC2MHHV29", ""], ["JAE2445044T", ""], ["CO2TJ0Q7GVC8", ""],
    ["00:50:56:C0:00:08", { kind: "mac" }], ["35-209900-176148-1", { kind: "imei" }],
  ];
  const rounds = 100;
  let calls = 0;
  let maxMs = 0;
  const started = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const [v, options] of values) {
      for (let i = 1; i <= v.length; i++) {
        const t = performance.now();
        checkPartial(v.slice(0, i), options);
        maxMs = Math.max(maxMs, performance.now() - t);
        calls++;
      }
    }
  }
  const totalMs = performance.now() - started;
  stats.bench = { calls, totalMs, meanMs: totalMs / calls, maxMs };
}

// The IEEE registries (about 600 KB gzipped) are not in the wasm module: they are fetched the
// first time the MAC field holds a valid address, so the page loads without them.
let macRegistry = null; // the loadMacRegistry promise, once started
let macRegistryResult = null; // its result, once settled

function loadRegistry() {
  macRegistry ??= fetch("/pkg/ieee-registry.bin")
    .then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((bytes) => loadMacRegistry(bytes))
    .catch((e) => ({ ok: false, message: String(e) }))
    .then((result) => {
      macRegistryResult = result;
      document.body.dataset.macRegistry = result.ok ? "loaded" : "failed";
      return result;
    });
  return macRegistry;
}

/** The status and organization line of a valid MAC address; starts the registry fetch. */
function describeMac(decoded, recheck) {
  const f = decoded.fields;
  const status = `Valid MAC address ${decoded.normalized}.`;
  if (f.organization !== undefined) return [status, `${f.organization} (${f.registry})`];
  if (f.locally_administered) return [status, "Locally administered: no registered organization."];
  if (macRegistryResult === null) {
    loadRegistry().then(recheck);
    return [status, "Looking up the organization…"];
  }
  if (!macRegistryResult.ok) return [status, `The IEEE registries could not be loaded: ${macRegistryResult.message}`];
  return [status, "No organization in the IEEE registries."];
}

function fillVendors() {
  for (const v of listVendors()) {
    const option = document.createElement("option");
    option.value = v.id;
    option.textContent = v.name;
    vendorSelect.append(option);
  }
}

// The duplicate panel: the list is grouped in a worker so a long paste never blocks typing.
function setUpDuplicates() {
  const list = $("list");
  const out = $("groups");
  const dupesStatus = $("dupes-status");
  const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  let sent = 0;
  let timer = 0;

  const why = { exact: "same", "other-column": "same", confusable: "look-alike", transposition: "swapped",
    "missing-or-extra": "one character more", substitution: "one character differs" };
  worker.onmessage = ({ data }) => {
    if (data.id !== sent) return; // an answer to an older list
    if (data.error) {
      dupesStatus.textContent = `Could not check the list: ${data.error}`;
      document.body.dataset.dupes = String(data.id);
      return;
    }
    out.replaceChildren();
    for (const group of data.groups) {
      const li = document.createElement("li");
      li.dataset.kind = group.kind;
      const label = group.reasons.filter((r) => r !== "exact").map((r) => why[r]).join(", ") || "same";
      li.append(text("span", label, `kind ${group.kind}`));
      group.members.forEach((m, i) => {
        if (i) li.append(", ");
        li.append(`${data.unit} ${data.numbers[m.index]} `, text("code", m.value.trim()));
      });
      out.append(li);
    }
    const g = data.groups.length;
    const what = data.source ? `${data.source}: ${data.lines} rows of '${data.column}'` : `${data.lines} lines`;
    dupesStatus.textContent = data.lines === 0 ? "Nothing pasted yet."
      : `${what}, ${g === 0 ? "no duplicates" : g === 1 ? "1 duplicate group" : `${g} duplicate groups`} ` +
        `(${data.ms.toFixed(1)} ms in the worker).`;
    document.body.dataset.dupes = String(data.id);
  };
  worker.onerror = (e) => { dupesStatus.textContent = `The duplicate checker failed: ${e.message}`; };

  list.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => worker.postMessage({ id: ++sent, text: list.value }), 120);
  });

  // A CSV file, dropped on the list or chosen: its serial column is checked, rows as the
  // spreadsheet numbers them.
  const sendFile = async (file) => {
    clearTimeout(timer);
    dupesStatus.textContent = `Reading ${file.name}…`;
    worker.postMessage({ id: ++sent, csv: await file.text(), name: file.name });
  };
  $("csv-file").addEventListener("change", (e) => e.target.files[0] && sendFile(e.target.files[0]));
  list.addEventListener("dragover", (e) => { e.preventDefault(); list.classList.add("dropping"); });
  list.addEventListener("dragleave", () => list.classList.remove("dropping"));
  list.addEventListener("drop", (e) => {
    e.preventDefault();
    list.classList.remove("dropping");
    const file = e.dataTransfer?.files?.[0];
    if (file) sendFile(file);
  });
}

async function main() {
  try {
    await init();
  } catch (e) {
    $("serial-status").textContent = `The checker could not start: ${e}`;
    return;
  }
  fillVendors();
  bench();
  const vendor = () => vendorSelect.value;
  const checkSerial = liveField("serial", {
    options: vendor,
    empty: "Type or scan the serial from the unit's label.",
    describe: (d) => [`Valid ${d.vendor} ${d.kind === "serial" ? "serial" : d.kind} (${d.format}).`, ""],
    onValid: (d) => { renderFacts(d); decodedPanel.hidden = false; },
    onOther: () => { decodedPanel.hidden = true; },
  });
  const checkModel = liveField("model", {
    options: () => ({ vendor: vendor() || null, kind: "model" }),
    empty: "",
    describe: (d) => {
      const f = d.fields;
      const region = f.region_name ?? (f.region && `region ${f.region}`);
      const parts = [f.model, region, f.sale_type, f.localization].filter(Boolean);
      return [`Valid ${d.vendor} model number (${d.format}).`, parts.join(", ")];
    },
  });
  const checkMac = liveField("mac", {
    options: () => ({ kind: "mac" }),
    empty: "",
    describe: (d) => describeMac(d, () => checkMac()),
  });
  liveField("imei", {
    options: () => ({ kind: "imei" }),
    empty: "",
    describe: (d) => [`Valid IMEI, TAC ${d.fields.tac}.`, ""],
  });
  vendorSelect.disabled = false;
  vendorSelect.addEventListener("change", () => { checkSerial(); checkModel(); showTiming(); });
  checkSerial();
  showTiming();
  setUpDuplicates();
  document.body.dataset.ready = "true";
}

main();
