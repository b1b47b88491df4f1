#!/usr/bin/python3
"""Using saring's filter from Python: judge the bundled demo reports, print the interesting
verdicts, and score them against the demo's ground truth.

    PYTHONPATH=build/python /usr/bin/python3 examples/filter_example.py
"""
import collections

import saring


def main():
    demo = saring.find_demo_dir()
    options = saring.FilterOptions.load(overrides=["journal.sync=none", "categories.banjir.radius_m=400"])
    f = saring.Filter(options)  # in memory; pass a directory to keep state across runs
    verdicts = []
    for report in saring.load_demo_reports(demo):
        v = f.submit(report)
        verdicts.append(v)
        if v.decision != "accept" and len(verdicts) < 120:
            top = v.reasons[0]
            print(f"{v.id:10} {v.decision:9} {top.code:28} {top.detail}")
    counts = collections.Counter(v.decision for v in verdicts)
    print("\ndecisions:", dict(counts))
    score = saring.score_demo(verdicts, demo)
    for d in ("accept", "duplicate", "review", "reject"):
        s = score[d]
        print(f"{d:10} precision {s['precision']:.3f} recall {s['recall']:.3f}")


if __name__ == "__main__":
    main()
