#!/usr/bin/python3
"""Measures saring's "in the sea" rule against GSHHG full-resolution land (LGPL-3+, measuring
only: read from ../shared/data/geo, never bundled). Random points in the Jakarta Bay box
lon 106.3..107.2, lat -6.5..-5.1; for each, three answers:

  saring-bundled  the default rule: inside the bundled coarse water polygon, outside every
                  kelurahan, farther than sea_margin_m (100 m) from the nearest kelurahan
  saring-gshhg    the same rule with the GSHHG sea polygon passed as the water layer (--water)
  gshhg           plain GSHHG: not on a GSHHG land polygon

Reported: agreement of each saring variant with plain GSHHG, split by whether the point lies in
DKI Jakarta's service area, and the 113 Kepulauan Seribu island coordinates of idn-area-data
(ODbL, measuring only) judged in the sea by each rule.

  PYTHONPATH=build/python /usr/bin/python3 benchmarks/geo/eval_sea.py [--points N] [--data DIR]
"""
import argparse
import json
import pathlib
import re

import numpy as np
from shapely.geometry import shape, Point
from shapely.ops import unary_union
from shapely.prepared import prep
import shapely.vectorized

import saring


def dms(text):
    m = re.findall(r"(\d+)°(\d+)'([\d.]+)\"\s*([NSEW])", text)
    out = []
    for d, mi, s, h in m:
        v = int(d) + int(mi) / 60 + float(s) / 3600
        out.append(-v if h in "SW" else v)
    return out  # [lat, lon]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=20000)
    ap.add_argument("--data", default="/work/shared/data/geo")
    args = ap.parse_args()
    data = pathlib.Path(args.data)

    land = unary_union([shape(f["geometry"]) for f in
                        json.loads((data / "jakarta_bay_land_gshhg_full.geojson").read_text())["features"]])
    jak = saring.AreaSet.jakarta()
    with_gshhg = saring.AreaSet()
    for level in ["provinsi", "kabupaten_kota", "kecamatan", "kelurahan"]:
        with_gshhg.add_geojson(saring.AreaSet.bundled_geojson(level), level, level=level)
    with_gshhg.set_water_geojson_file(str(data / "jakarta_bay_sea_gshhg_full.geojson"))
    checkers = {"saring-bundled": saring.GeotagChecker(jak), "saring-gshhg": saring.GeotagChecker(with_gshhg)}

    rng = np.random.default_rng(7)
    lat = rng.uniform(-6.5, -5.1, args.points)
    lon = rng.uniform(106.3, 107.2, args.points)
    gshhg_sea = ~shapely.vectorized.contains(land, lon, lat)

    def at_sea(checker, la, lo):
        r = saring.Report.from_json(json.dumps({"id": "p", "time": "2026-11-28T08:00:00+07:00",
                                                "lat": float(la), "lon": float(lo)}))
        return checker.evaluate(r).has("GEO_IN_SEA")

    print(f"{args.points} random points in lon 106.3..107.2, lat -6.5..-5.1; GSHHG says sea for "
          f"{gshhg_sea.mean():.1%}")
    inside = np.array([jak.in_service_area(a, b) for a, b in zip(lat, lon)])
    for name, checker in checkers.items():
        ours = np.array([at_sea(checker, a, b) for a, b in zip(lat, lon)])
        agree = (ours == gshhg_sea)
        fp = (ours & ~gshhg_sea).sum()
        fn = (~ours & gshhg_sea).sum()
        print(f"{name:>15}: agrees with GSHHG on {agree.mean():.2%} of points "
              f"({agree[inside].mean():.2%} inside Jakarta's areas, {agree[~inside].mean():.2%} outside); "
              f"sea where GSHHG says land: {fp}, land/not flagged where GSHHG says sea: {fn}")

    islands = data / "idn_area_dki_islands.csv"
    if islands.exists():
        rows = islands.read_text().splitlines()[1:]
        coords = []
        for row in rows:
            v = dms(row)
            if len(v) == 2:
                coords.append(v)
        for name, checker in checkers.items():
            n = sum(at_sea(checker, la, lo) for la, lo in coords)
            print(f"{name:>15}: {n} of {len(coords)} Kepulauan Seribu island coordinates judged GEO_IN_SEA")
        n = sum(not land.contains(Point(lo, la)) for la, lo in coords)
        print(f"{'gshhg':>15}: {n} of {len(coords)} island coordinates not on GSHHG land")


if __name__ == "__main__":
    main()
