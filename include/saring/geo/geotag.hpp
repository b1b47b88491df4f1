// Geotag plausibility: is a report where it says it is, and could it be? Each check that fires is
// a finding with a stable UPPER_SNAKE code, the measured value, its weight and its contribution;
// the plausibility score is the product of (1 - contribution) over the findings, so 1 means
// "nothing against this position" and every finding pulls it towards 0.
//
//   saring::GeoHistory history;                                   // per-reporter state
//   saring::GeotagChecker checker(saring::AreaSet::jakarta());
//   saring::GeotagResult r = checker.evaluate(report, photos_exif, &history);
//   history.commit(report);                                       // after deciding
//   for (const auto& f : r.findings) std::cout << f.code << " " << f.value << "\n";
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "saring/core/report.hpp"
#include "saring/geo/areas.hpp"
#include "saring/geo/exif.hpp"

namespace saring {

// Reason codes (group "geotag").
inline constexpr std::string_view kGeoInvalidCoordinates = "GEO_INVALID_COORDINATES";
inline constexpr std::string_view kGeoNullIsland = "GEO_NULL_ISLAND";
inline constexpr std::string_view kGeoSwappedLatLon = "GEO_SWAPPED_LATLON";
inline constexpr std::string_view kGeoOutsideServiceArea = "GEO_OUTSIDE_SERVICE_AREA";
inline constexpr std::string_view kGeoInSea = "GEO_IN_SEA";
inline constexpr std::string_view kGeoLowPrecision = "GEO_LOW_PRECISION";
inline constexpr std::string_view kGeoPoorAccuracy = "GEO_POOR_ACCURACY";
inline constexpr std::string_view kGeoPhotoGpsMismatch = "GEO_PHOTO_GPS_MISMATCH";
inline constexpr std::string_view kGeoPhotoTimeMismatch = "GEO_PHOTO_TIME_MISMATCH";
inline constexpr std::string_view kGeoImpossibleTravel = "GEO_IMPOSSIBLE_TRAVEL";
inline constexpr std::string_view kGeoMockLocation = "GEO_MOCK_LOCATION";
inline constexpr std::string_view kGeoEmulatorPosition = "GEO_EMULATOR_POSITION";
inline constexpr std::string_view kGeoSharedCoordinates = "GEO_SHARED_COORDINATES";

// A place where emulators and simulators put the device by default.
struct EmulatorPosition {
  std::string name;
  double lat = 0;
  double lon = 0;
  double radius_m = 25;  // a fix this close counts as the default position
};
// Android emulator (Googleplex 37.421998,-122.084), iOS simulator (Apple Park 37.3349,-122.009 and
// the older Cupertino default 37.33233,-122.03121). Extend the list in GeotagOptions.
std::vector<EmulatorPosition> default_emulator_positions();

struct GeotagOptions {
  // Weights: a finding's contribution at full severity. Graded checks scale it by a severity in
  // (0, 1] derived from how far the measurement is past its threshold.
  double weight_invalid = 1.0;
  double weight_null_island = 1.0;
  double weight_swapped = 0.9;
  double weight_outside = 0.9;
  double weight_in_sea = 0.7;
  double weight_low_precision = 0.3;
  double weight_poor_accuracy = 0.4;
  double weight_photo_gps_mismatch = 0.6;
  double weight_photo_time_mismatch = 0.4;
  double weight_impossible_travel = 0.7;
  double weight_mock_location = 0.8;
  double weight_emulator = 0.9;
  double weight_shared = 0.5;

  double null_island_radius_m = 1000;   // GBIF and CoordinateCleaner use a similar buffer
  // The bundled polygons are simplified (tens of metres); points this close count as inside.
  double outside_tolerance_m = 100;
  // Severity ramps from 0.5 at the tolerance to 1 here. A phone fix is rarely off by more than a
  // few hundred metres, so a pin kilometres beyond the city line is a report from elsewhere
  // (the demo's Depok/Tangerang/Bekasi reports are 2.5-6 km out).
  double outside_full_severity_m = 2000;
  // In the water layer, outside every area, and farther than this from the nearest area.
  double sea_margin_m = 100;
  std::vector<std::string> water_ok_categories;  // categories that may lie on water (e.g. "kapal")
  int min_decimals = 3;                 // fewer decimals on lat or lon: GEO_LOW_PRECISION (3 ~ 110 m)
  double default_max_accuracy_m = 100;  // device accuracy worse than this: GEO_POOR_ACCURACY
  std::map<std::string, double> category_max_accuracy_m;  // per category, overrides the default
  // Photo GPS vs pin: allowed = sigma * sqrt(pin_acc^2 + photo_acc^2) + floor.
  double photo_mismatch_sigma = 2.0;
  double photo_mismatch_floor_m = 50;
  double default_pin_accuracy_m = 30;    // when the report has no accuracy_m
  double default_photo_accuracy_m = 30;  // when the photo has neither GPSHPositioningError nor DOP
  std::int64_t max_photo_age_s = 48 * 3600;  // photo taken this long before the report
  std::int64_t max_photo_after_s = 600;      // photo "taken" after the report (clock skew allowance)
  double max_speed_kmh = 250;
  double travel_min_distance_m = 2000;   // shorter jumps are never "impossible" (GPS noise, cells)
  std::size_t shared_min_reporters = 5;  // this many distinct reporters at bit-identical coordinates
  std::vector<EmulatorPosition> emulator_positions = default_emulator_positions();

  void validate() const;  // throws Error(kInvalidArgument) naming the field
};

struct GeotagFinding {
  std::string code;    // one of the kGeo* codes
  double value = 0;    // the measurement (metres, km/h, seconds, decimals, count...)
  std::string unit;    // "m", "km/h", "s", "decimals", "reporters", "" for flags
  double weight = 0;   // the options' weight
  double score = 0;    // weight * severity, in [0, 1]
  std::string detail;  // human-readable
};

struct GeotagResult {
  std::vector<AreaRef> areas;            // widest first; empty outside every area
  std::vector<GeotagFinding> findings;
  double plausibility = 1.0;             // product of (1 - score) over the findings, in [0, 1]
  bool in_service_area = false;
  double distance_to_service_area_m = 0; // 0 inside; NaN when not computed (invalid coordinates)

  bool has(std::string_view code) const;
  const GeotagFinding* find(std::string_view code) const;
  std::vector<Reason> reasons() const;   // group "geotag"
};

// A reporter's last accepted position and the reporters seen at each exact coordinate: the state
// behind GEO_IMPOSSIBLE_TRAVEL and GEO_SHARED_COORDINATES. Thread-safe (many readers, one writer
// at a time); evaluate() only reads it, commit() records a report once it is decided.
class GeoHistory {
 public:
  struct Options {
    std::int64_t shared_window_s = 30LL * 86400;  // reporters at a coordinate are remembered this long
    std::int64_t reporter_ttl_s = 30LL * 86400;   // a reporter's last position is forgotten after this
    void validate() const;
  };
  struct Fix {
    double lat = 0, lon = 0;
    UnixSeconds time = 0;
    std::string report_id;
  };

  GeoHistory();
  explicit GeoHistory(Options options);
  ~GeoHistory();
  GeoHistory(GeoHistory&&) noexcept;
  GeoHistory& operator=(GeoHistory&&) noexcept;

  std::optional<Fix> last_fix(std::string_view reporter) const;
  // Distinct reporters other than `except` seen at exactly (lat, lon) within the window before `now`.
  std::size_t reporters_at(double lat, double lon, UnixSeconds now, std::string_view except = {}) const;
  // Records the report's position (skipped when the reporter is empty or the position invalid)
  // and forgets entries older than the windows.
  void commit(const Report& report);
  std::size_t reporter_count() const;
  std::size_t coordinate_count() const;
  // Estimate of the heap bytes held: tables, slots (freed ones included: they are reused),
  // strings beyond the small-string buffer, the per-coordinate reporter lists and expiry queues.
  std::size_t memory_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class GeotagChecker {
 public:
  // `areas` must outlive the checker (AreaSet::jakarta() lives for the program).
  explicit GeotagChecker(const AreaSet& areas, GeotagOptions options = {});
  // Judges one report. `photos` are the EXIF facts of its photos (any order); `history` may be
  // null (then travel and shared-coordinate checks are skipped). Never throws on odd content.
  GeotagResult evaluate(const Report& report, std::span<const PhotoExif> photos = {},
                        const GeoHistory* history = nullptr) const;
  const GeotagOptions& options() const noexcept { return options_; }
  const AreaSet& areas() const noexcept { return *areas_; }

 private:
  const AreaSet* areas_;
  GeotagOptions options_;
};

// Decimal places in the shortest text that round-trips the double (106.8 -> 1, -6.1754 -> 4).
int coordinate_decimals(double value) noexcept;

}  // namespace saring
