#!/usr/bin/python3
"""saring's incident grouping on real civic reports: US 311 service requests.

No public dump of Qlue reports exists, so this runs `saring run` on real 311 requests (Boston's
open Street Light / Sidewalk cases, Q1 2025, and one day of NYC 311 in two ZIP codes) and compares
its `duplicate` decisions with two references that the data themselves give:

- *repeat*: an earlier request of the same type within REPEAT_M metres and the duplicate window
  (7 days by default): the same spot reported again. A proxy, not ground truth: two outages on one
  block are two incidents, and one sidewalk may be reported from two addresses.
- *city label* (NYC only): the agency closed the request as a duplicate of one already open
  ("This complaint is a duplicate of ..."). The original may predate the slice.

The files are read from a data path and never copied into the repository (their terms differ from
saring's licence). The service area is the data's bounding box plus 2 km, given to the filter as a
GeoJSON area file (`geotag.areas`), since these are not Jakarta reports; the reports carry no text and
the spam checks are off: the files hold agency titles and descriptors (the same words for every
request of a type), not the citizen's own words, and as text they would make every pair of one
type "similar text".

    /usr/bin/python3 benchmarks/filter/eval_311.py --cli build/saring --data ../shared/data/reports
"""
import argparse
import collections
import csv
import datetime as dt
import json
import math
import os
import subprocess
import sys
import tempfile
from zoneinfo import ZoneInfo

REPEAT_M = 30.0


def haversine_m(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(min(1.0, math.sqrt(h)))


def boston(path):
    tz = ZoneInfo("America/New_York")
    out = []
    for r in csv.DictReader(open(path, encoding="utf-8")):
        if not r["latitude"] or not r["longitude"]:
            continue
        t = dt.datetime.strptime(r["open_dt"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=tz)
        out.append({"id": "bos-" + r["case_enquiry_id"], "time": t.isoformat(), "lat": float(r["latitude"]),
                    "lon": float(r["longitude"]), "category": r["type"], "text": "",
                    "_place": r["location"], "_label": None})
    return out


def nyc(path):
    tz = ZoneInfo("America/New_York")
    out = []
    for r in csv.DictReader(open(path, encoding="utf-8")):
        if not r["Latitude"] or not r["Longitude"]:
            continue
        t = dt.datetime.strptime(r["Created Date"], "%m/%d/%Y %I:%M:%S %p").replace(tzinfo=tz)
        out.append({"id": "nyc-" + r["Unique Key"], "time": t.isoformat(), "lat": float(r["Latitude"]),
                    "lon": float(r["Longitude"]), "category": r["Complaint Type"], "text": "",
                    "_place": r["Incident Address"],
                    "_label": "duplicate" in r["Resolution Description"].lower()})
    return out


def bbox_geojson(reports, code, name, margin_m=2000.0):
    lat = [r["lat"] for r in reports]
    lon = [r["lon"] for r in reports]
    dlat = margin_m / 111195.0
    dlon = dlat / math.cos(math.radians(sum(lat) / len(lat)))
    s, n, w, e = min(lat) - dlat, max(lat) + dlat, min(lon) - dlon, max(lon) + dlon
    return {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"kode": code, "nama": name},
        "geometry": {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}}]}


def repeats(reports, window_s):
    """For each report: distance to the nearest earlier report of its type within the window."""
    times = [dt.datetime.fromisoformat(r["time"]).timestamp() for r in reports]
    nearest = []
    for i, r in enumerate(reports):
        best = math.inf
        for j in range(i):
            if reports[j]["category"] == r["category"] and 0 <= times[i] - times[j] <= window_s:
                best = min(best, haversine_m((r["lat"], r["lon"]), (reports[j]["lat"], reports[j]["lon"])))
        nearest.append(best)
    return nearest


def run(cli, name, reports, workdir, overrides):
    reports = sorted(reports, key=lambda r: (dt.datetime.fromisoformat(r["time"]).timestamp(), r["id"]))
    area = os.path.join(workdir, name + "_area.geojson")
    with open(area, "w") as f:
        json.dump(bbox_geojson(reports, name.upper(), name + " (data extent + 2 km)"), f)
    cfg = os.path.join(workdir, name + ".json")
    with open(cfg, "w") as f:
        json.dump({"journal": {"sync": "none"}, "spam": {"enabled": False},
                   "geotag": {"areas": [{"path": os.path.basename(area), "level": "kabupaten_kota"}]}}, f)
    src = os.path.join(workdir, name + ".jsonl")
    with open(src, "w") as f:
        for r in reports:
            f.write(json.dumps({k: v for k, v in r.items() if not k.startswith("_")}) + "\n")
    cmd = [cli, "run", "--quiet", "--config", cfg] + [x for o in overrides for x in ("--set", o)] + [src]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    verdicts = {v["id"]: v for v in map(json.loads, out.stdout.splitlines())}
    window_s = 7 * 86400
    nearest = repeats(reports, window_s)
    counts = collections.Counter(v["decision"] for v in verdicts.values())
    table = collections.Counter()
    by_distance = collections.Counter()
    for r, d in zip(reports, nearest):
        dup = verdicts[r["id"]]["decision"] == "duplicate"
        rep = d <= REPEAT_M
        table[(rep, dup)] += 1
        if dup:
            band = "<=5 m" if d <= 5 else "<=30 m" if d <= 30 else "<=75 m" if d <= 75 else "<=150 m" if d <= 150 else ">150 m"
            by_distance[band] += 1
    print(f"\n{name}: {len(reports)} reports, decisions {dict(counts)}")
    print(f"  repeat (same type within {REPEAT_M:.0f} m and 7 days earlier) vs saring duplicate:")
    print(f"    repeat & duplicate {table[(True, True)]}, repeat & not {table[(True, False)]}, "
          f"not repeat & duplicate {table[(False, True)]}, neither {table[(False, False)]}")
    rep_n = table[(True, True)] + table[(True, False)]
    dup_n = table[(True, True)] + table[(False, True)]
    if rep_n:
        print(f"    share of repeats marked duplicate: {table[(True, True)] / rep_n:.3f}")
    if dup_n:
        print(f"    share of duplicates that are repeats: {table[(True, True)] / dup_n:.3f}")
    print(f"  saring duplicates by distance to the nearest earlier same-type report: {dict(by_distance)}")
    labelled = [r for r in reports if r["_label"]]
    if labelled:
        hit = [r for r in labelled if verdicts[r["id"]]["decision"] == "duplicate"]
        print(f"  city-labelled duplicates: {len(labelled)}, marked duplicate by saring: {len(hit)}")
        for r in labelled:
            v = verdicts[r["id"]]
            print(f"    {r['id']} {r['time'][:16]} {r['_place']}: {v['decision']}"
                  f"{' of ' + v['duplicate_of'] if v.get('duplicate_of') else ''}")
    return verdicts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", default="build/saring")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "../../../shared/data/reports"))
    ap.add_argument("--set", action="append", default=[], help="filter override, as for saring run")
    a = ap.parse_args()
    b = os.path.join(a.data, "boston311_2025q1_open.csv")
    n = os.path.join(a.data, "nyc311_2025-03-24_zip10025_11210.csv")
    if not (os.path.exists(b) and os.path.exists(n)):
        sys.exit(f"eval_311: the 311 files are not under {a.data} (pass --data)")
    with tempfile.TemporaryDirectory() as work:
        run(a.cli, "boston", boston(b), work, a.set)
        run(a.cli, "nyc", nyc(n), work, a.set)


if __name__ == "__main__":
    main()
