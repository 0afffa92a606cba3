"""Logistic regression for kg's small decision models (``kg.specificity``, ``kg.relevance``).

Rows are (features, label, weight), features a list of (name, value) pairs; weights are fitted by
full-batch gradient descent on the weighted log loss with L2 regularisation, features kept sparse.

>>> rows = [([("a", 1.0)], 1, 1.0), ([("b", 1.0)], 0, 1.0)] * 5
>>> w = fit(rows, l2=0.1)
>>> w["a"] > 1 > -1 > w["b"]
True
"""

from __future__ import annotations

import math

import numpy

Row = tuple[list[tuple[str, float]], int, float]


def fit(rows: list[Row], l2: float, steps: int = 3000, rate: float = 0.05) -> dict[str, float]:
    """Weights per feature name (those with |w| >= 0.01, rounded to 4 places), fitted with Adam (a
    plain gradient step large enough to converge in time diverges on correlated features)."""
    index = {f: i for i, f in enumerate(sorted({f for feats, _, _ in rows for f, _ in feats}))}
    cols = numpy.array([index[f] for feats, _, _ in rows for f, _ in feats], dtype=numpy.int64)
    values = numpy.array([v for feats, _, _ in rows for _, v in feats], dtype=numpy.float64)
    row_of = numpy.repeat(numpy.arange(len(rows)), [len(feats) for feats, _, _ in rows])
    y = numpy.array([label for _, label, _ in rows], dtype=numpy.float64)
    weight = numpy.array([w for _, _, w in rows], dtype=numpy.float64)
    w = numpy.zeros(len(index))
    first, second = numpy.zeros(len(index)), numpy.zeros(len(index))
    total = weight.sum()
    for step in range(1, steps + 1):
        z = numpy.bincount(row_of, weights=w[cols] * values, minlength=len(rows))
        residual = weight * (1.0 / (1.0 + numpy.exp(-z)) - y)
        grad = numpy.bincount(cols, weights=residual[row_of] * values, minlength=len(index)) / total
        grad += l2 * w / total
        first = 0.9 * first + 0.1 * grad
        second = 0.999 * second + 0.001 * grad * grad
        w -= rate * (first / (1 - 0.9**step)) / (numpy.sqrt(second / (1 - 0.999**step)) + 1e-8)
    return {f: round(float(w[i]), 4) for f, i in index.items() if abs(w[i]) >= 0.01}


def probability(weights: dict[str, float], feats: list[tuple[str, float]]) -> float:
    z = sum(weights.get(f, 0.0) * v for f, v in feats)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
