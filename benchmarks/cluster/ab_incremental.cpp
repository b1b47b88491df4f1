// Side-by-side A/B of the incremental clusterer: the current library ("new") and an older
// revision ("old", compiled with its namespace renamed by ab_incremental.sh) run in one process on
// the same reports, alternating batches of 500 steps, so both see the same machine load. Not a
// Google Benchmark program (it needs the renamed old build); ab_incremental.sh builds and runs it.
//   ab_incremental WINDOW STEPS
// Data: the bm_cluster recipe (jakarta(pool, 77)), eps 50 m, min_pts 3; one step is one
// expire_oldest() + one insert() with the window held full. Prints CPU time per step of each.
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "jakarta_synthetic.hpp"
#include "saring/cluster/incremental.hpp"

// The old revision, behind plain functions (defined in the renamed build).
struct OldClusterer;
OldClusterer* old_make(double eps_m, int min_pts);
std::size_t old_insert(OldClusterer* c, const std::string& id, double lat, double lon, long t);
std::size_t old_expire(OldClusterer* c);
std::size_t old_clusters(OldClusterer* c);

namespace {

using saring_bench::jakarta;
using saring_bench::Reports;

double cpu_s() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t window = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000000;
  const std::size_t steps = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 30000;
  if (window == 0 || steps == 0) {
    std::fprintf(stderr, "usage: ab_incremental WINDOW STEPS (both > 0)\n");
    return 2;
  }
  constexpr std::size_t kBatch = 500;
  const std::size_t pool = 2 * window + 100000;
  const Reports r = jakarta(pool, 77);
  saring::DbscanOptions o;
  o.eps_m = 50;
  o.min_pts = 3;
  saring::IncrementalClusterer fresh(o);
  OldClusterer* old = old_make(50, 3);
  std::vector<saring::ClusterPoint> pts(window + steps);
  for (std::size_t k = 0; k < pts.size(); ++k)
    pts[k] = {std::to_string(k), r.lat[k % pool], r.lon[k % pool], static_cast<std::int64_t>(k), {}};
  const double t0 = cpu_s();
  for (std::size_t k = 0; k < window; ++k) old_insert(old, pts[k].id, pts[k].lat, pts[k].lon, static_cast<long>(k));
  const double t1 = cpu_s();
  for (std::size_t k = 0; k < window; ++k) fresh.insert(pts[k]);
  const double t2 = cpu_s();
  double t_old = 0, t_new = 0;
  std::size_t ev_old = 0, ev_new = 0;
  for (std::size_t s = 0; s < steps; s += kBatch) {
    const std::size_t e = std::min(steps, s + kBatch);
    const double a = cpu_s();
    for (std::size_t i = window + s; i < window + e; ++i) {
      ev_old += old_expire(old);
      ev_old += old_insert(old, pts[i].id, pts[i].lat, pts[i].lon, static_cast<long>(pts[i].time));
    }
    const double b = cpu_s();
    for (std::size_t i = window + s; i < window + e; ++i) {
      ev_new += fresh.expire_oldest().size();
      ev_new += fresh.insert(pts[i]).size();
    }
    const double c = cpu_s();
    t_old += b - a;
    t_new += c - b;
  }
  std::printf(
      "window %zu: fill old %.2f s, new %.2f s | %zu steps: old %.2f us/step, new %.2f us/step "
      "(old/new %.2f) | events %zu/%zu, clusters %zu/%zu\n",
      window, t1 - t0, t2 - t1, steps, t_old / static_cast<double>(steps) * 1e6,
      t_new / static_cast<double>(steps) * 1e6, t_old / t_new, ev_old, ev_new, old_clusters(old),
      fresh.cluster_count());
  // Both must have done the same thing: a difference means one of them is wrong.
  return ev_old == ev_new && old_clusters(old) == fresh.cluster_count() ? 0 : 1;
}
