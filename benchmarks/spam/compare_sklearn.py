#!/usr/bin/python3
"""Spam vs normal on Indonesian SMS: saring's model against scikit-learn, same folds.

spam = fraud (1) + promo (2), normal = 0. Stratified k-fold cross-validation (repeated with
different shuffles); for every fold both systems train on the same texts and score the same
held-out texts. saring runs with its default options. scikit-learn gets TF-IDF over word 1-2-grams
and char_wb 2-5-grams (sublinear tf) + LogisticRegression(class_weight="balanced"), with C picked
from a small grid as the best on the test folds (an optimistic choice in scikit-learn's favour).

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/spam/compare_sklearn.py \
        --data /work/shared/data/text/sms_spam_id.csv --folds 5 --repeats 3
"""
import argparse
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline, make_union

import saring


def sklearn_model(c):
    features = make_union(
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, lowercase=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True),
    )
    return make_pipeline(features, LogisticRegression(C=c, class_weight="balanced", max_iter=5000))


def metrics(y, p):
    pred = (p >= 0.5).astype(int)
    return (roc_auc_score(y, p), f1_score(y, pred), precision_score(y, pred), recall_score(y, pred))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--text-col", default="teks")
    ap.add_argument("--label-col", default="label")
    ap.add_argument("--spam-labels", default="1,2")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--grid", default="1,10,100", help="C values tried for scikit-learn")
    args = ap.parse_args()

    # The CSV goes through saring's RFC 4180 reader, so both systems see identical texts.
    texts, labels = saring.read_labeled_csv(args.data, args.text_col, args.label_col, args.spam_labels.split(","))
    y = np.array(labels)
    texts_np = np.array(texts, dtype=object)
    grid = [float(c) for c in args.grid.split(",")]

    rows = {"saring": [], **{f"sklearn C={c:g}": [] for c in grid}}
    seconds = {k: 0.0 for k in rows}
    for rep in range(args.repeats):
        skf = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=rep)
        oof = {k: np.zeros(len(y)) for k in rows}
        for train, test in skf.split(texts_np, y):
            t0 = time.perf_counter()
            model = saring.SpamModel.train([texts[i] for i in train], [int(v) for v in y[train]])
            oof["saring"][test] = model.predict_many([texts[i] for i in test])
            seconds["saring"] += time.perf_counter() - t0
            for c in grid:
                t0 = time.perf_counter()
                sk = sklearn_model(c).fit(texts_np[train], y[train])
                oof[f"sklearn C={c:g}"][test] = sk.predict_proba(texts_np[test])[:, 1]
                seconds[f"sklearn C={c:g}"] += time.perf_counter() - t0
        for k in rows:
            rows[k].append(metrics(y, oof[k]))

    print(f"{len(y)} texts ({int(y.sum())} spam), {args.folds}-fold CV x {args.repeats} shuffles, threshold 0.5")
    print("| system | ROC-AUC | F1 | precision | recall | train+predict s (all folds) |")
    print("| --- | --- | --- | --- | --- | --- |")
    best_sk = max((k for k in rows if k != "saring"), key=lambda k: np.mean([r[0] for r in rows[k]]))
    for k in rows:
        m = np.array(rows[k])
        mean, sd = m.mean(axis=0), m.std(axis=0)
        mark = " (best scikit-learn by ROC-AUC)" if k == best_sk else ""
        print(f"| {k}{mark} | {mean[0]:.4f} ± {sd[0]:.4f} | {mean[1]:.4f} ± {sd[1]:.4f} | {mean[2]:.4f} | "
              f"{mean[3]:.4f} | {seconds[k]:.1f} |")


if __name__ == "__main__":
    main()
