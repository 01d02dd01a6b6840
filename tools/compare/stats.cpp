#include "stats.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

namespace anonmap::compare::stats {

namespace {

std::vector<double> sorted_copy(std::span<const double> xs)
{
    std::vector<double> v(xs.begin(), xs.end());
    std::sort(v.begin(), v.end());
    return v;
}

double median_of_sorted(const std::vector<double>& v)
{
    assert(!v.empty());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Cumulative distribution of U: cdf[u] = P(U <= u).
std::vector<double> u_cdf(std::size_t n1, std::size_t n2)
{
    std::vector<double> cdf = u_distribution(n1, n2);
    std::partial_sum(cdf.begin(), cdf.end(), cdf.begin());
    return cdf;
}

bool exact_u_feasible(std::size_t n1, std::size_t n2)
{
    return n1 * n2 <= max_exact_pairs;
}

}  // namespace

double median(std::span<const double> xs)
{
    return median_of_sorted(sorted_copy(xs));
}

double binomial_half_cdf(std::size_t k, std::size_t n)
{
    if (k >= n)
        return 1.0;
    const double dn = static_cast<double>(n);
    const double log_norm = std::lgamma(dn + 1) - dn * std::log(2.0);
    double sum = 0;
    for (std::size_t i = 0; i <= k; ++i) {
        const double di = static_cast<double>(i);
        sum += std::exp(log_norm - std::lgamma(di + 1) - std::lgamma(dn - di + 1));
    }
    return std::min(sum, 1.0);
}

std::optional<Interval> median_ci(std::span<const double> xs, double confidence)
{
    const std::size_t n = xs.size();
    // Interval [x(k), x(n-k+1)] (1-based) covers the median with probability
    // 1 - 2 P(B <= k-1); it shrinks as k grows, so take the largest k.
    auto coverage = [n](std::size_t k) { return 1.0 - 2.0 * binomial_half_cdf(k - 1, n); };
    if (n == 0 || coverage(1) < confidence)
        return std::nullopt;
    std::size_t k = 1;
    while (k + 1 <= n - k && coverage(k + 1) >= confidence)
        ++k;
    const std::vector<double> v = sorted_copy(xs);
    return Interval{v[k - 1], v[n - k], coverage(k)};
}

double normal_sf(double z)
{
    return 0.5 * std::erfc(z / std::sqrt(2.0));
}

double normal_isf(double p)
{
    // Bisection on the monotone normal_sf: 200 halvings of [-40, 40] reach
    // the resolution of double, and this is called a handful of times.
    double lo = -40, hi = 40;
    for (int i = 0; i < 200; ++i) {
        const double mid = (lo + hi) / 2;
        (normal_sf(mid) > p ? lo : hi) = mid;
    }
    return (lo + hi) / 2;
}

std::vector<double> u_distribution(std::size_t n1, std::size_t n2)
{
    // Number of orderings of n1 x's and n2 y's with U = u, by the recurrence
    // on the largest element: f(i, j)(u) = f(i-1, j)(u - j) + f(i, j-1)(u).
    // Only additions, so every count keeps full relative precision.
    if (n1 > n2)
        std::swap(n1, n2);  // the distribution is symmetric in (n1, n2)
    const std::size_t len = n1 * n2 + 1;
    std::vector<std::vector<double>> f(n1 + 1, std::vector<double>(len, 0.0));
    for (auto& poly : f)
        poly[0] = 1;  // j = 0: one ordering, U = 0
    for (std::size_t j = 1; j <= n2; ++j)
        for (std::size_t i = 1; i <= n1; ++i)
            for (std::size_t u = i * j + 1; u-- > j;)
                f[i][u] += f[i - 1][u - j];
    std::vector<double> dist = std::move(f[n1]);
    const double total = std::accumulate(dist.begin(), dist.end(), 0.0);
    for (double& d : dist)
        d /= total;
    return dist;
}

UTest mann_whitney_u(std::span<const double> x, std::span<const double> y)
{
    assert(!x.empty() && !y.empty());
    const std::size_t n1 = x.size(), n2 = y.size(), n = n1 + n2;

    // Midranks of the pooled sample; tie_term = sum(t^3 - t) over tie groups.
    std::vector<std::pair<double, bool>> pooled;  // (value, from x)
    pooled.reserve(n);
    for (double v : x)
        pooled.emplace_back(v, true);
    for (double v : y)
        pooled.emplace_back(v, false);
    std::sort(pooled.begin(), pooled.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    double rank_sum_x = 0, tie_term = 0;
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        while (j < n && pooled[j].first == pooled[i].first)
            ++j;
        const double t = static_cast<double>(j - i);
        const double midrank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
        for (std::size_t k = i; k < j; ++k)
            if (pooled[k].second)
                rank_sum_x += midrank;
        tie_term += t * t * t - t;
        i = j;
    }

    const double dn1 = static_cast<double>(n1), dn2 = static_cast<double>(n2);
    const double dn = static_cast<double>(n);
    UTest r;
    r.u1 = rank_sum_x - dn1 * (dn1 + 1) / 2;
    r.ties = tie_term > 0;
    const double u = std::max(r.u1, dn1 * dn2 - r.u1);

    const bool exact = !(n1 > 8 && n2 > 8) && !r.ties && exact_u_feasible(n1, n2);
    if (exact) {
        r.method = UMethod::exact;
        const std::vector<double> dist = u_distribution(n1, n2);
        const auto first = static_cast<std::size_t>(std::llround(u));
        double sf = 0;  // P(U >= u)
        for (std::size_t k = first; k < dist.size(); ++k)
            sf += dist[k];
        r.p = 2 * sf;
    } else {
        r.method = UMethod::asymptotic;
        const double mu = dn1 * dn2 / 2;
        const double var = dn1 * dn2 / 12 * ((dn + 1) - tie_term / (dn * (dn - 1)));
        r.p = var > 0 ? 2 * normal_sf((u - mu - 0.5) / std::sqrt(var)) : 1.0;
    }
    r.p = std::clamp(r.p, 0.0, 1.0);
    return r;
}

Shift hodges_lehmann(std::span<const double> x, std::span<const double> y, double confidence)
{
    assert(!x.empty() && !y.empty());
    const std::size_t n1 = x.size(), n2 = y.size(), pairs = n1 * n2;
    std::vector<double> d;
    d.reserve(pairs);
    for (double xi : x)
        for (double yj : y)
            d.push_back(yj - xi);
    std::sort(d.begin(), d.end());

    Shift s;
    s.estimate = median_of_sorted(d);

    bool ties = false;
    {
        std::vector<double> pooled(x.begin(), x.end());
        pooled.insert(pooled.end(), y.begin(), y.end());
        std::sort(pooled.begin(), pooled.end());
        ties = std::adjacent_find(pooled.begin(), pooled.end()) != pooled.end();
    }

    const double alpha = 1 - confidence;
    std::size_t k = 0;  // 1-based rank of the lower bound; 0 = not reachable
    double coverage = confidence;
    if (!ties && exact_u_feasible(n1, n2)) {
        const std::vector<double> cdf = u_cdf(n1, n2);
        // R: qu = qwilcox(alpha/2, n1, n2), the smallest q with P(U <= q) >= alpha/2.
        std::size_t qu = 0;
        while (qu < cdf.size() && cdf[qu] < alpha / 2)
            ++qu;
        if (qu > 0) {
            k = qu;
            coverage = 1 - 2 * cdf[qu - 1];
        }
    } else {
        const double dn1 = static_cast<double>(n1), dn2 = static_cast<double>(n2);
        const double c = dn1 * dn2 / 2 -
                         normal_isf(alpha / 2) * std::sqrt(dn1 * dn2 * (dn1 + dn2 + 1) / 12);
        const double kr = std::round(c);
        if (kr >= 1)
            k = static_cast<std::size_t>(kr);
    }
    if (k >= 1 && k <= pairs - k + 1)
        s.ci = Interval{d[k - 1], d[pairs - k], coverage};
    return s;
}

std::optional<double> geometric_mean(std::span<const double> xs)
{
    if (xs.empty())
        return std::nullopt;
    double log_sum = 0;
    for (double v : xs) {
        if (!(v > 0) || !std::isfinite(v))
            return std::nullopt;
        log_sum += std::log(v);
    }
    return std::exp(log_sum / static_cast<double>(xs.size()));
}

double coefficient_of_variation(std::span<const double> xs)
{
    double sum = 0;
    for (double x : xs)
        sum += x;
    const double mean = sum / static_cast<double>(xs.size());
    double squares = 0;
    for (double x : xs)
        squares += (x - mean) * (x - mean);
    const double stddev = std::sqrt(squares / static_cast<double>(xs.size() - 1));
    return mean == 0 ? 0.0 : std::fabs(stddev / mean);
}

}  // namespace anonmap::compare::stats
