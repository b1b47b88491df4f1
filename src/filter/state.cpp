#include "state.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "persist.hpp"
#include "saring/cluster/geodesic.hpp"
#include "saring/core/error.hpp"
#include "saring/core/json.hpp"

namespace saring::detail {
namespace {

constexpr double kEarthRadiusM = 6371008.8;
constexpr double kCellDeg = 0.0025;  // ~280 m: a 150 m radius touches at most 3x3 cells
constexpr double kMetresPerDegLat = 111320.0;

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string describe_gap(std::int64_t seconds) {
  const std::int64_t s = seconds < 0 ? -seconds : seconds;
  const char* dir = seconds < 0 ? "later" : "earlier";
  if (s < 3600) return std::to_string(s / 60) + " min " + dir;
  if (s < 2 * 86400) return std::to_string(s / 3600) + " h " + dir;
  return std::to_string(s / 86400) + " days " + dir;
}

std::string describe_distance(double m) {
  return m < 1000 ? std::to_string(static_cast<long>(std::lround(m))) + " m" : fmt("%.1f km", m / 1000.0);
}

void add_reason(std::vector<Reason>& reasons, Reason r) {
  // One reason per code: keep the strongest.
  for (auto& existing : reasons) {
    if (existing.code == r.code) {
      if (r.score > existing.score) existing = std::move(r);
      return;
    }
  }
  reasons.push_back(std::move(r));
}

GeometricOptions geometric_options(const FilterOptions& o) {
  GeometricOptions g;
  g.max_side = o.duplicate.geometric_max_side;
  g.max_features = o.duplicate.geometric_max_features;
  g.min_inliers = o.duplicate.geometric_min_inliers;
  return g;
}

// The earliest report of an incident that a moderator has not rejected; the incident key when
// every member was rejected or evicted.
std::string earliest_open(const State& s, const std::string& key) {
  const auto it = s.incidents.find(key);
  if (it == s.incidents.end()) return key;
  const Retained* best = nullptr;
  for (std::uint64_t slot : it->second) {
    const Retained& r = s.at(slot);
    if (r.flags & (kFlagSpam | kFlagFakeLocation)) continue;
    if (!best || r.time.unix < best->time.unix) best = &r;
  }
  return best ? best->id : key;
}

std::uint32_t category_id(State& s, const std::string& category) {
  return s.category_ids.try_emplace(category, static_cast<std::uint32_t>(s.category_ids.size())).first->second;
}

// Cells stay sorted by slot (commit order), however a slot got there (submit, confirm, reload).
// A slot already in its cell (a confirm after a moderator rejection) is not added twice.
void grid_add(State& s, const Retained& r, std::uint64_t slot) {
  const CellEntry e{slot, r.time.unix, r.lat, r.lon, category_id(s, r.category)};
  Cell& cell = s.grid[grid_cell(r.lat, r.lon)];
  auto& v = cell.entries;
  if (v.empty() || v.back().slot < slot) {
    cell.push_back(e);
    return;
  }
  const auto at = std::lower_bound(v.begin(), v.end(), slot, [](const CellEntry& x, std::uint64_t a) { return x.slot < a; });
  if (at != v.end() && at->slot == slot) return;
  v.insert(at, e);
  cell.rebuild();
}

std::string photo_key(std::uint64_t slot, std::size_t k) { return std::to_string(slot) + "/" + std::to_string(k); }
std::uint64_t slot_of_key(std::string_view key) {
  std::uint64_t slot = 0;
  std::from_chars(key.data(), key.data() + key.size(), slot);  // digits up to the '/'
  return slot;
}

void index_photos(State& s, const Retained& r, std::uint64_t slot) {
  for (std::size_t k = 0; k < r.photos.size(); ++k) {
    if (r.photos[k].trusted()) s.photos.insert(photo_key(slot, k), r.photos[k].pdq, r.time.unix);
  }
}

void grid_remove(State& s, const Retained& r, std::uint64_t slot) {
  const std::uint64_t key = grid_cell(r.lat, r.lon);
  Cell* cell = s.grid.find(key);
  if (!cell) return;
  auto& v = cell->entries;
  const auto at = std::lower_bound(v.begin(), v.end(), slot, [](const CellEntry& x, std::uint64_t a) { return x.slot < a; });
  if (at == v.end() || at->slot != slot) return;
  v.erase(at);
  if (v.empty()) {
    s.grid.erase(key);
  } else {
    cell->rebuild();
  }
}

void incident_remove(State& s, Retained& r, std::uint64_t slot) {
  if (r.incident.empty()) return;
  const auto it = s.incidents.find(r.incident);
  if (it != s.incidents.end()) {
    auto& v = it->second;
    v.erase(std::remove(v.begin(), v.end(), slot), v.end());
    if (v.empty()) s.incidents.erase(it);
  }
  r.incident.clear();
}

void incident_add(State& s, Retained& r, std::uint64_t slot, const std::string& key) {
  incident_remove(s, r, slot);
  auto& v = s.incidents[key];
  v.insert(std::upper_bound(v.begin(), v.end(), slot), slot);
  r.incident = key;
}

// The report's photos in the photo store go to s.released_photos: past the duplicate retention
// nothing reads them (photo reuse works from the hashes).
void release_stored_photos(State& s, const Retained& r) {
  if (!s.photo_store) return;
  for (const auto& p : r.photos) {
    if (!p.path.empty() && s.photo_store->owns(p.path, r.id)) s.released_photos.push_back(p.path);
  }
}

void shrink(State& s, std::uint64_t slot, Footprint* fp) {
  Retained& r = s.at(slot);
  if (r.flags & kFlagShrunk) return;
  release_stored_photos(s, r);
  if (fp) fp->cells.push_back(grid_cell(r.lat, r.lon));
  grid_remove(s, r, slot);
  r.flags |= kFlagShrunk;
  r.shingles = {};
  r.text = {};
  for (auto& p : r.photos) p.path = {};
}

void evict_and_shrink(State& s, const FilterOptions& o, Footprint* fp) {
  const std::int64_t keep_from = s.now - o.photo_reuse.retention_s;
  while (!s.reports.empty() && s.reports.front().time.unix < keep_from) {
    const std::uint64_t slot = s.first_slot;
    Retained& r = s.reports.front();
    if (fp) {
      fp->cells.push_back(grid_cell(r.lat, r.lon));
      if (!r.incident.empty()) fp->incidents.push_back(r.incident);
      for (const auto& p : r.photos) {
        if (p.trusted()) fp->photos.push_back(p.pdq);
      }
    }
    grid_remove(s, r, slot);
    incident_remove(s, r, slot);
    if (!(r.flags & kFlagShrunk)) release_stored_photos(s, r);
    s.by_id.erase(HashedSlots::hash(r.id), slot);
    for (std::size_t k = 0; k < r.photos.size(); ++k) {
      if (r.photos[k].trusted()) s.photos.erase(photo_key(slot, k));
    }
    s.reports.pop_front();
    ++s.first_slot;
  }
  s.shrink_slot = std::max(s.shrink_slot, s.first_slot);
  s.spam_reporters.prune(s.now);
  const std::int64_t candidate_from = s.now - o.duplicate.retention_s;
  while (s.shrink_slot < s.next_slot && s.at(s.shrink_slot).time.unix < candidate_from) shrink(s, s.shrink_slot++, fp);
}

}  // namespace

std::size_t Retained::memory_bytes() const {
  auto heap = [](const std::string& str) { return str.capacity() > 15 ? str.capacity() + 1 : 0; };
  std::size_t n = sizeof(Retained) + heap(id) + heap(reporter) + heap(category) + heap(incident) + heap(verdict) +
                  shingles.capacity() * 4 + photos.capacity() * sizeof(StoredPhoto);
  for (const auto& p : photos) n += heap(p.path);
  return n;
}


double geodesic_m(double lat1, double lon1, double lat2, double lon2) {
  // The cluster module's haversine (scikit-learn's formula on the mean-radius sphere), so the
  // filter's radius means what the clustering tools mean by it.
  return haversine_m({lat1, lon1}, {lat2, lon2});
}

GeotagChecker make_geotag_checker(const FilterOptions& o, const AreaSet* areas) {
  // Every GeotagOptions field, as configured (GeotagSettings is-a GeotagOptions).
  const GeotagOptions& g = o.geotag;
  return GeotagChecker(areas ? *areas : AreaSet::jakarta(), g);
}

GeoHistory make_geo_history(const FilterOptions& o) {
  // Never longer than the photo retention: a reload rebuilds the history from retained reports.
  GeoHistory::Options h;
  h.shared_window_s = std::min<std::int64_t>(h.shared_window_s, o.photo_reuse.retention_s);
  h.reporter_ttl_s = std::min<std::int64_t>(h.reporter_ttl_s, o.photo_reuse.retention_s);
  return GeoHistory(h);
}

std::uint64_t grid_cell(double lat, double lon) {
  // Clamped so that any double (a report judged out of range, a damaged file) maps to a cell.
  lat = std::isnan(lat) ? 0.0 : std::clamp(lat, -90.0, 90.0);
  lon = std::isnan(lon) ? 0.0 : std::clamp(lon, -180.0, 180.0);
  const auto y = static_cast<std::int64_t>(std::floor((lat + 90.0) / kCellDeg));
  const auto x = static_cast<std::int64_t>(std::floor((lon + 180.0) / kCellDeg));
  return (static_cast<std::uint64_t>(y) << 32) | static_cast<std::uint64_t>(x);
}

namespace {

// A duplicate candidate as evaluate scores it. Its photo evidence is known from PDQ (`photo` 1.0
// or 0.0) unless a geometric check is open: then a same-scene match would make it 0.9.
struct GeoCandidate {
  enum Geo : std::uint8_t { kNone, kOpen, kMatched, kNoMatch };
  const Retained* c = nullptr;
  std::int64_t gap = 0;
  double d = 0.0;
  double closeness = 0.0;
  double photo = 0.0;
  int photo_value = 0;  // PDQ distance or ORB inliers, for the reason's detail
  double sim = 0.0;
  double text = 0.0;
  double base = 0.0;
  bool photos_compared = false;
  bool same_spot = false;  // within duplicate.same_spot_m
  Geo geo = kNone;

  double score(double photo_evidence) const {
    double evidence = std::max({photo_evidence, text, base});
    // Photos of both that match neither by hash nor geometry speak against one incident.
    if (photos_compared && photo_evidence == 0.0) evidence = std::min(evidence, 0.55);
    return closeness * evidence;
  }
  double photo_now() const { return geo == kMatched ? 0.9 : photo; }
  double known() const { return score(photo_now()); }  // an open check counted as failed
  double if_matched() const { return score(0.9); }
};

// Evidence of a same-category report at the same spot: with closeness ~0.97 at 15 m it passes the
// default duplicate threshold (0.6) for gaps up to ~6 of the window's 7 days.
constexpr double kSameSpotEvidence = 0.75;

// Scores within this of the best may end up the best (the final pass breaks ties at 1e-12).
constexpr double kTieMargin = 1e-9;

void run_geometric(GeoCandidate& g, const ReportFeatures& features, const FilterOptions& o, OrbCache& orb,
                   const GeometricOptions& geo_opts) {
  g.geo = GeoCandidate::kNoMatch;
  for (const auto& p : features.photos) {
    for (const auto& q : g.c->photos) {
      if (p.path.empty() || q.path.empty()) continue;
      const int inl = orb.inliers({p.path, p.pdq ? &*p.pdq : nullptr}, {q.path, q.has_pdq ? &q.pdq : nullptr}, geo_opts);
      if (inl >= o.duplicate.geometric_min_inliers) {
        g.geo = GeoCandidate::kMatched;
        g.photo_value = inl;
        return;
      }
    }
  }
}

// Runs open geometric checks only while their results can change what the verdict decides: the
// incident the report joins (or none). That outcome is a function of the final best candidate
// and its score (duplicate when >= `duplicate_threshold`). The final best scores at least M, the
// best score with every open check failed; so only candidates whose score can reach M can be it,
// and the outcome is settled when all of them, with their check succeeding or failing, give the
// same incident (or all give none). Otherwise the open check with the highest possible score
// runs, and the test repeats. When `decided` (rejected on risk) no check can change anything.
// Returns how many open checks were left that could still have raised the best score.
std::size_t resolve_geometric(std::vector<GeoCandidate>& cands, bool decided, double duplicate_threshold,
                              const ReportFeatures& features, const FilterOptions& o, OrbCache& orb,
                              const GeometricOptions& geo_opts, bool only_if_decisive) {
  const auto incident = [&](const GeoCandidate& g, double score) -> std::optional<std::string_view> {
    if (!(score > 1e-12 && score >= duplicate_threshold)) return std::nullopt;
    return std::string_view(g.c->incident.empty() ? g.c->id : g.c->incident);
  };
  if (std::none_of(cands.begin(), cands.end(), [](const GeoCandidate& g) { return g.geo == GeoCandidate::kOpen; })) return 0;
  if (!only_if_decisive) {
    for (auto& g : cands) {
      if (g.geo == GeoCandidate::kOpen) run_geometric(g, features, o, orb, geo_opts);
    }
    return 0;
  }
  while (!decided) {
    double m = 0.0;
    for (const auto& g : cands) m = std::max(m, g.known());
    bool any = false, settled = true;
    std::optional<std::string_view> outcome;
    GeoCandidate* pick = nullptr;
    const auto consider = [&](const GeoCandidate& g, double score) {
      if (score < m - kTieMargin) return;
      const auto r = incident(g, score);
      if (!any) {
        any = true;
        outcome = r;
      } else if (r != outcome) {
        settled = false;
      }
    };
    for (auto& g : cands) {
      consider(g, g.known());
      if (g.geo != GeoCandidate::kOpen) continue;
      consider(g, g.if_matched());
      if (g.if_matched() >= m - kTieMargin && (!pick || g.if_matched() > pick->if_matched())) pick = &g;
    }
    if (settled || !pick) break;
    run_geometric(*pick, features, o, orb, geo_opts);
  }
  double best = 0.0;
  for (const auto& g : cands) {
    if (g.known() > best + 1e-12) best = g.known();
  }
  std::size_t left = 0;
  for (const auto& g : cands) left += g.geo == GeoCandidate::kOpen && g.if_matched() > best + 1e-12;
  return left;
}

}  // namespace

std::pair<std::uint64_t, std::uint64_t> candidate_cells(const FilterOptions& o, const Report& report) {
  const double radius = o.radius_for(report.category);
  const double dlat = radius / kMetresPerDegLat;
  const double dlon = radius / (kMetresPerDegLat * std::max(0.01, std::cos(report.lat * M_PI / 180.0)));
  return {grid_cell(report.lat - dlat, report.lon - dlon), grid_cell(report.lat + dlat, report.lon + dlon)};
}

bool ContextReads::operator==(const ContextReads& o) const {
  const auto same_fix = [](const std::optional<GeoHistory::Fix>& a, const std::optional<GeoHistory::Fix>& b) {
    if (a.has_value() != b.has_value()) return false;
    return !a || (a->lat == b->lat && a->lon == b->lon && a->time == b->time && a->report_id == b->report_id);
  };
  const auto same_reputation = [](const std::optional<ReporterReputation>& a, const std::optional<ReporterReputation>& b) {
    if (a.has_value() != b.has_value()) return false;
    return !a || (a->reports == b->reports && a->confirmed == b->confirmed && a->rejected == b->rejected);
  };
  return same_fix(last_fix, o.last_fix) && reporters_at == o.reporters_at &&
         spam.recent_reports == o.spam.recent_reports && spam.judged == o.spam.judged &&
         spam.rejected == o.spam.rejected && same_reputation(reputation, o.reputation);
}

ContextReads read_context(const State& s, const FilterOptions& o, const Report& report) {
  // The same calls evaluate() makes (a superset: whether it needs them depends on the report).
  ContextReads c;
  if (report.reporter.empty()) return c;
  if (o.geotag.enabled) {
    c.last_fix = s.geo_history.last_fix(report.reporter);
    c.reporters_at = s.geo_history.reporters_at(report.lat, report.lon, report.time.unix, report.reporter);
  }
  c.spam = s.spam_reporters.activity(report.reporter, report.time.unix);
  if (const ReporterRecord* r = s.reporters.find(report.reporter)) c.reputation = r->counts;
  return c;
}

bool may_affect(const Footprint& f, const FilterOptions& o, const Report& report, const ReportFeatures& features,
                const Verdict& verdict) {
  if (f.everything) return true;
  const auto [c0, c1] = candidate_cells(o, report);
  for (const std::uint64_t cell : f.cells) {
    const std::uint64_t y = cell >> 32, x = cell & 0xffffffffu;
    if (y >= (c0 >> 32) && y <= (c1 >> 32) && x >= (c0 & 0xffffffffu) && x <= (c1 & 0xffffffffu)) return true;
  }
  if (!f.photos.empty()) {
    for (const auto& p : features.photos) {
      if (!p.pdq || p.quality < 50) continue;  // not queried
      for (const Hash256& h : f.photos) {
        if (p.dihedral) {
          for (const Hash256& d : *p.dihedral) {
            if (d.distance(h) <= o.photo_reuse.max_distance) return true;
          }
        } else if (p.pdq->distance(h) <= o.photo_reuse.max_distance) {
          return true;
        }
      }
    }
  }
  if (verdict.incident) {
    for (const auto& key : f.incidents) {
      if (key == *verdict.incident) return true;
    }
  }
  return false;
}

Verdict evaluate(const State& s, const FilterOptions& o, const GeotagChecker& geo, const Report& report,
                 const ReportFeatures& features, OrbCache& orb, const std::vector<std::uint32_t>* given_shingles) {
  Verdict v;
  v.id = report.id;
  // The reporter's reputation record is read at the end: its table slot is fetched now and the
  // record itself after the candidate scan, so neither lookup waits for memory.
  const std::uint64_t reporter_hash = HashedSlots::hash(report.reporter);
  if (!report.reporter.empty()) s.reporters.prefetch_slot(reporter_hash);
  const DecisionThresholds t = o.thresholds_for(report.category);
  const double radius = o.radius_for(report.category);
  const std::int64_t window = o.window_for(report.category);

  // --- geotag (geo module): areas, service area, sea, EXIF, mock location, travel ---
  double geotag = 0.0;
  if (o.geotag.enabled) {
    std::vector<PhotoExif> exifs;
    for (const auto& p : features.photos) {
      if (p.exif) exifs.push_back(*p.exif);
    }
    GeotagResult g = geo.evaluate(report, exifs, &s.geo_history);
    v.areas = std::move(g.areas);
    geotag = std::clamp(1.0 - g.plausibility, 0.0, 1.0);
    // GeotagResult::reasons(), with the findings' strings moved instead of copied.
    for (auto& f : g.findings) add_reason(v.reasons, Reason{std::move(f.code), "geotag", f.score, std::move(f.detail)});
  }
  // Coordinates no device can produce cannot be placed, compared or kept: reject outright.
  if (!(report.lat >= -90.0 && report.lat <= 90.0 && report.lon >= -180.0 && report.lon <= 180.0)) {
    if (v.reasons.empty()) {
      const bool swapped = report.lon >= -90.0 && report.lon <= 90.0 && report.lat >= -180.0 && report.lat <= 180.0;
      v.reasons.push_back({swapped ? "GEO_SWAPPED_LATLON" : "GEO_INVALID_COORDINATES", "geotag", 1.0,
                           "coordinates (" + fmt("%.5f", report.lat) + ", " + fmt("%.5f", report.lon) + ") are out of range"});
    }
    v.scores.geotag = std::max(geotag, 0.9);
    v.scores.total = v.scores.geotag;
    v.decision = Decision::kReject;
    return v;
  }
  std::vector<std::uint32_t> own_shingles;
  if (!given_shingles) own_shingles = text_shingles(report.text);
  const std::vector<std::uint32_t>& shingles = given_shingles ? *given_shingles : own_shingles;
  const GeometricOptions geo_opts = geometric_options(o);

  // --- duplicate candidates: same or related category, within radius and window ---
  const auto [c0, c1] = candidate_cells(o, report);
  // The interned ids of the categories that may describe one incident with this report
  // (`related`); a category no retained report has is absent, and so are its candidates.
  thread_local std::vector<std::uint32_t> allowed;
  allowed.clear();
  const auto allow = [&](const std::string& category) {
    const auto it = s.category_ids.find(category);
    if (it != s.category_ids.end() && std::find(allowed.begin(), allowed.end(), it->second) == allowed.end()) {
      allowed.push_back(it->second);
    }
  };
  allow(report.category);
  for (const auto& group : o.duplicate.related_categories) {
    if (std::find(group.begin(), group.end(), report.category) == group.end()) continue;
    for (const auto& member : group) allow(member);
  }
  // Pass 1: the cell entries inside the window, of a related category and within the radius, in
  // the order they are judged: cells in a fixed order and each cell in commit order, so ties
  // resolve the same way on replay. Their reports are then prefetched together, so that pass 2's
  // loads (cache misses at a large window) overlap instead of following one another.
  struct Near {
    std::uint64_t slot;
    std::int64_t gap;
    double d;
    const Retained* report;
  };
  thread_local std::vector<Near> near;
  thread_local std::vector<const Cell*> cells;
  near.clear();
  cells.clear();
  // Staged so that the cache misses of one stage overlap (at a 1M window each is a miss): the
  // cells' table slots, then their block arrays, then the first lines of each in-window block,
  // then the scan.
  for (std::uint64_t y = c0 >> 32; y <= c1 >> 32; ++y) {
    for (std::uint64_t x = c0 & 0xffffffffu; x <= (c1 & 0xffffffffu); ++x) {
      if (const Cell* cell = s.grid.find((y << 32) | x)) {
        __builtin_prefetch(cell->blocks.data());
        cells.push_back(cell);
      }
    }
  }
  const std::int64_t window_lo = report.time.unix - window, window_hi = report.time.unix + window;
  for (const Cell* cell : cells) {
    const auto& blocks = cell->blocks;
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      if (blocks[b].second < window_lo || blocks[b].first > window_hi) continue;
      // Four lines (six entries); the hardware prefetcher follows the rest of the block.
      const auto first = reinterpret_cast<std::uintptr_t>(cell->entries.data() + b * Cell::kBlock);
      for (std::uintptr_t line = 0; line < 256; line += 64) __builtin_prefetch(reinterpret_cast<const void*>(first + line));
    }
  }
  for (const Cell* cell : cells) {
    const auto& entries = cell->entries;
    const auto& blocks = cell->blocks;
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      // A block whose times all lie outside the window holds no candidate.
      if (blocks[b].second < window_lo || blocks[b].first > window_hi) continue;
      const std::size_t block_end = std::min(entries.size(), (b + 1) * Cell::kBlock);
      for (std::size_t i = b * Cell::kBlock; i < block_end; ++i) {
        const CellEntry& e = entries[i];
        const std::int64_t gap = report.time.unix - e.time;
        if (std::llabs(gap) > window) continue;
        if (std::find(allowed.begin(), allowed.end(), e.category) == allowed.end()) continue;
        const double d = geodesic_m(report.lat, report.lon, e.lat, e.lon);
        if (d > radius) continue;
        near.push_back({e.slot, gap, d, nullptr});
      }
    }
  }
  for (auto& n : near) {
    n.report = &s.at(n.slot);
    __builtin_prefetch(&n.report->flags);
    __builtin_prefetch(&n.report->photos);
    __builtin_prefetch(&n.report->shingles);
  }
  if (!report.reporter.empty()) s.reporters.prefetch_record(reporter_hash);
  // Second stage: the candidates' photo and shingle arrays, once their reports have arrived.
  for (const auto& n : near) {
    __builtin_prefetch(n.report->photos.data());
    __builtin_prefetch(n.report->shingles.data());
  }
  // Each candidate's duplicate score is known from PDQ and text, except where the geometric check
  // (ORB + RANSAC, the expensive step) could raise it: then it is one of two values, `lo` (no
  // same-scene match) or `hi` (a match). Pass 2 collects them; the checks run after the risk is
  // known, and only while their results can still change the decision (resolve_geometric).
  thread_local std::vector<GeoCandidate> scored;
  scored.clear();
  double lo_best = 0.0;  // the running best with every open check failing: a lower bound
  for (std::size_t k = 0; k < near.size(); ++k) {
    const std::int64_t gap = near[k].gap;
    const double d = near[k].d;
    const double closeness = (1.0 - 0.3 * d / radius) * (1.0 - 0.2 * static_cast<double>(std::llabs(gap)) / window);
    if (closeness <= lo_best + 1e-12) continue;  // cannot beat the best even with a perfect match
    const Retained& c = *near[k].report;
    if (c.flags & (kFlagSpam | kFlagFakeLocation | kFlagShrunk)) continue;

    GeoCandidate g;
    g.c = &c;
    g.gap = gap;
    g.d = d;
    g.closeness = closeness;
    // Photos: PDQ first (cheap), the geometric check for pairs PDQ does not call the same.
    g.photos_compared = !features.photos.empty() && !c.photos.empty();
    for (const auto& p : features.photos) {
      for (const auto& q : c.photos) {
        if (p.pdq && q.trusted() && p.quality >= 50) {
          const int hd = p.pdq->distance(q.pdq);
          if (hd <= o.duplicate.photo_same_max_distance && (g.photo < 1.0 || hd < g.photo_value)) {
            g.photo = 1.0;
            g.photo_value = hd;
          }
        }
      }
    }
    // With the same photo by hash the evidence is 1.0 and the reason the photo's, whatever the text.
    g.sim = g.photo >= 1.0 ? 0.0 : shingle_similarity(shingles, c.shingles);
    g.text = g.sim >= o.duplicate.text_min_similarity ? 0.55 + 0.45 * g.sim : 0.0;
    // Same spot: the location alone makes the case (photos that disagree still cap it below).
    g.same_spot = d < o.duplicate.same_spot_m;
    g.base = g.same_spot ? kSameSpotEvidence : g.photos_compared ? 0.3 : 0.45;
    if (g.photo < 1.0 && o.duplicate.geometric_check && g.photos_compared) {
      bool pair = false;
      for (const auto& p : features.photos) {
        for (const auto& q : c.photos) pair = pair || (!p.path.empty() && !q.path.empty());
      }
      if (pair) g.geo = GeoCandidate::kOpen;
    }
    const double lo = g.score(g.photo);
    if (g.geo == GeoCandidate::kOpen && g.score(0.9) <= lo) g.geo = GeoCandidate::kNone;  // cannot matter
    if (lo > lo_best + 1e-12) lo_best = lo;
    scored.push_back(g);
  }
  // The duplicate reason goes where it always stood among the reasons (after the geotag ones).
  const std::size_t duplicate_reason_at = v.reasons.size();

  // --- photo reuse over the whole retention window (index module; dihedral when known) ---
  double reuse = 0.0;
  for (const auto& p : features.photos) {
    if (!p.pdq || p.quality < 50) continue;
    thread_local std::vector<std::pair<std::uint64_t, int>> matches;  // slot, distance
    matches.clear();
    if (p.dihedral) {
      for (const auto& m : s.photos.query_dihedral(*p.dihedral, o.photo_reuse.max_distance)) matches.emplace_back(slot_of_key(m.id), m.distance);
    } else {
      for (const auto& m : s.photos.query(*p.pdq, o.photo_reuse.max_distance)) matches.emplace_back(slot_of_key(m.id), m.distance);
    }
    // Judge against the photo's first appearance: a re-upload next to the original is a
    // duplicate, even when someone else later sent the same photo from far away.
    const Retained* origin = nullptr;
    std::uint64_t origin_slot = 0;
    int origin_distance = 0;
    for (const auto& [slot, distance] : matches) {
      const Retained& c = s.at(slot);
      if (c.id == report.id || c.time.unix > report.time.unix) continue;
      if (!origin || c.time.unix < origin->time.unix ||
          (c.time.unix == origin->time.unix && slot < origin_slot)) {
        origin = &c;
        origin_slot = slot;
        origin_distance = distance;
      }
    }
    if (!origin) continue;
    const Retained& c = *origin;
    const double d = geodesic_m(report.lat, report.lon, c.lat, c.lon);
    const std::int64_t gap = report.time.unix - c.time.unix;
    const std::string same = "same photo (PDQ distance " + std::to_string(origin_distance) + ") as " + c.id;
    if (d > o.photo_reuse.distant_m) {
      add_reason(v.reasons, {"IMG_REUSED_PHOTO_DISTANT", "image", 0.85,
                             same + ", sent " + describe_distance(d) + " away, " + describe_gap(gap)});
      reuse = std::max(reuse, 0.85);
    }
    if (gap > o.photo_reuse.long_ago_s) {
      add_reason(v.reasons, {"IMG_REUSED_PHOTO_OLD", "image", 0.6, same + ", " + describe_gap(gap)});
      reuse = std::max(reuse, 0.6);
    }
    if (!report.reporter.empty() && !c.reporter.empty() && report.reporter != c.reporter) {
      add_reason(v.reasons, {"IMG_REUSED_PHOTO_OTHER_REPORTER", "image", 0.35, same + " from another reporter"});
      reuse = std::max(reuse, 0.35);
    }
  }

  // A photo hashing could not read or decode: said, so a moderator knows why it weighed nothing.
  for (const auto& p : features.photos) {
    if (!p.error.empty()) add_reason(v.reasons, {"IMG_UNREADABLE", "image", 0.0, p.error});
  }

  double reputation_risk = 0.0;
  if (!report.reporter.empty()) {
    if (const ReporterRecord* found = s.reporters.find(report.reporter)) {
      const ReporterRecord& rr = *found;
      const auto judged = rr.counts.confirmed + rr.counts.rejected;
      if (judged >= o.reputation.min_feedback && rr.counts.reputation() < o.reputation.low) {
        reputation_risk = o.reputation.score;
        add_reason(v.reasons, {"REPORTER_LOW_REPUTATION", "reporter", o.reputation.score,
                               std::to_string(rr.counts.rejected) + " of the reporter's " + std::to_string(judged) +
                                   " judged reports were rejected"});
      }
    }
  }
  v.scores.geotag = geotag;
  if (o.spam.enabled) {
    SpamContext context;
    s.spam_reporters.fill_context(report.reporter, report.time.unix, context);
    const SpamScore spam = s.spam_score ? score_spam(report.text, context, s.spam_model.get(), *s.spam_score)
                                        : score_spam(report.text, context, s.spam_model.get());
    v.scores.spam = std::clamp(spam.probability, 0.0, 1.0);
    for (auto& r : spam.reasons()) add_reason(v.reasons, std::move(r));
  }

  // --- decide ---
  const double risk = 1.0 - (1.0 - geotag) * (1.0 - v.scores.spam) * (1.0 - reuse) * (1.0 - reputation_risk);
  v.scores.total = risk;
  const std::size_t skipped =
      resolve_geometric(scored, risk >= t.reject, t.duplicate, features, o, orb, geo_opts, o.duplicate.geometric_only_if_decisive);
  // The best candidate in commit order (ties keep the earlier), open checks counted as failed.
  double best_score = 0.0;
  const GeoCandidate* bestg = nullptr;
  for (const auto& g : scored) {
    const double score = g.known();
    if (score > best_score + 1e-12) {
      best_score = score;
      bestg = &g;
    }
  }
  const Retained* best = bestg ? bestg->c : nullptr;
  v.scores.duplicate = best_score;
  auto at = v.reasons.begin() + static_cast<std::ptrdiff_t>(duplicate_reason_at);
  if (bestg) {
    const GeoCandidate& g = *bestg;
    const double photo = g.photo_now();
    const std::string where = g.c->id + " at " + describe_distance(g.d) + ", " + describe_gap(g.gap);
    if (photo > 0.0 && photo >= g.text) {
      at = 1 + v.reasons.insert(at, Reason{photo == 1.0 ? "DUP_SAME_PHOTO" : "DUP_SAME_SCENE", "duplicate", best_score,
           photo == 1.0 ? "same photo as " + where + " (PDQ distance " + std::to_string(g.photo_value) + ")"
                        : "same scene as " + where + " (" + std::to_string(g.photo_value) + " ORB homography inliers)"});
    } else if (g.text > g.base) {
      at = 1 + v.reasons.insert(at, Reason{"DUP_SIMILAR_TEXT", "duplicate", best_score, "text " + fmt("%.0f%%", g.sim * 100) + " similar to " + where});
    } else if (g.same_spot) {
      at = 1 + v.reasons.insert(at, Reason{"DUP_SAME_SPOT", "duplicate", best_score,
                                   (report.category.empty() ? std::string("uncategorised report at the same spot as ")
                                                            : "same spot and category (" + report.category + ") as ") + where});
    } else {
      at = 1 + v.reasons.insert(at, Reason{"DUP_NEARBY_SAME_CATEGORY", "duplicate", best_score,
                                   (report.category.empty() ? std::string("uncategorised report ")
                                                            : "same category (" + report.category + ") as ") + where});
    }
  }
  if (skipped > 0) {
    // Said in the verdict, so the duplicate score reads as what it is: without that evidence.
    at = 1 + v.reasons.insert(at, Reason{"DUP_GEOMETRIC_NOT_NEEDED", "duplicate", 0.0,
                                 "geometric check of " + std::to_string(skipped) + " candidate(s) not run: " +
                                     (risk >= t.reject ? std::string("the report is rejected on its risk")
                                                       : "a same-scene match could not change the decision")});
  }
  const bool dup = best && best_score >= t.duplicate;
  if (risk >= t.reject) {
    v.decision = Decision::kReject;
  } else if (risk >= t.review) {
    v.decision = Decision::kReview;
  } else if (dup) {
    v.decision = Decision::kDuplicate;
  } else {
    v.decision = Decision::kAccept;
  }
  if (v.decision != Decision::kReject) {
    if (dup) {
      v.incident = best->incident.empty() ? best->id : best->incident;
      if (v.decision == Decision::kDuplicate) v.duplicate_of = earliest_open(s, *v.incident);
    } else {
      v.incident = report.id;
    }
  }
  // Strongest first, equal scores in the order they were added (what std::stable_sort gives, without
  // its temporary buffer: a verdict has a handful of reasons).
  for (std::size_t i = 1; i < v.reasons.size(); ++i) {
    for (std::size_t j = i; j > 0 && v.reasons[j - 1].score < v.reasons[j].score; --j) std::swap(v.reasons[j - 1], v.reasons[j]);
  }
  return v;
}

Retained retained_of(const Report& report, const ReportFeatures& features, const Verdict& verdict,
                     std::vector<std::uint32_t>* shingles) {
  Retained r;
  r.id = report.id;
  r.reporter = report.reporter;
  r.category = report.category;
  r.time = report.time;
  r.lat = report.lat;
  r.lon = report.lon;
  set_retained_verdict(r, verdict);
  r.shingles = shingles ? std::move(*shingles) : text_shingles(report.text);
  r.text = report.text;
  for (const auto& p : features.photos) {
    StoredPhoto sp;
    sp.path = p.path;
    sp.has_pdq = p.pdq.has_value();
    if (p.pdq) sp.pdq = *p.pdq;
    sp.quality = static_cast<std::uint8_t>(std::clamp(p.quality, 0, 100));
    r.photos.push_back(std::move(sp));
  }
  return r;
}

void set_retained_verdict(Retained& r, const Verdict& verdict) {
  r.decision = static_cast<std::uint8_t>(verdict.decision);
  r.verdict = encode_verdict(verdict);
}

void apply_submit(State& s, const FilterOptions& o, const Report& report, const ReportFeatures& features,
                  const Verdict& verdict, Footprint* fp, Retained* prepared) {
  // A replayed duplicate id is already applied.
  if (s.slot_of(report.id)) {
    ++s.seq;
    return;
  }
  s.by_id.insert(HashedSlots::hash(report.id), s.next_slot);
  const std::uint64_t slot = s.next_slot++;
  Retained& r = s.reports.emplace_back();
  r = prepared ? std::move(*prepared) : retained_of(report, features, verdict, nullptr);
  if (verdict.decision != Decision::kReject) {
    grid_add(s, r, slot);
    if (verdict.incident) incident_add(s, r, slot, *verdict.incident);
    if (fp) {
      fp->cells.push_back(grid_cell(r.lat, r.lon));
      if (verdict.incident) fp->incidents.push_back(*verdict.incident);
    }
  }
  index_photos(s, r, slot);
  if (fp) {
    for (const auto& p : r.photos) {
      if (p.trusted()) fp->photos.push_back(p.pdq);
    }
  }
  if (!report.reporter.empty()) ++s.reporters[report.reporter].counts.reports;
  s.spam_reporters.record_report(report.reporter, report.time.unix);
  // A spoofed place must not become the reference for the reporter's next report.
  if (verdict.scores.geotag < o.thresholds.review && verdict.decision != Decision::kReject) {
    r.flags |= kFlagGeoCommitted;
    // Only the geotag checks read the history; with them off it is rebuilt from the flags if a
    // later run turns them on.
    if (o.geotag.enabled) s.geo_history.commit(report);
  }
  s.now = std::max(s.now, report.time.unix);
  ++s.seq;
  evict_and_shrink(s, o, fp);
}

void apply_feedback(State& s, const Feedback& f, double spam_learning_rate) {
  const auto found = s.slot_of(f.report_id);
  if (!found) throw Error(ErrorCode::kNotFound, "feedback names unknown report '" + f.report_id + "'");
  const std::uint64_t slot = *found;
  Retained& r = s.at(slot);
  ReporterRecord* rr = r.reporter.empty() ? nullptr : &s.reporters[r.reporter];
  const bool was_rejected = r.flags & (kFlagSpam | kFlagFakeLocation);
  switch (f.action) {
    case FeedbackAction::kConfirm:
      if (rr && !(r.flags & kFlagConfirmed)) ++rr->counts.confirmed;
      if (rr && was_rejected) --rr->counts.rejected;
      if (!(r.flags & kFlagConfirmed)) {
        // Feeds the spam module: a genuine report (its reporter's tally, and the model).
        s.spam_reporters.record_moderation(r.reporter, false);
        if (s.spam_model && spam_learning_rate > 0 && !r.text.empty()) s.spam_model->update(r.text, false, spam_learning_rate);
      }
      // A confirmed report is a duplicate candidate even if the filter had rejected it: the same
      // rule as a snapshot reload (grid: not rejected, or confirmed), so both paths agree.
      if (!(r.flags & kFlagShrunk) &&
          (was_rejected || (r.decision == static_cast<std::uint8_t>(Decision::kReject) && !(r.flags & kFlagConfirmed)))) {
        grid_add(s, r, slot);
        incident_add(s, r, slot, r.id);
      }
      r.flags = static_cast<std::uint8_t>((r.flags & ~(kFlagSpam | kFlagFakeLocation)) | kFlagConfirmed);
      break;
    case FeedbackAction::kRejectSpam:
    case FeedbackAction::kFakeLocation:
      if (rr && !was_rejected) ++rr->counts.rejected;
      if (f.action == FeedbackAction::kRejectSpam && !(r.flags & kFlagSpam)) {
        s.spam_reporters.record_moderation(r.reporter, true);
        if (s.spam_model && spam_learning_rate > 0 && !r.text.empty()) s.spam_model->update(r.text, true, spam_learning_rate);
      }
      if (rr && (r.flags & kFlagConfirmed)) --rr->counts.confirmed;
      r.flags = static_cast<std::uint8_t>((r.flags & ~kFlagConfirmed) |
                                          (f.action == FeedbackAction::kRejectSpam ? kFlagSpam : kFlagFakeLocation));
      incident_remove(s, r, slot);
      break;
    case FeedbackAction::kMarkDuplicate: {
      const Retained* other = s.find(f.other_id);
      if (!other) throw Error(ErrorCode::kNotFound, "feedback names unknown report '" + f.other_id + "'");
      if (other == &r) throw Error(ErrorCode::kInvalidArgument, "a report cannot duplicate itself ('" + f.report_id + "')");
      const std::string key = other->incident.empty() ? other->id : other->incident;
      if (other->incident.empty()) {
        const std::uint64_t other_slot = *s.slot_of(f.other_id);
        incident_add(s, s.at(other_slot), other_slot, key);
      }
      incident_add(s, r, slot, key);
      break;
    }
    case FeedbackAction::kUnmarkDuplicate:
      incident_add(s, r, slot, r.id + "~" + std::to_string(s.seq + 1));
      break;
  }
  ++s.seq;
}

// ---- stored verdicts ----
std::string encode_verdict(const Verdict& v) {
  // Written into a per-thread buffer and copied out at its final size: one allocation per verdict
  // (it is kept for the whole retention window), where growing a fresh string took five or six.
  thread_local ByteWriter w;
  w.data().clear();
  w.u8(static_cast<std::uint8_t>(v.decision));
  w.u8(static_cast<std::uint8_t>((v.duplicate_of ? 1 : 0) | (v.incident ? 2 : 0)));
  if (v.duplicate_of) w.str(*v.duplicate_of);
  if (v.incident) w.str(*v.incident);
  w.f64(v.scores.duplicate);
  w.f64(v.scores.geotag);
  w.f64(v.scores.spam);
  w.f64(v.scores.total);
  w.u32(static_cast<std::uint32_t>(v.reasons.size()));
  for (const auto& r : v.reasons) {
    w.str(r.code);
    w.str(r.group);
    w.f64(r.score);
    w.str(r.detail);
  }
  w.u32(static_cast<std::uint32_t>(v.areas.size()));
  for (const auto& a : v.areas) {
    w.str(a.level);
    w.str(a.code);
    w.str(a.name);
  }
  return std::string(w.data());
}

Verdict decode_verdict(std::string_view bytes, const std::string& id, const std::string& what) {
  ByteReader r(bytes, what + " of '" + id + "'");
  Verdict v;
  v.id = id;
  const std::uint8_t decision = r.u8();
  if (decision > static_cast<std::uint8_t>(Decision::kReject)) r.fail("unknown decision");
  v.decision = static_cast<Decision>(decision);
  const std::uint8_t has = r.u8();
  if (has > 3) r.fail("bad optional-field mask");
  if (has & 1) v.duplicate_of = r.str();
  if (has & 2) v.incident = r.str();
  v.scores.duplicate = r.f64();
  v.scores.geotag = r.f64();
  v.scores.spam = r.f64();
  v.scores.total = r.f64();
  v.reasons.resize(r.count(20));
  for (auto& x : v.reasons) {
    x.code = r.str();
    x.group = r.str();
    x.score = r.f64();
    x.detail = r.str();
  }
  v.areas.resize(r.count(12));
  for (auto& a : v.areas) {
    a.level = r.str();
    a.code = r.str();
    a.name = r.str();
  }
  if (!r.done()) r.fail("trailing bytes after a verdict");
  return v;
}

// ---- journal records ----
namespace {
constexpr std::uint8_t kRecordSubmit = 1;
constexpr std::uint8_t kRecordFeedback = 2;

void put_photos(ByteWriter& w, const std::vector<PhotoFeatures>& photos) {
  w.u32(static_cast<std::uint32_t>(photos.size()));
  for (const auto& p : photos) {
    w.str(p.path);
    w.u8(p.pdq ? 1 : 0);
    const Hash256::Words words = p.pdq ? p.pdq->words() : Hash256::Words{};
    w.raw(words.data(), 32);
    w.u32(static_cast<std::uint32_t>(p.quality));
  }
}
void put_stored(ByteWriter& w, const std::vector<StoredPhoto>& photos) {
  w.u32(static_cast<std::uint32_t>(photos.size()));
  for (const auto& p : photos) {
    w.str(p.path);
    w.u8(p.has_pdq ? 1 : 0);
    w.raw(p.pdq.words().data(), 32);
    w.u32(p.quality);
  }
}
std::vector<PhotoFeatures> get_photos(ByteReader& r) {
  std::vector<PhotoFeatures> out(r.count(41));
  for (auto& p : out) {
    p.path = r.str();
    const bool has = r.u8() != 0;
    Hash256::Words words;
    r.raw(words.data(), 32);
    if (has) p.pdq = Hash256(words);
    p.quality = static_cast<int>(std::min<std::uint32_t>(r.u32(), 100));
  }
  return out;
}
std::vector<StoredPhoto> get_stored(ByteReader& r) {
  std::vector<StoredPhoto> out(r.count(41));
  for (auto& p : out) {
    p.path = r.str();
    p.has_pdq = r.u8() != 0;
    Hash256::Words words;
    r.raw(words.data(), 32);
    p.pdq = Hash256(words);
    p.quality = static_cast<std::uint8_t>(std::min<std::uint32_t>(r.u32(), 100));
  }
  return out;
}
}  // namespace

std::string encode_submit(const Report& report, const ReportFeatures& features, const std::string& verdict_json) {
  ByteWriter w;
  w.u8(kRecordSubmit);
  w.str(report_to_json(report));
  put_photos(w, features.photos);
  w.str(verdict_json);
  return std::move(w.data());
}

std::string encode_feedback(const Feedback& f) {
  ByteWriter w;
  w.u8(kRecordFeedback);
  w.u8(static_cast<std::uint8_t>(f.action));
  w.str(f.report_id);
  w.str(f.other_id);
  w.str(f.moderator);
  return std::move(w.data());
}

void apply_record(State& s, const FilterOptions& o, std::string_view payload, const std::string& what) {
  ByteReader r(payload, what);
  const std::uint8_t type = r.u8();
  if (type == kRecordSubmit) {
    Report report;
    ReportFeatures features;
    Verdict verdict;
    try {
      report = parse_report_json(r.str());
      features.photos = get_photos(r);
      verdict = parse_verdict_json(r.str());
    } catch (const Error& e) {
      if (e.code() == ErrorCode::kCorrupt) throw;
      throw Error(ErrorCode::kCorrupt, what + ": submit record does not decode: " + e.what());
    }
    if (!r.done()) r.fail("trailing bytes after a submit record");
    if (verdict.id != report.id) r.fail("verdict id does not match report id");
    // The verdict as parsed from its JSON: an idempotent replay returns the same JSON again.
    apply_submit(s, o, report, features, verdict);
  } else if (type == kRecordFeedback) {
    Feedback f;
    const std::uint8_t action = r.u8();
    if (action > static_cast<std::uint8_t>(FeedbackAction::kFakeLocation)) r.fail("unknown feedback action " + std::to_string(action));
    f.action = static_cast<FeedbackAction>(action);
    f.report_id = r.str();
    f.other_id = r.str();
    f.moderator = r.str();
    if (!r.done()) r.fail("trailing bytes after a feedback record");
    try {
      apply_feedback(s, f, o.spam.learning_rate);
    } catch (const Error& e) {
      // Feedback on a report evicted by retention since: nothing left to change.
      if (e.code() != ErrorCode::kNotFound) throw Error(ErrorCode::kCorrupt, what + ": " + e.what());
      ++s.seq;
    }
  } else {
    r.fail("unknown record type " + std::to_string(type));
  }
}

// ---- snapshots ----
std::string encode_state(const State& s) {
  ByteWriter w;
  w.u64(s.seq);
  w.u64(s.first_slot);
  w.u64(s.next_slot);
  w.u64(s.shrink_slot);
  w.i64(s.now);
  w.u32(static_cast<std::uint32_t>(s.reports.size()));
  for (const auto& r : s.reports) {
    w.str(r.id);
    w.str(r.reporter);
    w.str(r.category);
    w.i64(r.time.unix);
    w.i64(r.time.offset_minutes);
    w.f64(r.lat);
    w.f64(r.lon);
    w.u8(r.decision);
    w.u8(r.flags);
    w.str(r.incident);
    w.str(r.verdict);
    w.str(r.text);
    w.u32(static_cast<std::uint32_t>(r.shingles.size()));
    for (auto x : r.shingles) w.u32(x);
    put_stored(w, r.photos);
  }
  w.u32(static_cast<std::uint32_t>(s.incidents.size()));
  // In key order, so equal states give byte-identical snapshots (the table itself is unordered).
  std::vector<const std::pair<const std::string, std::vector<std::uint64_t>>*> incidents;
  incidents.reserve(s.incidents.size());
  for (const auto& e : s.incidents) incidents.push_back(&e);
  std::sort(incidents.begin(), incidents.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (const auto* e : incidents) {
    const auto& [key, members] = *e;
    w.str(key);
    w.u32(static_cast<std::uint32_t>(members.size()));
    for (auto m : members) w.u64(m);
  }
  w.u32(static_cast<std::uint32_t>(s.reporters.size()));
  // Sorted so equal states give byte-identical snapshots.
  std::vector<const ReporterTable::Entry*> reps;
  for (const auto& e : s.reporters) reps.push_back(&e);
  std::sort(reps.begin(), reps.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (const auto* e : reps) {
    const ReporterRecord& rr = e->second;
    w.str(e->first);
    w.i64(rr.counts.reports);
    w.i64(rr.counts.confirmed);
    w.i64(rr.counts.rejected);
  }
  w.str(s.spam_reporters.serialize());
  w.u8(s.spam_model ? 1 : 0);
  if (s.spam_model) w.str(s.spam_model->to_bytes());
  return std::move(w.data());
}

State decode_state(std::string_view payload, const FilterOptions& options, const std::string& what,
                   std::uint32_t version, const SpamLexicons& lexicons) {
  ByteReader r(payload, what);
  State s;
  s.geo_history = make_geo_history(options);
  s.seq = r.u64();
  s.first_slot = r.u64();
  s.next_slot = r.u64();
  s.shrink_slot = r.u64();
  s.now = r.i64();
  const std::uint32_t n = r.count(64);
  if (s.next_slot < s.first_slot || s.next_slot - s.first_slot != n) r.fail("slot range does not match the report count");
  if (s.shrink_slot < s.first_slot || s.shrink_slot > s.next_slot) r.fail("shrink mark out of range");
  for (std::uint32_t i = 0; i < n; ++i) {
    Retained x;
    x.id = r.str();
    x.reporter = r.str();
    x.category = r.str();
    x.time.unix = r.i64();
    x.time.offset_minutes = static_cast<int>(r.i64());
    x.lat = r.f64();
    x.lon = r.f64();
    if (!(x.lat >= -90 && x.lat <= 90 && x.lon >= -180 && x.lon <= 180)) r.fail("report coordinates out of range");
    x.decision = r.u8();
    if (x.decision > static_cast<std::uint8_t>(Decision::kReject)) r.fail("unknown decision");
    x.flags = r.u8();
    x.incident = r.str();
    if (version >= 2) {
      x.verdict = r.str();
      (void)decode_verdict(x.verdict, x.id, what);  // damaged bytes fail here, not on a later replay
    } else {
      // Version 1 kept the verdict's JSON.
      try {
        x.verdict = encode_verdict(parse_verdict_json(r.str()));
      } catch (const Error& e) {
        r.fail("stored verdict of '" + x.id + "' does not decode: " + e.what());
      }
    }
    x.text = r.str();
    const std::uint32_t ns = r.count(4);
    x.shingles.resize(ns);
    for (auto& v : x.shingles) v = r.u32();
    x.photos = get_stored(r);
    const std::uint64_t slot = s.first_slot + i;
    if (s.slot_of(x.id)) r.fail("report id '" + x.id + "' appears twice");
    s.by_id.insert(HashedSlots::hash(x.id), slot);
    if (!(x.flags & kFlagShrunk) &&
        (x.decision != static_cast<std::uint8_t>(Decision::kReject) || (x.flags & kFlagConfirmed))) {
      // Slots ascend here: cells stay sorted.
      const std::uint32_t category = category_id(s, x.category);
      s.grid[grid_cell(x.lat, x.lon)].push_back({slot, x.time.unix, x.lat, x.lon, category});
    }
    s.reports.push_back(std::move(x));
    const Retained& kept = s.reports.back();
    index_photos(s, kept, slot);
    if ((kept.flags & kFlagGeoCommitted) && options.geotag.enabled) {
      // The geotag history is rebuilt by committing the same reports in the same order.
      Report fix;
      fix.id = kept.id;
      fix.reporter = kept.reporter;
      fix.time = kept.time;
      fix.lat = kept.lat;
      fix.lon = kept.lon;
      s.geo_history.commit(fix);
    }
  }
  const std::uint32_t ni = r.count(12);
  for (std::uint32_t i = 0; i < ni; ++i) {
    std::string key = r.str();
    std::vector<std::uint64_t> members(r.count(8));
    for (auto& m : members) {
      m = r.u64();
      if (m < s.first_slot || m >= s.next_slot) r.fail("incident member out of range");
      if (s.at(m).incident != key) r.fail("incident '" + key + "' lists a report of another incident");
    }
    s.incidents.emplace(std::move(key), std::move(members));
  }
  const std::uint32_t nr = r.count(28);
  for (std::uint32_t i = 0; i < nr; ++i) {
    std::string id = r.str();
    ReporterRecord rr;
    rr.counts.reports = r.i64();
    rr.counts.confirmed = r.i64();
    rr.counts.rejected = r.i64();
    s.reporters.emplace(std::move(id), rr);
  }
  try {
    s.spam_reporters = saring::ReporterState::deserialize(r.str());
    if (r.u8()) s.spam_model = std::make_unique<SpamModel>(SpamModel::from_bytes(r.str(), lexicons));
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kCorrupt) throw Error(ErrorCode::kCorrupt, what + ": " + e.what());
    // Not damage: the model in the state was trained with other word lists than spam.lexicons.
    if (e.code() == ErrorCode::kInvalidArgument) throw Error(ErrorCode::kInvalidArgument, what + ": " + e.what());
    throw Error(ErrorCode::kCorrupt, what + ": spam state does not decode: " + e.what());
  }
  if (!r.done()) r.fail("trailing bytes after the state");
  return s;
}

}  // namespace saring::detail
