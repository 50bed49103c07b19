// Groups duplicates of a pasted list, or of a CSV file's serial column, off the main thread.
import init, { findDuplicates } from "/pkg/serialkit.js";

const ready = init();

/** The rows of CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF line ends). */
function parseCsv(text, delimiter) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === delimiter) { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length) rows.push([...row, field]);
  return rows;
}

/** The delimiter the header line uses most: comma, semicolon or tab. */
function sniff(text) {
  const header = text.slice(0, text.search(/\r|\n|$/));
  return [",", ";", "\t"].map((d) => [d, header.split(d).length]).sort((a, b) => b[1] - a[1])[0][0];
}

/** The values of a CSV file's serial column (by header name, else the first), with row numbers. */
function serialColumn(csv) {
  const rows = parseCsv(csv.replace(/^\uFEFF/, ""), sniff(csv));
  const header = rows[0] ?? [];
  const found = header.findIndex((h) => /serial|\bs\/?n\b/i.test(h));
  const column = found >= 0 ? found : 0;
  const values = rows.slice(1).map((r) => r[column] ?? "");
  // The header is row 1, as a spreadsheet shows it.
  return { column: header[column] ?? "column 1", values, numbers: values.map((_, i) => i + 2) };
}

self.onmessage = async ({ data }) => {
  try {
    await ready;
    let values, numbers, unit, column;
    if (data.csv !== undefined) {
      ({ column, values, numbers } = serialColumn(data.csv));
      unit = "row";
    } else {
      values = data.text.split(/\r\n|\r|\n/);
      numbers = values.map((_, i) => i + 1);
      unit = "line";
    }
    const started = performance.now();
    const groups = findDuplicates(values);
    const ms = performance.now() - started;
    const count = values.filter((l) => l.trim() !== "").length;
    self.postMessage({ id: data.id, groups, ms, lines: count, numbers, unit, column, source: data.name });
  } catch (e) {
    self.postMessage({ id: data.id, error: String(e) });
  }
};
