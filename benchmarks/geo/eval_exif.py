#!/usr/bin/python3
"""Measures saring's EXIF reader against Pillow's on the shared photo set (measuring only: the
photos are not bundled; several are CC-BY-SA or GPL). For every JPEG: no exception other than a
clean saring error; GPS, DateTimeOriginal, Make, Model and Software must agree with Pillow; the
GPS of the files whose MANIFEST notes give "EXIF GPS lat,lon" must match those values.

  PYTHONPATH=build/python /usr/bin/python3 benchmarks/geo/eval_exif.py [/work/shared/data/photos]
"""
import pathlib
import re
import sys

from PIL import Image, ExifTags

import saring

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/photos")
manifest = {}
for mf in [root / "MANIFEST.tsv", root / "large" / "MANIFEST.tsv"]:
    if mf.exists():
        for line in mf.read_text(errors="replace").splitlines()[1:]:
            cols = line.split("\t")
            m = re.search(r"EXIF GPS (-?[\d.]+),(-?[\d.]+)", line)
            if m:
                manifest[pathlib.Path(cols[0]).name] = (float(m.group(1)), float(m.group(2)))


def pillow_facts(path):
    try:
        ex = Image.open(path).getexif()
        out = {"make": ex.get(0x010F), "model": ex.get(0x0110), "software": ex.get(0x0131)}
        sub = ex.get_ifd(0x8769) or {}
        out["dto"] = sub.get(0x9003)
        gps = ex.get_ifd(0x8825) or {}
    except Exception:
        return None  # Pillow cannot read it: nothing to compare
    try:
        lat = sum(float(v) / d for v, d in zip(gps[2], (1, 60, 3600))) * (-1 if gps.get(1) == "S" else 1)
        lon = sum(float(v) / d for v, d in zip(gps[4], (1, 60, 3600))) * (-1 if gps.get(3) == "W" else 1)
        out["gps"] = (lat, lon)
    except Exception:
        out["gps"] = None
    return out


def clean(s):
    return (s or "").strip("\x00 \n") if isinstance(s, str) else ""


files = sorted(root.glob("*.jpg")) + sorted((root / "large").glob("*.jpg"))
n = with_exif = with_gps = gps_agree = text_agree = text_total = errors = 0
manifest_checked = manifest_ok = 0
disagreements = []
for f in files:
    n += 1
    try:
        e = saring.read_photo_exif_file(str(f))
    except ValueError as err:
        errors += 1
        disagreements.append(f"{f.name}: saring error {err}")
        continue
    with_exif += e.has_exif
    p = pillow_facts(f)
    if e.gps:
        with_gps += 1
    if p is not None:
        if (p["gps"] is None) != (e.gps is None):
            disagreements.append(f"{f.name}: GPS presence differs (pillow {p['gps']}, saring {e.gps})")
        elif e.gps:
            if abs(p["gps"][0] - e.gps.lat) < 1e-6 and abs(p["gps"][1] - e.gps.lon) < 1e-6:
                gps_agree += 1
            else:
                disagreements.append(f"{f.name}: GPS pillow {p['gps']} saring {e.gps}")
        for key, ours in [("make", e.make), ("model", e.model), ("software", e.software), ("dto", e.date_time_original)]:
            theirs = clean(p[key])
            if key == "dto" and not re.match(r"\d{4}[:-]\d\d[:-]\d\d \d\d:\d\d:\d\d", theirs):
                theirs = ""  # saring drops malformed or all-zero DateTimeOriginal
            text_total += 1
            if theirs == ours:
                text_agree += 1
            else:
                disagreements.append(f"{f.name}: {key} pillow {theirs!r} saring {ours!r}")
    if f.name in manifest:
        manifest_checked += 1
        lat, lon = manifest[f.name]
        if e.gps and abs(e.gps.lat - lat) < 1e-6 and abs(e.gps.lon - lon) < 1e-6:
            manifest_ok += 1
        else:
            disagreements.append(f"{f.name}: manifest GPS {lat},{lon} saring {e.gps}")

print(f"{n} JPEGs: {with_exif} with EXIF, {with_gps} with GPS, {errors} saring errors")
print(f"GPS equal to Pillow (1e-6 deg): {gps_agree}/{with_gps}")
print(f"make/model/software/DateTimeOriginal equal to Pillow: {text_agree}/{text_total}")
print(f"GPS equal to the MANIFEST notes: {manifest_ok}/{manifest_checked}")
for d in disagreements:
    print("  " + d)
