// Statistics against values computed independently: scipy 1.10.1
// (Debian 12 python3-scipy) and brute-force enumeration, both by
// tests/compare/reference_values.py, whose output is quoted next to each value.
#include "stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace st = anonmap::compare::stats;

namespace {

// The samples of reference_values.py.
const std::vector<double> A{10.1, 10.3, 9.8, 10.0, 10.2, 10.4};
const std::vector<double> B{11.0, 11.4, 10.9, 11.2, 11.1, 11.3};
const std::vector<double> C{3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0};
const std::vector<double> D{5.5, 3.5, 8.0, 9.5, 7.0, 10.0, 12.0};
const std::vector<double> T1{1, 2, 2, 3, 3, 3, 4, 5};
const std::vector<double> T2{3, 4, 4, 5, 5, 6, 7, 7};

std::vector<double> range(double from, double to, double plus = 0)
{
    std::vector<double> v;
    for (double x = from; x <= to; ++x)
        v.push_back(x + plus);
    return v;
}

}  // namespace

TEST(Median, OddEvenAndUnsorted)
{
    EXPECT_DOUBLE_EQ(st::median(std::vector<double>{3, 1, 2}), 2);
    EXPECT_DOUBLE_EQ(st::median(std::vector<double>{4, 1, 3, 2}), 2.5);
    EXPECT_DOUBLE_EQ(st::median(std::vector<double>{7}), 7);
    EXPECT_DOUBLE_EQ(st::median(A), 10.15);
}

TEST(Binomial, CdfMatchesScipy)
{
    // binom.cdf(1, 10, 0.5) = 0.0107421875 (= 11/1024); binom.cdf(5, 20, 0.5) = 0.020694732666015625
    EXPECT_NEAR(st::binomial_half_cdf(1, 10), 0.0107421875, 1e-15);
    EXPECT_NEAR(st::binomial_half_cdf(5, 20), 0.020694732666015625, 1e-15);
    EXPECT_DOUBLE_EQ(st::binomial_half_cdf(20, 20), 1.0);
}

TEST(MedianCI, TooFewBelowSix)
{
    // 1 - 2 * (1/2)^5 = 0.9375 < 0.95: no interval from 5 values.
    EXPECT_FALSE(st::median_ci(std::vector<double>{1, 2, 3, 4, 5}).has_value());
    EXPECT_EQ(st::min_n_for_median_ci, 6u);
}

TEST(MedianCI, OrderStatisticsMatchReference)
{
    // median_ci(A) = (9.8, 10.4, 0.96875): n = 6, [x(1), x(6)]
    auto a = st::median_ci(A);
    ASSERT_TRUE(a);
    EXPECT_DOUBLE_EQ(a->lo, 9.8);
    EXPECT_DOUBLE_EQ(a->hi, 10.4);
    EXPECT_NEAR(a->coverage, 0.96875, 1e-12);
    // median_ci(C) = (1.0, 9.0, 0.9921875): n = 8, k = 2 would cover only 0.93
    auto c = st::median_ci(C);
    ASSERT_TRUE(c);
    EXPECT_DOUBLE_EQ(c->lo, 1.0);
    EXPECT_DOUBLE_EQ(c->hi, 9.0);
    EXPECT_NEAR(c->coverage, 0.9921875, 1e-12);
    // median_ci(L1 = 1..20) = (6.0, 15.0, 0.9586105346679688): k = 6
    auto l = st::median_ci(range(1, 20));
    ASSERT_TRUE(l);
    EXPECT_DOUBLE_EQ(l->lo, 6.0);
    EXPECT_DOUBLE_EQ(l->hi, 15.0);
    EXPECT_NEAR(l->coverage, 0.9586105346679688, 1e-12);
}

TEST(UDistribution, MatchesBruteForceEnumeration)
{
    // U counts (3, 4) = [1, 1, 2, 3, 4, 4, 5, 4, 4, 3, 2, 1, 1], total C(7,3) = 35
    const std::vector<double> counts{1, 1, 2, 3, 4, 4, 5, 4, 4, 3, 2, 1, 1};
    for (auto [n1, n2] : {std::pair{3u, 4u}, std::pair{4u, 3u}}) {
        const auto dist = st::u_distribution(n1, n2);
        ASSERT_EQ(dist.size(), counts.size());
        for (std::size_t u = 0; u < counts.size(); ++u)
            EXPECT_NEAR(dist[u], counts[u] / 35.0, 1e-15) << "u=" << u;
    }
}

TEST(MannWhitney, ExactWithoutTies)
{
    // mannwhitneyu(A, B) = U1 0.0 p 0.0021645021645021645 (= 2/924)
    auto r = st::mann_whitney_u(A, B);
    EXPECT_EQ(r.method, st::UMethod::exact);
    EXPECT_FALSE(r.ties);
    EXPECT_DOUBLE_EQ(r.u1, 0.0);
    EXPECT_NEAR(r.p, 0.0021645021645021645, 1e-15);
    // Two-sided: swapping the samples changes U1, not p.
    auto s = st::mann_whitney_u(B, A);
    EXPECT_DOUBLE_EQ(s.u1, 36.0);
    EXPECT_NEAR(s.p, r.p, 1e-15);
    // mannwhitneyu(C, D) = U1 8.0 p 0.020512820512820513
    auto cd = st::mann_whitney_u(C, D);
    EXPECT_EQ(cd.method, st::UMethod::exact);
    EXPECT_DOUBLE_EQ(cd.u1, 8.0);
    EXPECT_NEAR(cd.p, 0.020512820512820513, 1e-15);
    // mannwhitneyu(A, C) = U1 48.0 p 0.000666000666000666 (6 vs 8: exact)
    auto ac = st::mann_whitney_u(A, C);
    EXPECT_EQ(ac.method, st::UMethod::exact);
    EXPECT_NEAR(ac.p, 0.000666000666000666, 1e-15);
}

TEST(MannWhitney, AsymptoticWithTies)
{
    // mannwhitneyu(T1, T2) = U1 7.5 p 0.010515245935858907 (ties -> normal, tie + continuity correction)
    auto r = st::mann_whitney_u(T1, T2);
    EXPECT_EQ(r.method, st::UMethod::asymptotic);
    EXPECT_TRUE(r.ties);
    EXPECT_DOUBLE_EQ(r.u1, 7.5);
    EXPECT_NEAR(r.p, 0.010515245935858907, 1e-12);
}

TEST(MannWhitney, AsymptoticWhenBothSidesExceedEight)
{
    // mannwhitneyu(L1 = 1..20, L2 = 5.5..19.5) = U1 120.0 p 0.3254434096483142
    auto r = st::mann_whitney_u(range(1, 20), range(1, 15, 4.5));
    EXPECT_EQ(r.method, st::UMethod::asymptotic);
    EXPECT_FALSE(r.ties);
    EXPECT_DOUBLE_EQ(r.u1, 120.0);
    EXPECT_NEAR(r.p, 0.3254434096483142, 1e-12);
}

TEST(MannWhitney, DegenerateSamples)
{
    // mannwhitneyu([1], [2]) = 1.0; mannwhitneyu([7,7,7], [7,7,7]) = 1.0
    EXPECT_DOUBLE_EQ(st::mann_whitney_u(std::vector<double>{1}, std::vector<double>{2}).p, 1.0);
    EXPECT_DOUBLE_EQ(st::mann_whitney_u(std::vector<double>{7, 7, 7}, std::vector<double>{7, 7, 7}).p, 1.0);
}

TEST(HodgesLehmann, ExactMosesInterval)
{
    // moses(A, B) = (1.0, (0.7000000000000011, 1.3000000000000007, 0.9588744588744589))
    auto ab = st::hodges_lehmann(A, B);
    EXPECT_NEAR(ab.estimate, 1.0, 1e-12);
    ASSERT_TRUE(ab.ci);
    EXPECT_NEAR(ab.ci->lo, 0.7, 1e-12);
    EXPECT_NEAR(ab.ci->hi, 1.3, 1e-12);
    EXPECT_NEAR(ab.ci->coverage, 0.9588744588744589, 1e-12);
    // moses(C, D) = (4.0, (0.5, 7.5, 0.9599067599067599))
    auto cd = st::hodges_lehmann(C, D);
    EXPECT_DOUBLE_EQ(cd.estimate, 4.0);
    ASSERT_TRUE(cd.ci);
    EXPECT_DOUBLE_EQ(cd.ci->lo, 0.5);
    EXPECT_DOUBLE_EQ(cd.ci->hi, 7.5);
    EXPECT_NEAR(cd.ci->coverage, 0.9599067599067599, 1e-12);
}

TEST(HodgesLehmann, NormalApproximationWithTies)
{
    // moses_normal(T1, T2) = k 13 hl 2.0 ci (1, 4)
    auto t = st::hodges_lehmann(T1, T2);
    EXPECT_DOUBLE_EQ(t.estimate, 2.0);
    ASSERT_TRUE(t.ci);
    EXPECT_DOUBLE_EQ(t.ci->lo, 1.0);
    EXPECT_DOUBLE_EQ(t.ci->hi, 4.0);
}

TEST(HodgesLehmann, NoIntervalFromThreeAgainstThree)
{
    // P(U <= 0) = 1/C(6,3) = 0.05 > 0.025: 95 % is out of reach.
    auto s = st::hodges_lehmann(std::vector<double>{1, 2, 3}, std::vector<double>{4, 5, 6});
    EXPECT_DOUBLE_EQ(s.estimate, 3.0);
    EXPECT_FALSE(s.ci.has_value());
}

TEST(Normal, TailAndQuantile)
{
    // norm.isf(0.025) = 1.9599639845400545, norm.sf(1.5) = 0.06680720126885807
    EXPECT_NEAR(st::normal_isf(0.025), 1.9599639845400545, 1e-12);
    EXPECT_NEAR(st::normal_sf(1.5), 0.06680720126885807, 1e-15);
}

TEST(GeometricMean, ValuesAndRefusals)
{
    // gmean([1, 2, 4, 8]) = 2.82842712474619
    EXPECT_NEAR(*st::geometric_mean(std::vector<double>{1, 2, 4, 8}), 2.82842712474619, 1e-14);
    EXPECT_FALSE(st::geometric_mean(std::vector<double>{}).has_value());
    EXPECT_FALSE(st::geometric_mean(std::vector<double>{1, 0, 2}).has_value());
    EXPECT_FALSE(st::geometric_mean(std::vector<double>{1, -2}).has_value());
}

TEST(Stats, CoefficientOfVariationIsSampleStddevOverMean)
{
    // mean 5, sample variance ((3^2 + 1 + 1 + 3^2) / 3) = 20/3, stddev 2.5820, cv 0.51640 (by hand).
    const std::vector<double> xs{2, 4, 6, 8};
    EXPECT_NEAR(st::coefficient_of_variation(xs), std::sqrt(20.0 / 3.0) / 5.0, 1e-12);
    const std::vector<double> same{3, 3, 3};
    EXPECT_EQ(st::coefficient_of_variation(same), 0.0);
}
