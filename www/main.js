// The asset-intake page: live checking of the serial field, and the duplicate panel (in a worker).
import init, { checkPartial, decode, listVendors, loadMacRegistry } from "/pkg/serialkit.js";

const $ = (id) => document.getElementById(id);
const vendorSelect = $("vendor");
const serial = $("serial");
const field = $("serial-field");
const mirror = $("serial-mirror");
const status = $("serial-status");
const hint = $("serial-hint");
const decodedPanel = $("decoded");
const facts = $("decoded-facts");
const timing = $("timing");

// Labels for the standard field names; other fields show their own name.
const LABELS = {
  plant: "Plant", plant_name: "Plant name", year: "Year", week: "Week", month: "Month",
  date: "Date", model: "Model", model_id: "Model id", model_code: "Model code", line: "Line",
  sequence: "Sequence", region: "Region", express_service_code: "Express service code",
  check_digit: "Check digit", serial: "Serial",
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

/** Repeats the input's text in the mirror, with the problem's span (UTF-16 units) marked. */
function renderMirror(value, problem) {
  mirror.replaceChildren();
  if (problem && problem.end > problem.start) {
    mirror.append(value.slice(0, problem.start));
    mirror.append(text("mark", value.slice(problem.start, problem.end)));
    mirror.append(value.slice(problem.end));
  } else {
    mirror.append(value);
  }
  mirror.scrollLeft = serial.scrollLeft;
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

/** Checks the field and shows the answer; returns the time the check took. */
function check() {
  const value = serial.value;
  const started = performance.now();
  const partial = checkPartial(value, vendorSelect.value);
  const ms = performance.now() - started;

  const state = value.trim() === "" ? "empty" : partial.state;
  field.dataset.state = state;
  status.dataset.state = state;
  serial.setAttribute("aria-invalid", String(state === "invalid"));
  renderMirror(value, state === "invalid" ? partial.problem : null);

  const problem = partial.problem;
  if (state === "empty") {
    status.textContent = "Type or scan the serial from the unit's label.";
    hint.textContent = "";
  } else if (state === "incomplete") {
    const more = partial.needs === 1 ? "1 more character" : `${partial.needs} more characters`;
    status.textContent = `Incomplete: at least ${more}.`;
    hint.textContent = partial.expected ? `Next may be ${partial.expected}` : "";
  } else if (state === "invalid") {
    status.textContent = `Invalid: ${problem.message}`;
    hint.textContent = problem.hint ?? "";
  } else {
    const d = partial.decoded;
    status.textContent = `Valid ${d.vendor} serial (${d.format}).`;
    hint.textContent = "";
  }
  if (state === "valid") {
    renderFacts(partial.decoded);
    decodedPanel.hidden = false;
  } else {
    decodedPanel.hidden = true;
  }
  return ms;
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

/** Times checkPartial over every prefix of a few values, many times. */
function bench() {
  const values = ["C02TJ0Q7GVC8", "FVFXC2MHHV29", "JAE2445044T", "CO2TJ0Q7GVC8"];
  const rounds = 100;
  let calls = 0;
  let maxMs = 0;
  const started = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const v of values) {
      for (let i = 1; i <= v.length; i++) {
        const t = performance.now();
        checkPartial(v.slice(0, i), "");
        maxMs = Math.max(maxMs, performance.now() - t);
        calls++;
      }
    }
  }
  const totalMs = performance.now() - started;
  stats.bench = { calls, totalMs, meanMs: totalMs / calls, maxMs };
}

// The MAC field. The IEEE registries (about 600 KB gzipped) are not in the wasm module: they are
// fetched the first time the field holds a MAC address, so the page loads without them.
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

function checkMac() {
  const input = $("mac");
  const value = input.value;
  const report = value.trim() === "" ? null : decode(value, { kind: "mac" });
  const state = report === null ? "empty" : report.valid ? "valid" : "invalid";
  $("mac-field").dataset.state = state;
  $("mac-status").dataset.state = state;
  input.setAttribute("aria-invalid", String(state === "invalid"));
  const org = $("mac-org");
  if (state === "empty") {
    $("mac-status").textContent = "";
    org.textContent = "";
    return;
  }
  if (state === "invalid") {
    $("mac-status").textContent = `Invalid: ${report.errors[0]?.message ?? "not a MAC address"}`;
    org.textContent = report.errors[0]?.hint ?? "";
    return;
  }
  const f = report.fields;
  $("mac-status").textContent = `Valid MAC address ${report.normalized}.`;
  if (f.organization !== undefined) {
    org.textContent = `${f.organization} (${f.registry})`;
  } else if (f.locally_administered) {
    org.textContent = "Locally administered: no registered organization.";
  } else if (macRegistryResult === null) {
    org.textContent = "Looking up the organization…";
    loadRegistry().then(checkMac);
  } else if (!macRegistryResult.ok) {
    org.textContent = `The IEEE registries could not be loaded: ${macRegistryResult.message}`;
  } else {
    org.textContent = "No organization in the IEEE registries.";
  }
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

  worker.onmessage = ({ data }) => {
    if (data.id !== sent) return; // an answer to an older list
    if (data.error) {
      dupesStatus.textContent = `Could not check the list: ${data.error}`;
      return;
    }
    out.replaceChildren();
    for (const group of data.groups) {
      const li = document.createElement("li");
      li.dataset.kind = group.kind;
      const why = { exact: "same", "other-column": "same", confusable: "look-alike", transposition: "swapped",
        "missing-or-extra": "one character more", substitution: "one character differs" };
      const label = group.reasons.filter((r) => r !== "exact").map((r) => why[r]).join(", ") || "same";
      li.append(text("span", label, `kind ${group.kind}`));
      group.members.forEach((m, i) => {
        if (i) li.append(", ");
        li.append(`line ${m.index + 1} `, text("code", m.value.trim()));
      });
      out.append(li);
    }
    const g = data.groups.length;
    dupesStatus.textContent = data.lines === 0 ? "Nothing pasted yet."
      : `${data.lines} lines, ${g === 0 ? "no duplicates" : g === 1 ? "1 duplicate group" : `${g} duplicate groups`} ` +
        `(${data.ms.toFixed(1)} ms in the worker).`;
    document.body.dataset.dupes = String(data.id);
  };
  worker.onerror = (e) => { dupesStatus.textContent = `The duplicate checker failed: ${e.message}`; };

  list.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => worker.postMessage({ id: ++sent, text: list.value }), 120);
  });
}

async function main() {
  try {
    await init();
  } catch (e) {
    status.textContent = `The checker could not start: ${e}`;
    return;
  }
  fillVendors();
  bench();
  vendorSelect.disabled = false;
  serial.disabled = false;
  const onChange = () => {
    try {
      stats.keystrokes.push(check());
    } catch (e) {
      // Only a bug in serialkit gets here (a panic aborts the module): say so, keep the form usable.
      field.dataset.state = "empty";
      status.textContent = `The checker failed (${e}); the serial can still be entered.`;
    }
    showTiming();
  };
  serial.addEventListener("input", onChange);
  serial.addEventListener("scroll", () => { mirror.scrollLeft = serial.scrollLeft; });
  vendorSelect.addEventListener("change", onChange);
  $("mac").disabled = false;
  $("mac").addEventListener("input", checkMac);
  check();
  showTiming();
  setUpDuplicates();
  document.body.dataset.ready = "true";
}

main();
