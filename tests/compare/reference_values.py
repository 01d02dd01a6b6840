#!/usr/bin/python3
"""Independent reference values for stats_test.cpp.

Not run by the test suite (CI has no scipy); run it by hand to re-derive the
constants written in stats_test.cpp:  /usr/bin/python3 reference_values.py
Made with Debian 12's python3-scipy 1.10.1.  The exact distributions are
enumerated by brute force over all rank assignments (itertools), not with
the recurrence that stats.cpp uses.
"""
import itertools
import math
from fractions import Fraction

from scipy import stats


def u_counts(n1, n2):
    """Number of rank sets of the first sample for each value of U (brute force)."""
    counts = [0] * (n1 * n2 + 1)
    for ranks in itertools.combinations(range(1, n1 + n2 + 1), n1):
        counts[sum(ranks) - n1 * (n1 + 1) // 2] += 1
    return counts


def moses(x, y, conf=0.95):
    """Hodges-Lehmann shift and Moses interval, as R's wilcox.test(conf.int=TRUE)."""
    d = sorted(b - a for a in x for b in y)
    n = len(d)
    hl = (d[(n - 1) // 2] + d[n // 2]) / 2
    counts = u_counts(len(x), len(y))
    total = sum(counts)
    cdf, acc = [], 0
    for c in counts:
        acc += c
        cdf.append(Fraction(acc, total))
    alpha = Fraction(1) - Fraction(conf).limit_denominator(1000)
    qu = next(q for q, p in enumerate(cdf) if p >= alpha / 2)
    if qu == 0:
        return hl, None
    return hl, (d[qu - 1], d[n - qu], float(1 - 2 * cdf[qu - 1]))


def median_ci(xs, conf=0.95):
    n = len(xs)
    s = sorted(xs)
    best = None
    for k in range(1, n // 2 + 1):
        cov = 1 - 2 * stats.binom.cdf(k - 1, n, 0.5)
        if cov >= conf:
            best = (s[k - 1], s[n - k], cov)
    return best


samples = {
    "A": [10.1, 10.3, 9.8, 10.0, 10.2, 10.4],
    "B": [11.0, 11.4, 10.9, 11.2, 11.1, 11.3],
    "C": [3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0],
    "D": [5.5, 3.5, 8.0, 9.5, 7.0, 10.0, 12.0],
    "T1": [1, 2, 2, 3, 3, 3, 4, 5],
    "T2": [3, 4, 4, 5, 5, 6, 7, 7],
    "L1": [float(v) for v in range(1, 21)],
    "L2": [v + 4.5 for v in range(1, 16)],
}

print("binom.cdf(1, 10) =", stats.binom.cdf(1, 10, 0.5))
print("binom.cdf(5, 20) =", stats.binom.cdf(5, 20, 0.5))
print("U counts (3, 4) =", u_counts(3, 4))
for name in ["A", "C", "L1"]:
    print(f"median_ci({name}) =", median_ci(samples[name]))
for a, b in [("A", "B"), ("C", "D"), ("T1", "T2"), ("L1", "L2"), ("A", "C")]:
    r = stats.mannwhitneyu(samples[a], samples[b], alternative="two-sided", method="auto")
    print(f"mannwhitneyu({a}, {b}) = U1 {r.statistic!r} p {r.pvalue!r}")
for a, b in [("A", "B"), ("C", "D")]:
    print(f"moses({a}, {b}) =", moses(samples[a], samples[b]))
print("mannwhitneyu([1], [2]) =", stats.mannwhitneyu([1], [2], method="auto").pvalue)
print("mannwhitneyu(all 7) =", stats.mannwhitneyu([7, 7, 7], [7, 7, 7], method="auto").pvalue)
print("gmean([1, 2, 4, 8]) =", stats.gmean([1, 2, 4, 8]))
print("norm.isf(0.025) =", stats.norm.isf(0.025), " norm.sf(1.5) =", stats.norm.sf(1.5))

# Moses interval with ties: the normal approximation (Hollander & Wolfe),
# k = round(N/2 - z(0.975) * sqrt(n1 n2 (n1+n2+1) / 12)), [d(k), d(N-k+1)].
x, y = samples["T1"], samples["T2"]
d = sorted(b - a for a in x for b in y)
k = round(len(d) / 2 - stats.norm.isf(0.025) * math.sqrt(len(x) * len(y) * (len(x) + len(y) + 1) / 12))
print("moses_normal(T1, T2) = k", k, "hl", (d[31] + d[32]) / 2, "ci", (d[k - 1], d[len(d) - k]))
