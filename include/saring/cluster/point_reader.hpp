// Reading points to cluster from text: CSV with a header naming at least id, lat and lon (time
// and category optional, any column order, other columns ignored; RFC 3339 or integer Unix
// seconds for time; RFC 4180 quoting), or JSON lines in the report format (REPORT_FORMAT.md).
// The format is chosen by the first non-blank character ('{' means JSON lines).
//
// Every row is checked: a lat/lon that is not a finite number inside [-90, 90] x [-180, 180], a
// missing field, an unparsable time or a repeated id is an Error(kParse) naming the source and
// the line, never a point silently clustered at a wrong place.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "saring/cluster/dbscan.hpp"

namespace saring {

struct PointSet {
  std::vector<ClusterPoint> points;
  bool has_time = false;
  bool has_category = false;
};

struct PointReaderOptions {
  std::size_t max_rows = 50'000'000;  // more rows is Error(kLimitExceeded)
};

PointSet parse_points(std::string_view text, std::string_view source_name = "<input>",
                      const PointReaderOptions& options = {});
// Reads a file ("-" is standard input). Throws Error(kIo) when it cannot be read.
PointSet read_points_file(const std::string& path, const PointReaderOptions& options = {});

}  // namespace saring
