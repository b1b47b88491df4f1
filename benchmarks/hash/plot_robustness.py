#!/usr/bin/python3
"""Chart of eval_robustness's CSV: match rate per transform and hash, false-match rates in the title.

    /usr/bin/python3 benchmarks/hash/plot_robustness.py robustness.csv robustness.png
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(src: str, dst: str) -> None:
    rows = list(csv.DictReader(open(src)))
    hashes = ["pdq", "phash", "dhash"]
    transforms = [r["transform"] for r in rows if r["hash"] == "pdq" and not r["transform"].startswith("false_match")]
    rate = {(r["hash"], r["transform"]): float(r["rate"]) for r in rows}
    fig, ax = plt.subplots(figsize=(14, 6))
    width = 0.27
    for k, h in enumerate(hashes):
        xs = [i + (k - 1) * width for i in range(len(transforms))]
        ax.bar(xs, [rate[(h, t)] for t in transforms], width, label=h)
    ax.set_xticks(range(len(transforms)))
    ax.set_xticklabels(transforms, rotation=60, ha="right")
    ax.set_ylabel("match rate (PDQ <= 31, pHash/dHash <= 10)")
    ax.set_ylim(0, 1.05)
    fm = ", ".join(f"{h} {rate[(h, 'false_match')]:.4f}" for h in hashes)
    ax.set_title(f"Robustness of perceptual hashes; false-match rate over distinct pairs: {fm}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(dst, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
