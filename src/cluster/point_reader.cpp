#include "saring/cluster/point_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <unordered_map>

#include "saring/cluster/geodesic.hpp"
#include "saring/core/error.hpp"
#include "saring/core/json.hpp"
#include "saring/core/time.hpp"

namespace saring {

namespace {

[[noreturn]] void fail(std::string_view source, std::size_t line, const std::string& what) {
  throw Error(ErrorCode::kParse, std::string(source) + ":" + std::to_string(line) + ": " + what);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Splits one CSV record starting at `pos` (RFC 4180 quoting; quoted fields may hold newlines).
// Advances pos past the record and the line count by the newlines consumed.
std::vector<std::string> split_record(std::string_view text, std::size_t& pos, std::size_t& line,
                                      std::string_view source) {
  std::vector<std::string> fields(1);
  const std::size_t start_line = line;
  bool quoted = false, was_quoted = false;
  while (pos < text.size()) {
    const char c = text[pos++];
    if (quoted) {
      if (c == '"') {
        if (pos < text.size() && text[pos] == '"') {
          fields.back() += '"';
          ++pos;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        fields.back() += c;
      }
    } else if (c == '"') {
      if (!trim(fields.back()).empty() || was_quoted) fail(source, start_line, "stray quote inside a field");
      fields.back().clear();
      quoted = was_quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
      was_quoted = false;
    } else if (c == '\n') {
      ++line;
      return fields;
    } else {
      if (was_quoted && c != ' ' && c != '\t' && c != '\r') fail(source, start_line, "text after a closing quote");
      if (!was_quoted) fields.back() += c;
    }
  }
  if (quoted) fail(source, start_line, "unterminated quoted field");
  ++line;
  return fields;
}

double parse_coordinate(std::string_view field, const char* name, double limit, std::string_view source,
                        std::size_t line) {
  const std::string_view t = trim(field);
  double v = 0;
  const char* b = t.data();
  const char* e = t.data() + t.size();
  if (!t.empty() && *b == '+') ++b;
  auto [ptr, ec] = std::from_chars(b, e, v);
  if (t.empty() || ec != std::errc() || ptr != e)
    fail(source, line, std::string(name) + " '" + std::string(t.substr(0, 40)) + "' is not a number");
  if (!std::isfinite(v)) fail(source, line, std::string(name) + " is not finite");
  if (v < -limit || v > limit)
    fail(source, line, std::string(name) + " " + std::string(t.substr(0, 40)) + " is outside [-" +
                           std::to_string(static_cast<int>(limit)) + ", " + std::to_string(static_cast<int>(limit)) + "]");
  return v;
}

UnixSeconds parse_time_field(std::string_view field, std::string_view source, std::size_t line) {
  const std::string_view t = trim(field);
  if (t.empty()) fail(source, line, "time is empty");
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec == std::errc() && ptr == t.data() + t.size()) return v;
  try {
    return parse_rfc3339(t).unix;
  } catch (const Error& e) {
    fail(source, line, std::string("time: ") + e.what());
  }
}

void check_unique(std::unordered_map<std::string, std::size_t>& seen, const std::string& id, std::string_view source,
                  std::size_t line) {
  if (id.empty()) fail(source, line, "id is empty");
  auto [it, fresh] = seen.emplace(id, line);
  if (!fresh) fail(source, line, "id '" + id + "' repeats line " + std::to_string(it->second));
}

PointSet parse_json_lines(std::string_view text, std::string_view source, const PointReaderOptions& options) {
  PointSet out;
  out.has_time = true;
  std::unordered_map<std::string, std::size_t> seen;
  std::size_t pos = 0, line = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view row = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line;
    if (row.empty()) continue;
    if (out.points.size() >= options.max_rows)
      throw Error(ErrorCode::kLimitExceeded,
                  std::string(source) + ": more than " + std::to_string(options.max_rows) + " rows");
    Report r;
    try {
      r = parse_report_json(row, line);
    } catch (const Error& e) {
      throw Error(ErrorCode::kParse, std::string(source) + ": " + e.what());
    }
    if (!valid_lat_lon(r.lat, r.lon))
      fail(source, line, "lat/lon (" + std::to_string(r.lat) + ", " + std::to_string(r.lon) +
                             ") is outside [-90, 90] x [-180, 180]");
    check_unique(seen, r.id, source, line);
    if (!r.category.empty()) out.has_category = true;
    out.points.push_back(ClusterPoint{std::move(r.id), r.lat, r.lon, r.time.unix, std::move(r.category)});
  }
  return out;
}

PointSet parse_csv(std::string_view text, std::string_view source, const PointReaderOptions& options) {
  std::size_t pos = 0, line = 1;
  // Skip blank lines before the header.
  while (pos < text.size() && (text[pos] == '\n' || text[pos] == '\r' || text[pos] == ' ' || text[pos] == '\t')) {
    if (text[pos] == '\n') ++line;
    ++pos;
  }
  const std::size_t header_line = line;
  const std::vector<std::string> header = split_record(text, pos, line, source);
  int col_id = -1, col_lat = -1, col_lon = -1, col_time = -1, col_cat = -1;
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string name(trim(header[i]));
    if (i == 0 && name.rfind("\xEF\xBB\xBF", 0) == 0) name.erase(0, 3);  // UTF-8 byte order mark
    int* slot = name == "id"         ? &col_id
                : name == "lat"      ? &col_lat
                : name == "lon"      ? &col_lon
                : name == "time"     ? &col_time
                : name == "category" ? &col_cat
                                     : nullptr;
    if (!slot) continue;
    if (*slot >= 0) fail(source, header_line, "header names column '" + name + "' twice");
    *slot = static_cast<int>(i);
  }
  if (col_id < 0 || col_lat < 0 || col_lon < 0)
    fail(source, header_line, "header must name the columns id, lat and lon (time, category optional)");
  PointSet out;
  out.has_time = col_time >= 0;
  out.has_category = col_cat >= 0;
  std::unordered_map<std::string, std::size_t> seen;
  const std::size_t need = static_cast<std::size_t>(std::max({col_id, col_lat, col_lon, col_time, col_cat})) + 1;
  while (pos < text.size()) {
    const std::size_t row_line = line;
    std::vector<std::string> f = split_record(text, pos, line, source);
    if (f.size() == 1 && trim(f[0]).empty()) continue;  // blank line
    if (out.points.size() >= options.max_rows)
      throw Error(ErrorCode::kLimitExceeded,
                  std::string(source) + ": more than " + std::to_string(options.max_rows) + " rows");
    if (f.size() < need)
      fail(source, row_line, "has " + std::to_string(f.size()) + " fields, the header needs " + std::to_string(need));
    ClusterPoint p;
    p.id = std::string(trim(f[static_cast<std::size_t>(col_id)]));
    p.lat = parse_coordinate(f[static_cast<std::size_t>(col_lat)], "lat", 90.0, source, row_line);
    p.lon = parse_coordinate(f[static_cast<std::size_t>(col_lon)], "lon", 180.0, source, row_line);
    if (col_time >= 0) p.time = parse_time_field(f[static_cast<std::size_t>(col_time)], source, row_line);
    if (col_cat >= 0) p.category = std::string(trim(f[static_cast<std::size_t>(col_cat)]));
    check_unique(seen, p.id, source, row_line);
    out.points.push_back(std::move(p));
  }
  return out;
}

}  // namespace

PointSet parse_points(std::string_view text, std::string_view source_name, const PointReaderOptions& options) {
  std::size_t i = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) ++i;
  if (i < text.size() && text[i] == '{') return parse_json_lines(text, source_name, options);
  if (i == text.size()) return PointSet{};
  return parse_csv(text, source_name, options);
}

PointSet read_points_file(const std::string& path, const PointReaderOptions& options) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorCode::kIo, path + ": cannot open for reading");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw Error(ErrorCode::kIo, path + ": read failed");
    text = std::move(ss).str();
  }
  return parse_points(text, path == "-" ? "<stdin>" : path, options);
}

}  // namespace saring
