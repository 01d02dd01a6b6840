// Distribution-free statistics for comparing benchmark repetitions.
//
// Everything here is a pure function of its inputs.  Samples are taken as
// spans and never modified; callers must pass finite values only.  The
// conventions follow the references named next to each function so that the
// numbers can be checked independently (the unit tests do exactly that).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace anonmap::compare::stats {

// A closed interval [lo, hi] and the coverage it was built for.  For
// order-statistic intervals the achieved coverage is reported, which is at
// least the requested one.
struct Interval {
    double lo = 0;
    double hi = 0;
    double coverage = 0;
};

// Median of a non-empty sample (mean of the two middle values for even n).
double median(std::span<const double> xs);

// Smallest sample size for which median_ci() can reach 95 % coverage.
inline constexpr std::size_t min_n_for_median_ci = 6;

// Distribution-free confidence interval for the median from order statistics:
// [x(k), x(n-k+1)] with the largest k such that the coverage
// 1 - 2 * P(Binomial(n, 1/2) <= k-1) is at least `confidence`.
// nullopt when no k >= 1 reaches it (n < 6 for 95 %).
std::optional<Interval> median_ci(std::span<const double> xs, double confidence = 0.95);

// P(Binomial(n, 1/2) <= k).
double binomial_half_cdf(std::size_t k, std::size_t n);

// Upper-tail probability of the standard normal distribution, and its inverse.
double normal_sf(double z);
double normal_isf(double p);

// Exact null distribution of the Mann-Whitney U statistic for sample sizes
// n1, n2 without ties: element u is P(U = u), u = 0 .. n1*n2.
std::vector<double> u_distribution(std::size_t n1, std::size_t n2);

// The exact distribution costs O((n1*n2)^2) and is computed only up to this
// many pairs; beyond, the normal approximation is used.  scipy has no such
// limit, but 10000 pairs (e.g. 8 against 1250 repetitions) are far beyond
// any benchmark run.
inline constexpr std::size_t max_exact_pairs = 10000;

enum class UMethod { exact, asymptotic };

struct UTest {
    double u1 = 0;   // U of the first sample: pairs (x, y) with x > y, ties count 1/2
    double p = 1;    // two-sided p-value
    UMethod method = UMethod::exact;
    bool ties = false;
};

// Two-sided Mann-Whitney U test, equal to scipy.stats.mannwhitneyu(x, y,
// alternative='two-sided', method='auto', use_continuity=True) (scipy 1.10):
// exact when there are no ties and min(n1, n2) <= 8, otherwise the normal
// approximation with tie and continuity correction.  Both samples non-empty.
UTest mann_whitney_u(std::span<const double> x, std::span<const double> y);

// Hodges-Lehmann estimate of the shift y - x (median of the n1*n2 pairwise
// differences y_j - x_i) with Moses' distribution-free confidence interval
// [d(k), d(N-k+1)]: k from the exact U distribution when there are no ties
// (largest k with 2 * P(U <= k-1) <= 1 - confidence, as R's
// wilcox.test(conf.int = TRUE)), else from the normal approximation
// k = round(N/2 - z * sqrt(n1 n2 (n1+n2+1) / 12)) (Hollander & Wolfe).
// ci is nullopt when the samples are too small to reach the coverage.
struct Shift {
    double estimate = 0;
    std::optional<Interval> ci;
};
Shift hodges_lehmann(std::span<const double> x, std::span<const double> y, double confidence = 0.95);

// Geometric mean; nullopt when empty or when any value is not > 0.
std::optional<double> geometric_mean(std::span<const double> xs);

// Sample standard deviation over the mean (Google Benchmark's "cv" aggregate); 0 when the mean is 0.
// Needs at least two values.
double coefficient_of_variation(std::span<const double> xs);

}  // namespace anonmap::compare::stats
