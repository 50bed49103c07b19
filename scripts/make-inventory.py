#!/usr/bin/env python3
"""Generates a synthetic inventory with the mistakes real ones have.

    scripts/make-inventory.py ROWS OUT.csv [--xlsx OUT.xlsx] [--seed N] [--plant-truth TRUTH.tsv]

Values are synthetic: built from the layouts in vendors/*.toml (Apple plants, year letters and
model codes from its tables; Dell tags; Cisco; HP; Lenovo), random where the layout is random.
They are not real units. Mistakes are planted at fixed rates: O for 0, a dropped character,
lower case with spaces, placeholders, a MAC pasted in the serial column, a wrong IMEI check
digit, exact and near duplicates. With --plant-truth the planted duplicate pairs are written
out (row numbers as a spreadsheet shows them) so tests can check that all are found.
"""

import argparse
import csv
import random

B34 = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
APPLE_PLANTS = ["C02", "C07", "C17", "C1M", "C2V", "F5K", "YM0"]
APPLE_YEARS = "CDFGHJKLMNPQRSTVWXYZ"
APPLE_WEEKS = "123456789CDFGHJKLMNPQRTVWX"
APPLE_MODELS = ["GVC8", "JG5H", "HTD5", "HX87", "GTFJ", "H1DP", "G8WN", "HV2H"]
CISCO_SITES = ["FOC", "JAE", "SAD", "FDO", "CTH", "JPE"]
HP_PREFIX = ["CZC", "5CG", "USE", "MXL", "2UA", "CND"]
PLACEHOLDERS = ["To be filled by O.E.M.", "Default string", "0000000", "N/A", "System Serial Number"]


def apple(r):
    return (r.choice(APPLE_PLANTS) + r.choice(APPLE_YEARS) + r.choice(APPLE_WEEKS)
            + "".join(r.choice(B34) for _ in range(3)) + r.choice(APPLE_MODELS))


def dell(r):
    return "".join(r.choice(ALNUM) for _ in range(7))


def cisco(r):
    return r.choice(CISCO_SITES) + f"{r.randint(5, 28):02d}{r.randint(1, 52):02d}" + "".join(
        r.choice(ALNUM) for _ in range(4))


def hp(r):
    return r.choice(HP_PREFIX) + str(r.randint(0, 9)) + f"{r.randint(1, 52):02d}" + "".join(
        r.choice("0123456789BCDFGHJKLMNPQRSTVWXYZ") for _ in range(4))


def lenovo(r):
    return "PF" + "".join(r.choice(ALNUM) for _ in range(6))


MAKERS = [("Apple Inc.", apple, "MacBook Pro"), ("Dell Inc.", dell, "Latitude 7420"),
          ("Cisco Systems, Inc.", cisco, "C9300-48P"), ("HP Inc.", hp, "EliteBook 840"),
          ("LENOVO", lenovo, "ThinkPad T14")]


def luhn_digit(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d // 10 + d % 10
        total += d
    return str((10 - total % 10) % 10)


def imei(r):
    body = "35" + "".join(r.choice("0123456789") for _ in range(12))
    return body + luhn_digit(body)


def mac(r):
    octets = [r.randint(0, 255) for _ in range(6)]
    octets[0] &= 0xFC
    return ":".join(f"{o:02X}" for o in octets)


def near(r, value):
    """One typo: a confusable swap, a substitution, a transposition, or a dropped character."""
    i = r.randrange(len(value) - 1)
    how = r.randrange(4)
    if how == 0:
        swap = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z"}
        spots = [j for j, c in enumerate(value) if c in swap]
        if spots:
            j = r.choice(spots)
            return value[:j] + swap[value[j]] + value[j + 1:]
    if how == 1:
        c = r.choice([c for c in ALNUM if c != value[i]])
        return value[:i] + c + value[i + 1:]
    if how == 2 and value[i] != value[i + 1]:
        return value[:i] + value[i + 1] + value[i] + value[i + 2:]
    return value[:i] + value[i + 1:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rows", type=int)
    ap.add_argument("out")
    ap.add_argument("--xlsx")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--plant-truth")
    args = ap.parse_args()
    r = random.Random(args.seed)
    header = ["Asset Tag", "Manufacturer", "Model", "Serial Number", "MAC Address", "IMEI", "Location"]
    rows, truth = [], []
    for n in range(args.rows):
        maker, gen, model = r.choice(MAKERS)
        serial, mac_addr, imei_value = gen(r), mac(r), imei(r) if r.random() < 0.3 else ""
        roll = r.random()
        if rows and roll < 0.02:  # the same unit entered again, differently written
            earlier = r.randrange(len(rows))
            serial = rows[earlier][3].lower()
            truth.append((earlier + 2, n + 2, "exact"))
        elif rows and roll < 0.04:  # the same unit with a typo
            earlier = r.randrange(len(rows))
            if len(rows[earlier][3]) >= 7 and rows[earlier][3] not in PLACEHOLDERS:
                serial = near(r, rows[earlier][3])
                maker = rows[earlier][1]
                truth.append((earlier + 2, n + 2, "near"))
        elif roll < 0.05:
            serial = r.choice(PLACEHOLDERS)
        elif roll < 0.06:
            serial = mac_addr  # a MAC pasted into the serial column
        elif roll < 0.07 and imei_value:
            imei_value = imei_value[:-1] + str((int(imei_value[-1]) + 1) % 10)
        elif roll < 0.08:
            serial = serial[:-1]
        elif roll < 0.09:
            serial = " ".join([serial[:4].lower(), serial[4:]])
        rows.append([f"IT-{r.choice(['NYC', 'LON', 'BER'])}-{n + 1:06d}", maker, model, serial,
                     mac_addr, imei_value, r.choice(["Floor 1", "Floor 2", "Store"])])
    with open(args.out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    if args.xlsx:
        import openpyxl  # only needed for the XLSX copy

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Inventory"
        ws.append(header)
        for row in rows:
            ws.append(row)
        notes = wb.create_sheet("Notes")
        notes.append(["Synthetic example inventory generated by scripts/make-inventory.py"])
        wb.save(args.xlsx)
    if args.plant_truth:
        with open(args.plant_truth, "w") as f:
            for a, b, kind in truth:
                f.write(f"{a}\t{b}\t{kind}\n")


if __name__ == "__main__":
    main()
