// Point-to-area lookup speed on the bundled Jakarta set: saring's grid index (find_many, find,
// lookup of the whole chain) against GEOS prepared geometries behind an STRtree (find_all_geos,
// the reference path) on the same random points, plus the full geotag evaluation.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "saring/core/time.hpp"
#include "saring/geo/areas.hpp"
#include "saring/geo/geotag.hpp"

namespace {

struct Points {
  std::vector<double> lat, lon;
};

// Uniform points in a box; the default is the bounding box of all 267 kelurahan (mainland and
// Kepulauan Seribu), where most of the area is sea.
Points random_points(std::size_t n, double lat0, double lat1, double lon0, double lon1, std::uint64_t seed = 42) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> la(lat0, lat1), lo(lon0, lon1);
  Points p;
  p.lat.resize(n);
  p.lon.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    p.lat[i] = la(rng);
    p.lon[i] = lo(rng);
  }
  return p;
}
Points jakarta_bbox(std::size_t n) { return random_points(n, -6.3726, -5.2024, 106.3904, 106.9734); }
Points mainland_bbox(std::size_t n) { return random_points(n, -6.3726, -6.0741, 106.6858, 106.9734); }

void run_find_many(benchmark::State& state, const Points& p) {
  const auto& areas = saring::AreaSet::jakarta();
  std::vector<std::int32_t> out(p.lat.size());
  for (auto _ : state) {
    areas.find_many(saring::AreaLevel::kKelurahan, p.lat, p.lon, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  std::size_t hits = 0;
  for (auto v : out) hits += v >= 0;
  state.counters["hit_fraction"] = static_cast<double>(hits) / static_cast<double>(out.size());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * p.lat.size()));
}

// Points/s to kelurahan over random points in the Jakarta bounding box.
void BM_GeoLookup(benchmark::State& state) {
  const Points p = jakarta_bbox(static_cast<std::size_t>(state.range(0)));
  run_find_many(state, p);
}
BENCHMARK(BM_GeoLookup)->RangeMultiplier(10)->Range(10'000, 1'000'000)->Unit(benchmark::kMillisecond);

// The same over the mainland box only (72 % of points in some kelurahan, more boundary cells).
void BM_GeoLookupMainland(benchmark::State& state) {
  const Points p = mainland_bbox(static_cast<std::size_t>(state.range(0)));
  run_find_many(state, p);
}
BENCHMARK(BM_GeoLookupMainland)->RangeMultiplier(10)->Range(10'000, 1'000'000)->Unit(benchmark::kMillisecond);

// The whole chain (four levels, names and codes copied into AreaRefs).
void BM_GeoLookupChain(benchmark::State& state) {
  const auto& areas = saring::AreaSet::jakarta();
  const Points p = mainland_bbox(100'000);
  std::size_t i = 0;
  for (auto _ : state) {
    auto chain = areas.lookup(p.lat[i], p.lon[i]);
    benchmark::DoNotOptimize(chain);
    if (++i == p.lat.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GeoLookupChain);

// The reference: GEOS STRtree query + prepared-geometry contains, per point (one lock per call).
void run_geos(benchmark::State& state, const Points& p) {
  const auto& areas = saring::AreaSet::jakarta();
  std::size_t i = 0;
  for (auto _ : state) {
    auto hits = areas.find_all_geos(saring::AreaLevel::kKelurahan, p.lat[i], p.lon[i]);
    benchmark::DoNotOptimize(hits);
    if (++i == p.lat.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_GeoLookupGeosPrepared(benchmark::State& state) { run_geos(state, jakarta_bbox(100'000)); }
BENCHMARK(BM_GeoLookupGeosPrepared);
void BM_GeoLookupGeosPreparedMainland(benchmark::State& state) { run_geos(state, mainland_bbox(100'000)); }
BENCHMARK(BM_GeoLookupGeosPreparedMainland);

// One report through every check (areas, precision, emulator list; no photos, no history).
void BM_GeoEvaluate(benchmark::State& state) {
  const saring::GeotagChecker checker(saring::AreaSet::jakarta());
  const Points p = mainland_bbox(10'000);
  saring::Report r;
  r.id = "r";
  r.time = saring::parse_rfc3339("2026-11-28T08:15:00+07:00");
  r.accuracy_m = 12;
  std::size_t i = 0;
  for (auto _ : state) {
    r.lat = p.lat[i];
    r.lon = p.lon[i];
    auto res = checker.evaluate(r);
    benchmark::DoNotOptimize(res);
    if (++i == p.lat.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GeoEvaluate);

}  // namespace
