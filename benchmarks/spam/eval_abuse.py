#!/usr/bin/python3
"""How well the SPAM_ABUSE rule (saring's own abusive-word list) finds abusive tweets.

Reads a CSV with a text column and a 0/1 abusive column (e.g. the Indonesian hate-speech and
abusive-language Twitter set, CC BY-NC-SA: measuring only, never copied into the repository) and
prints precision, recall and F1 of "SPAM_ABUSE fired" against the label.

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/spam/eval_abuse.py \
        --data /work/shared/data/text/id_hate_abusive_twitter.csv --text-col Tweet --label-col Abusive
"""
import argparse

import saring


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--text-col", default="Tweet")
    ap.add_argument("--label-col", default="Abusive")
    args = ap.parse_args()
    texts, labels = saring.read_labeled_csv(args.data, args.text_col, args.label_col)
    tp = fp = fn = 0
    for text, y in zip(texts, labels):
        fired = any(code == "SPAM_ABUSE" for code, *_ in saring.spam_rules(text))
        tp += fired and y == 1
        fp += fired and y == 0
        fn += (not fired) and y == 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"{len(texts)} texts, {sum(labels)} abusive")
    print(f"SPAM_ABUSE  precision {precision:.4f}  recall {recall:.4f}  f1 {f1:.4f}")


if __name__ == "__main__":
    main()
