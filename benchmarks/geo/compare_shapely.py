#!/usr/bin/python3
"""Side by side, in one run: saring's point-in-area lookup against Shapely's vectorised contains
(shapely.vectorized.contains, Shapely 1.8 from Debian) over the same points and the same polygons.

Two tasks:
  kelurahan   assign each point to one of the 267 bundled kelurahan polygons
              (saring: AreaSet.find_many; Shapely: vectorized.contains per polygon, first hit wins)
  polygon     one polygon, the bundled kelurahan with the most vertices
              (saring: an AreaSet holding only that polygon; Shapely: one vectorized.contains call)

Both answers are compared point by point; disagreements are reported (expected 0). Times are
process CPU time (both sides are single-threaded), so a busy machine skews them less.

  PYTHONPATH=build/python /usr/bin/python3 benchmarks/geo/compare_shapely.py [--points N] [--repeat R]
"""
import argparse
import json
import time

import numpy as np
import shapely
import shapely.geometry
import shapely.ops
from shapely.geometry import shape
import shapely.vectorized

import saring


def best_time(fn, repeat):
    best = float("inf")
    result = None
    for _ in range(repeat):
        t0 = time.process_time()
        result = fn()
        best = min(best, time.process_time() - t0)
    return best, result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()

    fc = json.loads(saring.AreaSet.bundled_geojson("kelurahan"))
    polys = [shape(f["geometry"]) for f in fc["features"]]
    jakarta = saring.AreaSet.jakarta()
    assert jakarta.size("kelurahan") == len(polys)

    rng = np.random.default_rng(args.seed)
    print(f"shapely {shapely.__version__}, numpy {np.__version__}, saring {saring.__version__}; "
          f"{args.points:,} points, best of {args.repeat}")
    print(f"{'task':<34}{'saring pts/s':>15}{'shapely pts/s':>15}{'ratio':>8}{'disagree':>10}")

    def row(name, lat, lon, areas, shapely_polys):
        t_s, ours = best_time(lambda: areas.find_many("kelurahan", lat, lon), args.repeat)

        def with_shapely():
            out = np.full(lat.shape, -1, dtype=np.int32)
            for i, p in enumerate(shapely_polys):
                hit = shapely.vectorized.contains(p, lon, lat)
                out[hit & (out < 0)] = i
            return out

        t_p, theirs = best_time(with_shapely, args.repeat)
        disagree = int((ours != theirs).sum())
        n = len(lat)
        print(f"{name:<34}{n / t_s:>15,.0f}{n / t_p:>15,.0f}{t_p / t_s:>7.1f}x{disagree:>10}")

    # Task 1: all 267 kelurahan, points in the mainland box and in the box of the whole set.
    for name, (la0, la1, lo0, lo1) in {
        "kelurahan, mainland box": (-6.3726, -6.0741, 106.6858, 106.9734),
        "kelurahan, whole-set box": (-6.3726, -5.2024, 106.3904, 106.9734),
    }.items():
        lat = rng.uniform(la0, la1, args.points)
        lon = rng.uniform(lo0, lo1, args.points)
        row(name, lat, lon, jakarta, polys)

    # Task 2: single polygons, points in each one's bounding box: the kelurahan with the most
    # vertices, and the outline of mainland Jakarta (union of its 261 kelurahan, a few thousand
    # vertices, comparable to the 4,000-vertex polygon of the issue).
    def vertices(g):
        parts = g.geoms if g.geom_type == "MultiPolygon" else [g]
        return sum(len(p.exterior.coords) + sum(len(h.coords) for h in p.interiors) for p in parts)

    big = max(range(len(polys)), key=lambda i: vertices(polys[i]))
    mainland = shapely.ops.unary_union([p for p, f in zip(polys, fc["features"])
                                        if not f["properties"]["kode"].startswith("31.01")])
    singles = [(f"kelurahan {fc['features'][big]['properties']['nama']}", polys[big]),
               ("mainland Jakarta outline", mainland)]
    for label, poly in singles:
        one = saring.AreaSet()
        feature = {"type": "Feature", "properties": {"kode": "1", "nama": label},
                   "geometry": shapely.geometry.mapping(poly)}
        one.add_geojson(json.dumps(feature), label, level="kelurahan")
        x0, y0, x1, y1 = poly.bounds
        lat = rng.uniform(y0, y1, args.points)
        lon = rng.uniform(x0, x1, args.points)
        row(f"1 polygon, {vertices(poly)} vertices", lat, lon, one, [poly])
        print(f"  ({label})")


if __name__ == "__main__":
    main()
