// Synthetic Jakarta reports for the clustering benchmarks (bm_cluster.cpp, ab_incremental.cpp):
// the recipe of jakarta_reports.py. 80 % in 10,000 Gaussian hot spots of 20-300 m with Zipf-like
// sizes, 20 % background, in a 30 km x 30 km box around (-6.2, 106.85); times over 30 days.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace saring_bench {

struct Reports {
  std::vector<double> lat, lon;
  std::vector<std::int64_t> time;
};

inline Reports jakarta(std::size_t n, std::uint64_t seed = 20261128) {
  std::mt19937_64 rng(seed);
  constexpr double kHalf = 15000.0, kLat0 = -6.2, kLon0 = 106.85;
  const double m_per_deg_lat = 6371008.8 * M_PI / 180.0;
  const double m_per_deg_lon = m_per_deg_lat * std::cos(kLat0 * M_PI / 180.0);
  constexpr int kBlobs = 10000;
  std::uniform_real_distribution<double> box(-kHalf, kHalf), logs(std::log(20.0), std::log(300.0));
  std::vector<double> cx(kBlobs), cy(kBlobs), sigma(kBlobs), weight(kBlobs);
  for (int b = 0; b < kBlobs; ++b) {
    cx[b] = box(rng);
    cy[b] = box(rng);
    sigma[b] = std::exp(logs(rng));
    weight[b] = 1.0 / std::sqrt(b + 1.0);
  }
  std::discrete_distribution<int> pick(weight.begin(), weight.end());
  std::normal_distribution<double> g(0.0, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Reports r;
  for (std::size_t i = 0; i < n; ++i) {
    double x, y;
    if (u(rng) < 0.8) {
      const int b = pick(rng);
      x = cx[b] + g(rng) * sigma[b];
      y = cy[b] + g(rng) * sigma[b];
    } else {
      x = box(rng);
      y = box(rng);
    }
    x = std::fmax(-kHalf, std::fmin(kHalf, x));
    y = std::fmax(-kHalf, std::fmin(kHalf, y));
    r.lat.push_back(kLat0 + y / m_per_deg_lat);
    r.lon.push_back(kLon0 + x / m_per_deg_lon);
    r.time.push_back(static_cast<std::int64_t>(u(rng) * 30 * 86400));
  }
  return r;
}

}  // namespace saring_bench
