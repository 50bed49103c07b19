// Groups duplicates of a pasted list off the main thread.
import init, { findDuplicates } from "/pkg/serialkit.js";

const ready = init();

self.onmessage = async ({ data }) => {
  try {
    await ready;
    const lines = data.text.split(/\r\n|\r|\n/);
    const started = performance.now();
    const groups = findDuplicates(lines);
    const ms = performance.now() - started;
    const count = lines.filter((l) => l.trim() !== "").length;
    self.postMessage({ id: data.id, groups, ms, lines: count });
  } catch (e) {
    self.postMessage({ id: data.id, error: String(e) });
  }
};
