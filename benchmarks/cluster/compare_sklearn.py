#!/usr/bin/python3
"""Side by side: scikit-learn's haversine/ball_tree DBSCAN and saring on the same reports.

Generates the synthetic Jakarta reports (jakarta_reports.py, fixed seed), then runs each
clusterer in its own child process so that wall time and peak RSS (ru_maxrss of that child) are
measured separately, checks that the labels are identical, and, with --incremental, measures the
incremental clusterer's insert rate with a full window.

  PYTHONPATH=build/python /usr/bin/python3 benchmarks/cluster/compare_sklearn.py --n 1000000
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import jakarta_reports  # noqa: E402

CHILD = r"""
import json, resource, sys, time
import numpy as np
which, data, out, eps_m, min_pts = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
d = np.load(data)
lat, lon = d["lat"], d["lon"]
if which == "sklearn":
    from sklearn.cluster import DBSCAN
    X = np.radians(np.c_[lat, lon])
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t, c = time.perf_counter(), time.process_time()
    labels = DBSCAN(eps=eps_m / 6371008.8, min_samples=min_pts, metric="haversine",
                    algorithm="ball_tree").fit(X).labels_
    dt, dc = time.perf_counter() - t, time.process_time() - c
else:
    import saring
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t, c = time.perf_counter(), time.process_time()
    labels = saring.dbscan(lat, lon, eps_m, min_pts)
    dt, dc = time.perf_counter() - t, time.process_time() - c
cpu = resource.getrusage(resource.RUSAGE_SELF)
np.save(out, labels)
print(json.dumps({"seconds": dt, "cpu_seconds": dc, "peak_rss_mb": cpu.ru_maxrss / 1024.0,
                  "rss_before_mb": rss_before / 1024.0}))
"""

INCREMENTAL = r"""
import json, sys, time
import numpy as np
import saring
data, eps_m, min_pts, window = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
d = np.load(data)
lat, lon = d["lat"], d["lon"]
n = len(lat)
ids = [str(i) for i in range(n)]
times = np.arange(n, dtype=np.int64)  # one report per second; window = `window` seconds
c = saring.IncrementalClusterer(eps_m, min_pts)
t = time.perf_counter()
c.insert_many(ids[:window], lat[:window], lon[:window], times[:window], window)
fill = time.perf_counter() - t
t = time.perf_counter()
c.insert_many(ids[window:], lat[window:], lon[window:], times[window:], window)
steady = time.perf_counter() - t
print(json.dumps({"fill_seconds": fill, "fill_rate": window / fill, "steady_seconds": steady,
                  "steady_rate": (n - window) / steady, "held": len(c), "clusters": c.cluster_count}))
"""


def run_child(args, env):
    res = subprocess.run([sys.executable, "-c", *args], capture_output=True, text=True, env=env)
    if res.returncode != 0:
        sys.exit(f"child failed: {res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--eps-m", type=float, default=50.0)
    ap.add_argument("--min-pts", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--skip-sklearn", action="store_true", help="only run saring")
    ap.add_argument("--incremental", type=int, default=0, metavar="WINDOW",
                    help="also time the incremental clusterer: insert 2*WINDOW reports, window WINDOW")
    args = ap.parse_args()
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        lat, lon = jakarta_reports.generate(args.n, seed=args.seed)
        data = os.path.join(tmp, "data.npz")
        np.savez(data, lat=lat, lon=lon)
        result = {"n": args.n, "eps_m": args.eps_m, "min_pts": args.min_pts}
        labels = {}
        for which in (["saring"] if args.skip_sklearn else ["sklearn", "saring"]):
            out = os.path.join(tmp, which + ".npy")
            result[which] = run_child([CHILD, which, data, out, str(args.eps_m), str(args.min_pts)], env)
            labels[which] = np.load(out)
        ref = labels.get("sklearn")
        got = labels["saring"]
        result["clusters"] = int(got.max() + 1)
        result["noise_fraction"] = float((got < 0).mean())
        if ref is not None:
            result["labels_identical"] = bool(np.array_equal(ref, got))
            # Wall time on a shared machine swings with the load; CPU time of the call is steadier.
            result["speedup_wall"] = result["sklearn"]["seconds"] / result["saring"]["seconds"]
            result["speedup_cpu"] = result["sklearn"]["cpu_seconds"] / result["saring"]["cpu_seconds"]
            result["memory_ratio"] = result["saring"]["peak_rss_mb"] / result["sklearn"]["peak_rss_mb"]
        if args.incremental:
            lat2, lon2 = jakarta_reports.generate(2 * args.incremental, seed=args.seed + 1)
            data2 = os.path.join(tmp, "inc.npz")
            np.savez(data2, lat=lat2, lon=lon2)
            result["incremental"] = run_child([INCREMENTAL, data2, str(args.eps_m), str(args.min_pts),
                                               str(args.incremental)], env)
        print(json.dumps(result, indent=2))
        if ref is not None and not result["labels_identical"]:
            sys.exit("labels differ")


if __name__ == "__main__":
    main()
