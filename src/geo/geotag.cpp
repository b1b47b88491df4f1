#include "saring/geo/geotag.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <limits>
#include <mutex>
#include <queue>
#include <shared_mutex>

#include "core/flat_hash_table.hpp"
#include "core/hash_mix.hpp"
#include "saring/cluster/geodesic.hpp"
#include "saring/core/error.hpp"

namespace saring {

namespace {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// Severity in [floor, 1] growing linearly with how far `ratio` (measurement / threshold) is past 1:
// twice the threshold is full severity.
double ramp(double ratio, double floor = 0.25) {
  if (!std::isfinite(ratio)) return 1.0;
  return std::clamp(ratio - 1.0, floor, 1.0);
}

}  // namespace

std::vector<EmulatorPosition> default_emulator_positions() {
  return {
      {"Android emulator default (Googleplex, Mountain View)", 37.421998, -122.084, 25},
      {"iOS simulator default (Apple Park, Cupertino)", 37.3349, -122.009, 25},
      {"iOS simulator default (Cupertino, Infinite Loop)", 37.33233, -122.03121, 25},
  };
}

void GeotagOptions::validate() const {
  auto fail = [](const std::string& what) { throw Error(ErrorCode::kInvalidArgument, "GeotagOptions." + what); };
  const std::pair<const char*, double> weights[] = {
      {"weight_invalid", weight_invalid}, {"weight_null_island", weight_null_island},
      {"weight_swapped", weight_swapped}, {"weight_outside", weight_outside},
      {"weight_in_sea", weight_in_sea}, {"weight_low_precision", weight_low_precision},
      {"weight_poor_accuracy", weight_poor_accuracy}, {"weight_photo_gps_mismatch", weight_photo_gps_mismatch},
      {"weight_photo_time_mismatch", weight_photo_time_mismatch},
      {"weight_impossible_travel", weight_impossible_travel}, {"weight_mock_location", weight_mock_location},
      {"weight_emulator", weight_emulator}, {"weight_shared", weight_shared}};
  for (const auto& [name, w] : weights)
    if (!(w >= 0 && w <= 1)) fail(std::string(name) + " must be in [0, 1]");
  const std::pair<const char*, double> positive[] = {
      {"null_island_radius_m", null_island_radius_m}, {"outside_full_severity_m", outside_full_severity_m},
      {"default_max_accuracy_m", default_max_accuracy_m}, {"photo_mismatch_sigma", photo_mismatch_sigma},
      {"default_pin_accuracy_m", default_pin_accuracy_m}, {"default_photo_accuracy_m", default_photo_accuracy_m},
      {"max_speed_kmh", max_speed_kmh}};
  for (const auto& [name, v] : positive)
    if (!(v > 0 && std::isfinite(v))) fail(std::string(name) + " must be a positive number");
  const std::pair<const char*, double> non_negative[] = {{"outside_tolerance_m", outside_tolerance_m},
                                                         {"sea_margin_m", sea_margin_m},
                                                         {"photo_mismatch_floor_m", photo_mismatch_floor_m},
                                                         {"travel_min_distance_m", travel_min_distance_m}};
  for (const auto& [name, v] : non_negative)
    if (!(v >= 0 && std::isfinite(v))) fail(std::string(name) + " must be >= 0");
  if (outside_full_severity_m <= outside_tolerance_m) fail("outside_full_severity_m must exceed outside_tolerance_m");
  if (min_decimals < 0 || min_decimals > 15) fail("min_decimals must be in [0, 15]");
  if (max_photo_age_s < 0 || max_photo_after_s < 0) fail("max_photo_age_s and max_photo_after_s must be >= 0");
  if (shared_min_reporters < 2) fail("shared_min_reporters must be >= 2");
  for (const auto& [category, v] : category_max_accuracy_m)
    if (!(v > 0 && std::isfinite(v))) fail("category_max_accuracy_m[" + category + "] must be positive");
  for (const auto& e : emulator_positions)
    if (!valid_lat_lon(e.lat, e.lon) || !(e.radius_m >= 0)) fail("emulator_positions: bad entry '" + e.name + "'");
}

int coordinate_decimals(double value) noexcept {
  if (!std::isfinite(value)) return 0;
  char buf[400];
  const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  if (res.ec != std::errc()) return 0;
  const std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
  const auto dot = text.find('.');
  return dot == std::string_view::npos ? 0 : static_cast<int>(text.size() - dot - 1);
}

bool GeotagResult::has(std::string_view code) const { return find(code) != nullptr; }

const GeotagFinding* GeotagResult::find(std::string_view code) const {
  for (const auto& f : findings)
    if (f.code == code) return &f;
  return nullptr;
}

std::vector<Reason> GeotagResult::reasons() const {
  std::vector<Reason> out;
  out.reserve(findings.size());
  for (const auto& f : findings) out.push_back(Reason{f.code, "geotag", f.score, f.detail});
  return out;
}

// ---------------------------------------------------------------------------------------------
// GeoHistory

namespace {

// Exact coordinates as a key: the bit patterns, so 106.8 and 106.80000000000001 stay distinct
// ("exactly the same coordinates" is the point of the check). -0.0 is folded into 0.0.
struct CoordKey {
  std::uint64_t lat_bits, lon_bits;
  bool operator==(const CoordKey&) const = default;
};
CoordKey key_of(double lat, double lon) {
  CoordKey k;
  lat += 0.0;  // -0.0 + 0.0 == +0.0
  lon += 0.0;
  std::memcpy(&k.lat_bits, &lat, 8);
  std::memcpy(&k.lon_bits, &lon, 8);
  return k;
}

// The flat tables take their home slot from a hash's low bits, so both hashes end in a full
// 32 bits of it are kept: an entry is then 8 bytes (a million coordinates fill a 16 MB table, not
// 32 MB, and 200,000 reporters 4 MB), and a rare equal hash is told apart by the key in the slot.
using HashWord = std::uint32_t;
HashWord hash_of(const CoordKey& k) {
  return static_cast<HashWord>(detail::mix64(k.lat_bits * 0x9E3779B97F4A7C15ull ^ k.lon_bits));
}
HashWord hash_of(std::string_view reporter) {
  return static_cast<HashWord>(detail::hash_string(reporter));
}

}  // namespace

void GeoHistory::Options::validate() const {
  if (shared_window_s <= 0 || reporter_ttl_s <= 0)
    throw Error(ErrorCode::kInvalidArgument, "GeoHistory::Options: windows must be positive");
}

struct GeoHistory::Impl {
  Options options;
  mutable std::shared_mutex mutex;

  // Open-addressing tables of (hash, slot index) over slot vectors that hold the keys: a lookup
  // reads one table line and then its slot, where the node-based unordered_maps they replace read
  // a bucket, a node and the key's string (three or more cache misses at a million coordinates).
  // A slot the sweep frees goes on a free list and is reused before the vector grows, so the
  // vectors stay at the peak live count under churn. A freed coordinate slot keeps its Seen's
  // capacity: nearly every commit brings a coordinate not seen before, and reusing a slot then
  // costs no allocation.
  using Table = detail::FlatHashTable<HashWord, std::uint32_t>;
  template <class Slot>
  struct SlotTable {
    Table index;
    std::vector<Slot> slots;
    std::vector<std::uint32_t> free;
    // The slot of the key (hash h, confirmed by same(slot)); nullptr when absent.
    template <class Same>
    Slot* find(HashWord h, Same&& same) {
      const std::uint32_t i = index.find(h, [&](std::uint32_t k) { return same(slots[k]); });
      return i == Table::kNoValue ? nullptr : &slots[i];
    }
    template <class Same>
    const Slot* find(HashWord h, Same&& same) const {
      return const_cast<SlotTable*>(this)->find(h, same);
    }
    // A slot for a new key (hash h, absent): a freed one when there is one. The caller fills it.
    Slot& add(HashWord h) {
      std::uint32_t i;
      if (!free.empty()) {
        i = free.back();
        free.pop_back();
      } else {
        if (slots.size() >= Table::kNoValue)
          throw Error(ErrorCode::kLimitExceeded, "GeoHistory: more than 2^32-1 live entries");
        i = static_cast<std::uint32_t>(slots.size());
        slots.emplace_back();
      }
      index.insert(h, i);
      return slots[i];
    }
    void remove(HashWord h, const Slot& slot) {
      const auto i = static_cast<std::uint32_t>(&slot - slots.data());
      index.erase(h, i);
      free.push_back(i);
    }
    std::size_t size() const { return index.size(); }
    std::size_t memory_bytes() const {
      return index.memory_bytes() + slots.capacity() * sizeof(Slot) + free.capacity() * sizeof(std::uint32_t);
    }
  };

  struct ReporterSlot {
    std::string reporter;
    Fix fix;
  };
  SlotTable<ReporterSlot> last;
  const ReporterSlot* find_last(HashWord h, std::string_view reporter) const {
    return last.find(h, [&](const ReporterSlot& s) { return s.reporter == reporter; });
  }
  ReporterSlot* find_last(HashWord h, std::string_view reporter) {
    return last.find(h, [&](const ReporterSlot& s) { return s.reporter == reporter; });
  }

  // Reporters seen at each exact coordinate, with the latest time. A short vector, not a nested
  // hash map: nearly every coordinate has one reporter, and a map per coordinate cost two
  // allocations per commit and ~100 bytes per retained report.
  using Seen = std::vector<std::pair<std::string, UnixSeconds>>;
  struct CoordSlot {
    CoordKey key{};
    Seen seen;
  };
  SlotTable<CoordSlot> at;
  const CoordSlot* find_at(HashWord h, const CoordKey& key) const {
    return at.find(h, [&](const CoordSlot& s) { return s.key == key; });
  }
  CoordSlot* find_at(HashWord h, const CoordKey& key) {
    return at.find(h, [&](const CoordSlot& s) { return s.key == key; });
  }
  Seen& seen_at(const CoordKey& key) {
    const HashWord h = hash_of(key);
    if (CoordSlot* s = find_at(h, key)) return s->seen;
    CoordSlot& s = at.add(h);
    s.key = key;
    s.seen.clear();
    return s.seen;
  }
  static std::pair<std::string, UnixSeconds>* find_reporter(Seen& seen, std::string_view reporter) {
    for (auto& e : seen)
      if (e.first == reporter) return &e;
    return nullptr;
  }
  UnixSeconds newest = std::numeric_limits<UnixSeconds>::min();
  std::size_t commits_since_sweep = 0;
  // Every commit's (time, reporter[, coordinate]) in time order, so a sweep visits only what
  // has expired instead of every entry: a full pass over millions of coordinates every 4096
  // commits dominated large filter windows. A popped item whose entry has since moved on to a
  // later time is skipped; the entries removed are exactly those a full pass would remove.
  struct FixItem {
    UnixSeconds time;
    std::string reporter;
  };
  struct SeenItem {
    UnixSeconds time;
    CoordKey key;
    std::string reporter;
  };
  struct Later {
    bool operator()(const FixItem& a, const FixItem& b) const { return a.time > b.time; }
    bool operator()(const SeenItem& a, const SeenItem& b) const { return a.time > b.time; }
  };
  // Oldest first: a FIFO for the items that arrive in time order (nearly all: a commit is rarely
  // older than the one before it) and a heap for the rest. A heap of everything put a sift-down of
  // ~20 cache misses into every pop once it held a million items. Items of equal time may come out
  // in another order than from one heap; the sweep's result does not depend on that order (each
  // item only removes its own entry, and only if that still has the item's time).
  template <class Item>
  struct TimeQueue {
    std::deque<Item> in_order;  // times non-decreasing
    std::priority_queue<Item, std::vector<Item>, Later> late;
    void push(Item item) {
      if (in_order.empty() || item.time >= in_order.back().time) {
        in_order.push_back(std::move(item));
      } else {
        late.push(std::move(item));
      }
    }
    bool empty() const { return in_order.empty() && late.empty(); }
    bool from_late() const { return !late.empty() && (in_order.empty() || late.top().time < in_order.front().time); }
    const Item& top() const { return from_late() ? late.top() : in_order.front(); }
    // The items (deque blocks and the heap vector's spare capacity are not counted) and the
    // FIFO's strings (late items are rare).
    template <class Heap>
    std::size_t memory_bytes(Heap&& heap) const {
      std::size_t n = (in_order.size() + late.size()) * sizeof(Item);
      for (const Item& item : in_order) n += heap(item.reporter);
      return n;
    }
    void pop() {
      if (from_late()) {
        late.pop();
      } else {
        in_order.pop_front();
      }
    }
  };
  TimeQueue<FixItem> fix_queue;
  TimeQueue<SeenItem> seen_queue;

  void sweep() {
    // Amortised: once every 4096 commits, so memory stays bounded by the windows.
    while (!fix_queue.empty() && newest - fix_queue.top().time > options.reporter_ttl_s) {
      const FixItem& item = fix_queue.top();
      const HashWord h = hash_of(item.reporter);
      if (const ReporterSlot* s = find_last(h, item.reporter); s && s->fix.time == item.time) last.remove(h, *s);
      fix_queue.pop();
    }
    while (!seen_queue.empty() && newest - seen_queue.top().time > options.shared_window_s) {
      const SeenItem& item = seen_queue.top();
      const HashWord h = hash_of(item.key);
      if (CoordSlot* s = find_at(h, item.key)) {
        Seen& m = s->seen;
        if (auto* r = find_reporter(m, item.reporter); r && r->second == item.time) {
          *r = std::move(m.back());
          m.pop_back();
        }
        if (m.empty()) at.remove(h, *s);
      }
      seen_queue.pop();
    }
  }
};

GeoHistory::GeoHistory() : GeoHistory(Options{}) {}
GeoHistory::GeoHistory(Options options) : impl_(std::make_unique<Impl>()) {
  options.validate();
  impl_->options = options;
}
GeoHistory::~GeoHistory() = default;
GeoHistory::GeoHistory(GeoHistory&&) noexcept = default;
GeoHistory& GeoHistory::operator=(GeoHistory&&) noexcept = default;

std::optional<GeoHistory::Fix> GeoHistory::last_fix(std::string_view reporter) const {
  std::shared_lock lock(impl_->mutex);
  const Impl& im = *impl_;
  const Impl::ReporterSlot* s = im.find_last(hash_of(reporter), reporter);
  if (!s) return std::nullopt;
  return s->fix;
}

std::size_t GeoHistory::reporters_at(double lat, double lon, UnixSeconds now, std::string_view except) const {
  std::shared_lock lock(impl_->mutex);
  const Impl& im = *impl_;
  const CoordKey key = key_of(lat, lon);
  const Impl::CoordSlot* s = im.find_at(hash_of(key), key);
  if (!s) return 0;
  std::size_t n = 0;
  for (const auto& [reporter, t] : s->seen)
    if (reporter != except && now - t <= im.options.shared_window_s && t - now <= im.options.shared_window_s) ++n;
  return n;
}

void GeoHistory::commit(const Report& report) {
  if (report.reporter.empty() || !valid_lat_lon(report.lat, report.lon)) return;
  std::unique_lock lock(impl_->mutex);
  const HashWord rh = hash_of(report.reporter);
  Impl::ReporterSlot* slot = impl_->find_last(rh, report.reporter);
  if (!slot) {  // as the map it replaces default-inserted
    slot = &impl_->last.add(rh);
    slot->reporter = report.reporter;
    slot->fix = Fix{};
  }
  Fix& fix = slot->fix;
  if (fix.report_id.empty() || report.time.unix >= fix.time) {  // keep the latest, even if reports arrive out of order
    fix.lat = report.lat;
    fix.lon = report.lon;
    fix.time = report.time.unix;
    fix.report_id = report.id;
    impl_->fix_queue.push({report.time.unix, report.reporter});
  }
  const CoordKey key = key_of(report.lat, report.lon);
  Impl::Seen& here = impl_->seen_at(key);
  auto* entry = Impl::find_reporter(here, report.reporter);
  if (!entry) {
    here.emplace_back(report.reporter, UnixSeconds{0});  // as the map it replaces default-inserted
    entry = &here.back();
  }
  UnixSeconds& seen = entry->second;
  seen = std::max(seen, report.time.unix);
  impl_->seen_queue.push({seen, key, report.reporter});
  impl_->newest = std::max(impl_->newest, report.time.unix);
  if (++impl_->commits_since_sweep >= 4096) {
    impl_->commits_since_sweep = 0;
    impl_->sweep();
  }
}

std::size_t GeoHistory::reporter_count() const {
  std::shared_lock lock(impl_->mutex);
  return impl_->last.size();
}

std::size_t GeoHistory::coordinate_count() const {
  std::shared_lock lock(impl_->mutex);
  return impl_->at.size();
}

std::size_t GeoHistory::memory_bytes() const {
  std::shared_lock lock(impl_->mutex);
  const Impl& im = *impl_;
  const auto heap = [](const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; };
  std::size_t n = im.last.memory_bytes() + im.at.memory_bytes();
  for (const auto& s : im.last.slots) n += heap(s.reporter) + heap(s.fix.report_id);
  for (const auto& s : im.at.slots) {
    n += s.seen.capacity() * sizeof(Impl::Seen::value_type);
    for (const auto& e : s.seen) n += heap(e.first);
  }
  n += im.fix_queue.memory_bytes(heap) + im.seen_queue.memory_bytes(heap);
  return n;
}

// ---------------------------------------------------------------------------------------------
// GeotagChecker

GeotagChecker::GeotagChecker(const AreaSet& areas, GeotagOptions options)
    : areas_(&areas), options_(std::move(options)) {
  options_.validate();
}

GeotagResult GeotagChecker::evaluate(const Report& report, std::span<const PhotoExif> photos,
                                     const GeoHistory* history) const {
  const GeotagOptions& o = options_;
  GeotagResult r;
  r.distance_to_service_area_m = std::numeric_limits<double>::quiet_NaN();
  auto add = [&](std::string_view code, double value, std::string unit, double weight, double severity,
                 std::string detail) {
    GeotagFinding f{std::string(code), value, std::move(unit), weight, std::clamp(weight * severity, 0.0, 1.0),
                    std::move(detail)};
    r.findings.push_back(std::move(f));
  };
  const double lat = report.lat, lon = report.lon;

  // Flags that do not depend on the position come first, so they survive an invalid one.
  if (report.client.mock_location.value_or(false))
    add(kGeoMockLocation, 1, "", o.weight_mock_location, 1.0, "the client reported the OS mock-location flag");

  // A swapped or sign-flipped pair that lands in the service area explains a bad position.
  auto check_swapped = [&] {
    struct Variant {
      double lat, lon;
      const char* what;
    } variants[] = {{lon, lat, "latitude and longitude swapped"},
                    {-lat, lon, "latitude sign flipped"},
                    {lat, -lon, "longitude sign flipped"},
                    {-lat, -lon, "both signs flipped"},
                    {lon, -lat, "swapped, latitude sign flipped"},
                    {-lon, lat, "swapped, longitude sign flipped"}};
    for (const auto& v : variants) {
      if (!valid_lat_lon(v.lat, v.lon) || (v.lat == lat && v.lon == lon)) continue;
      if (areas_->in_service_area(v.lat, v.lon)) {
        add(kGeoSwappedLatLon, 1, "", o.weight_swapped, 1.0,
            std::string(v.what) + ": " + fmt("%.6f", v.lat) + "," + fmt("%.6f", v.lon) + " is in the service area");
        return;
      }
    }
  };

  if (!valid_lat_lon(lat, lon)) {
    const double bad = !std::isfinite(lat) || lat < -90 || lat > 90 ? lat : lon;
    add(kGeoInvalidCoordinates, bad, "deg", o.weight_invalid, 1.0,
        std::string(!std::isfinite(lat) || !std::isfinite(lon) ? "coordinates are not finite"
                                                                 : "coordinates out of range") +
            " (lat " + fmt("%g", lat) + ", lon " + fmt("%g", lon) + ")");
    if (std::isfinite(lat) && std::isfinite(lon)) check_swapped();
  } else if (haversine_m(lat, lon, 0, 0) <= o.null_island_radius_m) {
    const double d = haversine_m(lat, lon, 0, 0);
    add(kGeoNullIsland, d, "m", o.weight_null_island, 1.0, "position " + fmt("%.0f", d) + " m from 0,0 (null island)");
  } else {
    r.areas = areas_->lookup(lat, lon);
    r.in_service_area = areas_->in_service_area(lat, lon);
    if (r.in_service_area) {
      r.distance_to_service_area_m = 0;
    } else {
      check_swapped();
      const bool water_ok = std::find(o.water_ok_categories.begin(), o.water_ok_categories.end(), report.category) !=
                            o.water_ok_categories.end();
      bool at_sea = false;
      if (areas_->in_water(lat, lon)) {
        const auto finest = areas_->finest_level();
        const double to_land = finest ? areas_->distance_to_level_m(*finest, lat, lon) : 0.0;
        r.distance_to_service_area_m = areas_->distance_to_service_area_m(lat, lon);
        if (to_land > o.sea_margin_m) {
          // Jakarta's waters belong to the city; a point there is judged as "in the sea", not "outside".
          at_sea = true;
          if (!water_ok)
            add(kGeoInSea, to_land, "m", o.weight_in_sea, 1.0,
                "in the sea, " + fmt("%.0f", to_land) + " m from the nearest land area" +
                    (report.category.empty() ? std::string() : " (category " + report.category + " needs land)"));
        }
      }
      if (!at_sea) {
        const double d = std::isnan(r.distance_to_service_area_m) ? areas_->distance_to_service_area_m(lat, lon)
                                                                   : r.distance_to_service_area_m;
        r.distance_to_service_area_m = d;
        if (std::isfinite(d) && d > o.outside_tolerance_m) {
          const double severity =
              0.5 + 0.5 * std::clamp((d - o.outside_tolerance_m) / (o.outside_full_severity_m - o.outside_tolerance_m), 0.0, 1.0);
          add(kGeoOutsideServiceArea, d, "m", o.weight_outside, severity,
              fmt("%.0f", d) + " m outside the service area");
        }
      }
    }

    const int decimals = std::min(coordinate_decimals(lat), coordinate_decimals(lon));
    if (decimals < o.min_decimals)
      add(kGeoLowPrecision, decimals, "decimals", o.weight_low_precision,
          static_cast<double>(o.min_decimals - decimals) / std::max(1, o.min_decimals),
          "coordinates given to " + std::to_string(decimals) + " decimal places (expected at least " +
              std::to_string(o.min_decimals) + ")");

    for (const auto& e : o.emulator_positions) {
      const double d = haversine_m(lat, lon, e.lat, e.lon);
      if (d <= e.radius_m) {
        add(kGeoEmulatorPosition, d, "m", o.weight_emulator, 1.0, e.name + ", " + fmt("%.0f", d) + " m away");
        break;
      }
    }
  }

  // Device accuracy against what the category needs.
  if (report.accuracy_m) {
    const double acc = *report.accuracy_m;
    auto it = o.category_max_accuracy_m.find(report.category);
    const double limit = it != o.category_max_accuracy_m.end() ? it->second : o.default_max_accuracy_m;
    if (!(acc >= 0) || !std::isfinite(acc)) {
      add(kGeoPoorAccuracy, acc, "m", o.weight_poor_accuracy, 1.0, "accuracy_m is not a non-negative number");
    } else if (acc > limit) {
      add(kGeoPoorAccuracy, acc, "m", o.weight_poor_accuracy, ramp(acc / limit),
          "device accuracy " + fmt("%.0f", acc) + " m, category needs " + fmt("%.0f", limit) + " m");
    }
  }

  const bool position_ok = valid_lat_lon(lat, lon);
  if (position_ok) {
    // Photo GPS against the pin: the worst photo speaks for the report.
    double worst_ratio = 0, worst_d = 0, worst_allowed = 0;
    const double pin_acc = report.accuracy_m && *report.accuracy_m >= 0 && std::isfinite(*report.accuracy_m)
                               ? *report.accuracy_m : o.default_pin_accuracy_m;
    for (const auto& p : photos) {
      if (!p.gps || !valid_lat_lon(p.gps->lat, p.gps->lon)) continue;
      if (p.gps->lat == 0 && p.gps->lon == 0) continue;  // cameras write 0/0 for "no fix"
      const double photo_acc = p.horizontal_accuracy_m().value_or(o.default_photo_accuracy_m);
      const double allowed = o.photo_mismatch_sigma * std::hypot(pin_acc, photo_acc) + o.photo_mismatch_floor_m;
      const double d = haversine_m(lat, lon, p.gps->lat, p.gps->lon);
      if (d / allowed > worst_ratio) {
        worst_ratio = d / allowed;
        worst_d = d;
        worst_allowed = allowed;
      }
    }
    if (worst_ratio > 1)
      add(kGeoPhotoGpsMismatch, worst_d, "m", o.weight_photo_gps_mismatch, ramp(worst_ratio),
          "photo GPS " + fmt("%.0f", worst_d) + " m from the pin; accuracy allows " + fmt("%.0f", worst_allowed) + " m");
  }

  // Photo time against the report time.
  {
    std::int64_t worst = 0;
    double worst_sev = 0;
    for (const auto& p : photos) {
      const auto taken = p.taken_at(report.time.offset_minutes);
      if (!taken) continue;
      const std::int64_t before = report.time.unix - taken->unix;  // > 0: photo older than the report
      double sev = 0;
      if (before > o.max_photo_age_s)
        sev = ramp(static_cast<double>(before) / static_cast<double>(std::max<std::int64_t>(o.max_photo_age_s, 1)));
      else if (-before > o.max_photo_after_s)
        sev = ramp(static_cast<double>(-before) / static_cast<double>(std::max<std::int64_t>(o.max_photo_after_s, 1)));
      if (sev > worst_sev) {
        worst_sev = sev;
        worst = before;
      }
    }
    if (worst_sev > 0) {
      const double hours = static_cast<double>(std::llabs(worst)) / 3600.0;
      add(kGeoPhotoTimeMismatch, static_cast<double>(worst), "s", o.weight_photo_time_mismatch, worst_sev,
          "photo taken " + fmt("%.1f", hours) + " h " + (worst > 0 ? "before" : "after") + " the report");
    }
  }

  if (history && position_ok && !report.reporter.empty()) {
    if (const auto last = history->last_fix(report.reporter); last && last->report_id != report.id) {
      const double d = haversine_m(lat, lon, last->lat, last->lon);
      if (d > o.travel_min_distance_m) {
        const double dt = std::max<double>(1.0, static_cast<double>(std::llabs(report.time.unix - last->time)));
        const double kmh = d / dt * 3.6;
        if (kmh > o.max_speed_kmh)
          // Floor 0.75, not 0.25: unlike an accuracy figure, any speed over the limit is already
          // implausible (with the default weight 0.7 it alone sends a report to review).
          add(kGeoImpossibleTravel, kmh, "km/h", o.weight_impossible_travel, ramp(kmh / o.max_speed_kmh, 0.75),
              fmt("%.0f", d / 1000) + " km from report " + last->report_id + " in " + fmt("%.0f", dt) + " s (" +
                  fmt("%.0f", kmh) + " km/h)");
      }
    }
    const std::size_t others = history->reporters_at(lat, lon, report.time.unix, report.reporter);
    if (others + 1 >= o.shared_min_reporters)
      add(kGeoSharedCoordinates, static_cast<double>(others + 1), "reporters", o.weight_shared, 1.0,
          std::to_string(others + 1) + " different reporters at exactly " + fmt("%.7f", lat) + "," + fmt("%.7f", lon));
  }

  double p = 1.0;
  for (const auto& f : r.findings) p *= 1.0 - f.score;
  r.plausibility = std::clamp(p, 0.0, 1.0);
  return r;
}

}  // namespace saring
