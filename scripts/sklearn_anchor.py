#!/usr/bin/python3
"""Anchor for Atelier's grouping quality: scikit-learn TF-IDF + agglomerative clustering.

Usage: /usr/bin/python3 scripts/sklearn_anchor.py FILE.csv...

Each FILE is a CSV with columns id,text,label. For each file the script fits
TfidfVectorizer (default settings) and AgglomerativeClustering (cosine distance,
average linkage) for every distance_threshold of a sweep, scores each clustering
against the labels with sklearn.metrics.adjusted_rand_score, and prints one
tab-separated line per file: file, best threshold, best ARI, clusters at best.
The best threshold is chosen per file with the labels in hand, so the anchor
gets an oracle advantage that Atelier's fixed thresholds do not have.
"""

import csv
import sys

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score
from sklearn.metrics.pairwise import cosine_distances

THRESHOLDS = [round(0.30 + 0.01 * i, 2) for i in range(70)]  # 0.30 .. 0.99


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def best(texts, labels):
    x = TfidfVectorizer().fit_transform(texts)
    dist = cosine_distances(x)
    top = (None, -2.0, 0)
    for t in THRESHOLDS:
        model = AgglomerativeClustering(
            n_clusters=None,
            metric="precomputed",
            linkage="average",
            distance_threshold=t,
        )
        pred = model.fit_predict(dist)
        score = adjusted_rand_score(labels, pred)
        if score > top[1]:
            top = (t, score, int(np.max(pred)) + 1)
    return top


def main(paths):
    for path in paths:
        texts, labels = read(path)
        t, score, k = best(texts, labels)
        print(f"{path}\t{t:.2f}\t{score:.4f}\t{k}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
