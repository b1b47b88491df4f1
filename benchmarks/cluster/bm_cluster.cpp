// Clustering throughput on synthetic Jakarta reports (the same recipe as jakarta_reports.py:
// 80 % in 10,000 Gaussian hot spots of 20-300 m with Zipf-like sizes, 20 % background, in a
// 30 km x 30 km box; fixed seed). eps 50 m, min_pts 3.
//   BM_ClusterBatch/N              batch dbscan() over N reports (scikit-learn-compatible labels)
//   BM_ClusterBatchSpaceTime/N     ST-DBSCAN, eps_time 1 h over a 30-day spread (general path)
//   BM_ClusterIncrementalInsert/W  one insert + one expiry with a window of W reports held
// The side-by-side with scikit-learn (same data, same labels) is compare_sklearn.py.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "saring/cluster/dbscan.hpp"
#include "saring/cluster/incremental.hpp"

namespace {

struct Reports {
  std::vector<double> lat, lon;
  std::vector<std::int64_t> time;
};

Reports jakarta(std::size_t n, std::uint64_t seed = 20261128) {
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

void BM_ClusterBatch(benchmark::State& state) {
  const Reports r = jakarta(static_cast<std::size_t>(state.range(0)));
  saring::DbscanOptions o;
  o.eps_m = 50;
  o.min_pts = 3;
  std::size_t clusters = 0;
  for (auto _ : state) {
    const auto labels = saring::dbscan(saring::DbscanInput{r.lat, r.lon, {}, {}}, o);
    clusters = 0;
    for (auto l : labels) clusters = std::max<std::size_t>(clusters, static_cast<std::size_t>(l + 1));
    benchmark::DoNotOptimize(labels.data());
  }
  state.counters["clusters"] = static_cast<double>(clusters);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ClusterBatch)->RangeMultiplier(10)->Range(10'000, 1'000'000)->Unit(benchmark::kMillisecond);

void BM_ClusterBatchSpaceTime(benchmark::State& state) {
  const Reports r = jakarta(static_cast<std::size_t>(state.range(0)));
  saring::DbscanOptions o;
  o.eps_m = 50;
  o.min_pts = 3;
  o.eps_time_s = 3600;
  for (auto _ : state) {
    const auto labels = saring::dbscan(saring::DbscanInput{r.lat, r.lon, r.time, {}}, o);
    benchmark::DoNotOptimize(labels.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ClusterBatchSpaceTime)->RangeMultiplier(10)->Range(10'000, 1'000'000)->Unit(benchmark::kMillisecond);

void BM_ClusterIncrementalInsert(benchmark::State& state) {
  const std::size_t window = static_cast<std::size_t>(state.range(0));
  const std::size_t pool = 2 * window + 100'000;
  const Reports r = jakarta(pool, 77);
  saring::DbscanOptions o;
  o.eps_m = 50;
  o.min_pts = 3;
  saring::IncrementalClusterer c(o);
  std::size_t next = 0;
  auto point = [&](std::size_t k) {
    const std::size_t i = k % pool;
    return saring::ClusterPoint{std::to_string(k), r.lat[i], r.lon[i], static_cast<std::int64_t>(k), {}};
  };
  for (; next < window; ++next) c.insert(point(next));  // fill the window (not timed)
  std::size_t events = 0;
  for (auto _ : state) {
    events += c.expire_oldest().size();
    events += c.insert(point(next++)).size();
  }
  state.counters["held"] = static_cast<double>(c.size());
  state.counters["events_per_insert"] = static_cast<double>(events) / static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClusterIncrementalInsert)->RangeMultiplier(10)->Range(10'000, 1'000'000)->Unit(benchmark::kMicrosecond);

}  // namespace
