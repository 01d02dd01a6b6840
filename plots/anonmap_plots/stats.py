"""Median and a distribution-free confidence interval of the median (the same method as anonmap-compare).

For n sorted samples x(1) <= ... <= x(n), the interval [x(k), x(n-k+1)] covers the population median with
probability 1 - 2 P(B <= k-1), B ~ Binomial(n, 1/2). The largest k whose coverage is still >= 95% gives the
narrowest such interval. For n < 6 even [x(1), x(n)] covers less than 95% (n = 5: 93.75%): no interval.
"""

import math

CONFIDENCE = 0.95
MIN_SAMPLES_FOR_CI = 6


def median(values):
    v = sorted(values)
    n = len(v)
    if n == 0:
        return None
    mid = n // 2
    return v[mid] if n % 2 else (v[mid - 1] + v[mid]) / 2


def binomial_half_cdf(k, n):
    """P(B <= k) for B ~ Binomial(n, 1/2)."""
    if k < 0:
        return 0.0
    return sum(math.comb(n, i) for i in range(0, min(k, n) + 1)) / 2.0 ** n


def median_ci(values, confidence=CONFIDENCE):
    """(low, high) of the median's confidence interval, or None when there are too few samples."""
    v = sorted(values)
    n = len(v)

    def coverage(k):
        return 1.0 - 2.0 * binomial_half_cdf(k - 1, n)

    if n == 0 or coverage(1) < confidence:
        return None
    k = 1
    while k + 1 <= n - k and coverage(k + 1) >= confidence:
        k += 1
    return v[k - 1], v[n - k]


class Summary:
    """Median, its interval (or None) and the number of samples of one counter in one cell."""

    def __init__(self, values):
        self.n = len(values)
        self.median = median(values)
        self.ci = median_ci(values)

    @property
    def low(self):
        return self.ci[0] if self.ci else None

    @property
    def high(self):
        return self.ci[1] if self.ci else None


def summarize(cell, counter):
    """Summary of one counter in one cell, or None when the cell has no good repetition with it."""
    if cell is None:
        return None
    values = cell.values(counter)
    return Summary(values) if values else None
