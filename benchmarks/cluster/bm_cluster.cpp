// Clustering throughput on synthetic Jakarta reports (the same recipe as jakarta_reports.py:
// 80 % in 10,000 Gaussian hot spots of 20-300 m with Zipf-like sizes, 20 % background, in a
// 30 km x 30 km box; fixed seed). eps 50 m, min_pts 3.
//   BM_ClusterBatch/N              batch dbscan() over N reports (scikit-learn-compatible labels)
//   BM_ClusterBatchSpaceTime/N     ST-DBSCAN, eps_time 1 h over a 30-day spread (general path)
//   BM_ClusterIncrementalInsert/W  one insert + one expiry with a window of W reports held (also the
//                                  median, 99th percentile and largest step, and the share of time
//                                  in the slowest 0.1 % of steps)
// The side-by-side with scikit-learn (same data, same labels) is compare_sklearn.py.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "jakarta_synthetic.hpp"
#include "saring/cluster/dbscan.hpp"
#include "saring/cluster/incremental.hpp"

namespace {

using saring_bench::jakarta;
using saring_bench::Reports;

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
  // Each step's wall time too: the mean hides a heavy tail (a removal that leaves a giant cluster
  // connected only by a long detour needs a long search), so the percentiles are reported with it.
  std::vector<double> step_us;
  step_us.reserve(1 << 20);
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    events += c.expire_oldest().size();
    events += c.insert(point(next++)).size();
    step_us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  state.counters["held"] = static_cast<double>(c.size());
  state.counters["events_per_insert"] = static_cast<double>(events) / static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
  if (!step_us.empty()) {
    double total = 0;
    for (double t : step_us) total += t;
    std::sort(step_us.begin(), step_us.end());
    auto pct = [&](double q) { return step_us[std::min(step_us.size() - 1, static_cast<std::size_t>(q * static_cast<double>(step_us.size())))]; };
    state.counters["p50_us"] = pct(0.50);
    state.counters["p99_us"] = pct(0.99);
    state.counters["max_us"] = step_us.back();
    // Share of all step time spent in the slowest 0.1 % of steps.
    double top = 0;
    for (std::size_t i = step_us.size() - std::max<std::size_t>(1, step_us.size() / 1000); i < step_us.size(); ++i) top += step_us[i];
    state.counters["top0.1%_share"] = total > 0 ? top / total : 0.0;
  }
}
BENCHMARK(BM_ClusterIncrementalInsert)->Arg(10'000)->Arg(100'000)->Arg(200'000)->Arg(300'000)->Arg(500'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

}  // namespace
