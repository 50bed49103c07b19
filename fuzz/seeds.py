#!/usr/bin/env python3
"""Writes the seed inputs of every fuzz target into DIR/<target>/ from the sourced examples
(vendors/*.toml), the conformance tables (tests/data/*.tsv) and the test inventories.

Selector bytes follow fuzz/src/lib.rs: decode_vendor and check_partial pick a vendor by its
position among the vendor ids in name order; decode picks a kind (0 = any)."""
import hashlib
import pathlib
import re
import sys
import tomllib

root = pathlib.Path(__file__).resolve().parent.parent
out = pathlib.Path(sys.argv[1])


def write(target, data):
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def tsv_inputs(name):
    for line in (root / "tests/data" / name).read_text().splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")[0].replace("\\x1d", "\x1d")


vendors = sorted((root / "vendors").glob("*.toml"))
own = sorted((root / "examples/rules").glob("*.toml"))
for index, path in enumerate(vendors + own):
    rules = tomllib.loads(path.read_text())
    for example in rules.get("examples", []):
        value = example["value"].encode()
        write("decode", b"\x00" + value)
        if index < len(vendors):
            write("decode_vendor", bytes([index]) + value)
            write("check_partial", bytes([index]) + value)
        write("check_partial", bytes([len(vendors)]) + value)
    # The rule file as `fuzz.toml`: its id and format ids renamed to match.
    vendor = rules["id"]
    text = path.read_text()
    text = re.sub(rf'"{re.escape(vendor)}(-[^"]*)?"', lambda m: '"fuzz' + (m.group(1) or "") + '"', text)
    write("rules", text.encode())

for name in ["mac.tsv", "imei.tsv", "meid.tsv", "gtin.tsv", "isbn.tsv", "gs1.tsv"]:
    for value in tsv_inputs(name):
        write("decode", b"\x00" + value.encode())
for value in tsv_inputs("mac.tsv"):
    write("mac", value.encode())
for value in tsv_inputs("gs1.tsv"):
    write("gs1", value.encode())

for path in sorted((root / "tests/data").glob("*.csv")):
    write("csv", path.read_bytes())
for path in sorted((root / "examples").glob("*.csv")):
    write("csv", path.read_bytes()[:8192])
for path in sorted((root / "tests/data").glob("*.xlsx")) + sorted((root / "examples").glob("*.xlsx")):
    write("sheet", path.read_bytes())
# Worksheet XML, which the sheet target wraps into a workbook: inline strings, numbers, a
# shared string, a cell far from A1.
write("sheet", b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
      b'<row r="1"><c r="A1" t="inlineStr"><is><t>Serial</t></is></c><c r="B1" t="s"><v>0</v></c></row>'
      b'<row r="2"><c r="A2" t="inlineStr"><is><t>C02TJ0Q7GVC8</t></is></c><c r="B2"><v>12345</v></c></row>'
      b'<row r="9"><c r="D9" t="b"><v>1</v></c></row>'
      b'</sheetData></worksheet>\x00'
      b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
      b'<si><t>IMEI</t></si></sst>')
