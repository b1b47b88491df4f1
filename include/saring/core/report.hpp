// The report a backend submits and the verdict saring returns: plain value types, with their JSON
// form defined in ../shared/REPORT_FORMAT.md (see saring/core/json.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "saring/core/time.hpp"

namespace saring {

struct LatLon {
  double lat = 0.0;  // WGS84 degrees
  double lon = 0.0;
  auto operator<=>(const LatLon&) const = default;
};

struct ClientInfo {
  std::optional<bool> mock_location;  // the OS's mock-location flag, when the app sent it
  std::string app;                    // app version
};

// A photo handed over as its encoded bytes (JPEG, PNG, WebP, ...) rather than a path, for a
// backend that holds uploads in memory. The filter writes the ones it can decode to its photo store
// (see saring/filter/filter.hpp), so later reports can still be checked against them; the JSON
// form has no field for bytes (REPORT_FORMAT.md: photos are paths).
struct PhotoBytes {
  std::vector<std::uint8_t> data;
  std::string name;  // for messages only (e.g. the upload's file name); may be empty
};

struct Report {
  std::string id;                     // the backend's id, unique
  std::string reporter;               // opaque reporter id; empty when not given
  Timestamp time;
  double lat = 0.0;
  double lon = 0.0;
  std::optional<double> accuracy_m;   // device horizontal accuracy
  std::string category;               // e.g. "jalan_rusak"; empty when not given
  std::string text;                   // free text as sent (may be invalid UTF-8)
  std::vector<std::string> photos;    // local paths
  std::vector<PhotoBytes> photo_bytes;  // more photos, as bytes (C++ and Python; not in the JSON form)
  std::vector<std::string> videos;    // local paths
  ClientInfo client;
  std::string extra_json;             // fields saring does not know, kept verbatim as a JSON object

  LatLon position() const { return {lat, lon}; }
};

enum class Decision { kAccept, kDuplicate, kReview, kReject };
std::string_view decision_name(Decision d);     // "accept", ...
Decision parse_decision(std::string_view name); // throws Error(kParse) on unknown names

// One machine-readable reason: a stable UPPER_SNAKE code, its group ("duplicate", "geotag",
// "spam", "image", ...), its contribution in [0, 1] and a human-readable detail.
struct Reason {
  std::string code;
  std::string group;
  double score = 0.0;
  std::string detail;
  bool operator==(const Reason&) const = default;
};

// One level of the administrative chain, widest first: provinsi, kabupaten_kota, kecamatan,
// kelurahan.
struct AreaRef {
  std::string level;
  std::string code;
  std::string name;
  bool operator==(const AreaRef&) const = default;
};

struct Scores {
  double duplicate = 0.0;
  double geotag = 0.0;
  double spam = 0.0;
  double total = 0.0;
  bool operator==(const Scores&) const = default;
};

struct Verdict {
  std::string id;
  Decision decision = Decision::kAccept;
  std::optional<std::string> duplicate_of;
  std::optional<std::string> incident;
  Scores scores;
  std::vector<Reason> reasons;
  std::vector<AreaRef> areas;
  bool operator==(const Verdict&) const = default;
};

}  // namespace saring
