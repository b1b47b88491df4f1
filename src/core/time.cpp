#include "saring/core/time.hpp"

#include <chrono>
#include <cstdio>

#include "saring/core/error.hpp"

namespace saring {
namespace {

[[noreturn]] void bad_time(std::string_view text, const char* why) {
  throw Error(ErrorCode::kParse, "time '" + std::string(text.substr(0, 64)) + "' is not RFC 3339: " + why);
}

// Reads exactly n digits at pos.
int digits(std::string_view s, std::size_t pos, int n, std::string_view whole) {
  if (pos + n > s.size()) bad_time(whole, "too short");
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') bad_time(whole, "digit expected");
    v = v * 10 + (c - '0');
  }
  return v;
}

void expect(std::string_view s, std::size_t pos, char c, std::string_view whole) {
  if (pos >= s.size() || s[pos] != c) bad_time(whole, "separator expected");
}

}  // namespace

Timestamp parse_rfc3339(std::string_view s) {
  using namespace std::chrono;
  const int year = digits(s, 0, 4, s);
  expect(s, 4, '-', s);
  const int month = digits(s, 5, 2, s);
  expect(s, 7, '-', s);
  const int day = digits(s, 8, 2, s);
  if (s.size() <= 10 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) bad_time(s, "'T' expected");
  const int hour = digits(s, 11, 2, s);
  expect(s, 13, ':', s);
  const int minute = digits(s, 14, 2, s);
  expect(s, 16, ':', s);
  const int second = digits(s, 17, 2, s);
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) bad_time(s, "fraction digits expected");
  }
  int offset = 0;
  if (pos >= s.size()) bad_time(s, "UTC offset expected");
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    const int sign = s[pos] == '-' ? -1 : 1;
    const int oh = digits(s, pos + 1, 2, s);
    expect(s, pos + 3, ':', s);
    const int om = digits(s, pos + 4, 2, s);
    if (oh > 23 || om > 59) bad_time(s, "offset out of range");
    offset = sign * (oh * 60 + om);
    pos += 6;
  } else {
    bad_time(s, "UTC offset expected");
  }
  if (pos != s.size()) bad_time(s, "trailing characters");
  const year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) bad_time(s, "no such date");
  if (hour > 23 || minute > 59 || second > 60) bad_time(s, "time of day out of range");
  const auto days = sys_days{ymd}.time_since_epoch().count();
  const std::int64_t local = static_cast<std::int64_t>(days) * 86400 + hour * 3600 + minute * 60 +
                             std::min(second, 59);
  return Timestamp{local - offset * 60, offset};
}

std::string format_rfc3339(const Timestamp& t) {
  using namespace std::chrono;
  const std::int64_t local = t.unix + std::int64_t{t.offset_minutes} * 60;
  std::int64_t days = local / 86400;
  std::int64_t secs = local % 86400;
  if (secs < 0) {
    secs += 86400;
    days -= 1;
  }
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  std::string out = buf;
  if (t.offset_minutes == 0) {
    out += 'Z';
  } else {
    const int a = t.offset_minutes < 0 ? -t.offset_minutes : t.offset_minutes;
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", t.offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
    out += buf;
  }
  return out;
}

std::int64_t parse_duration_seconds(std::string_view text) {
  constexpr std::int64_t kMaxDurationSeconds = std::int64_t{1} << 50;
  if (text.empty()) throw Error(ErrorCode::kParse, "duration is empty");
  std::int64_t value = 0;
  std::size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (value > kMaxDurationSeconds) throw Error(ErrorCode::kParse, "duration '" + std::string(text.substr(0, 64)) + "' is too large (the limit is 2^50 seconds)");
    value = value * 10 + (text[i] - '0');
  }
  if (i == 0) throw Error(ErrorCode::kParse, "duration '" + std::string(text.substr(0, 64)) + "' must start with a number");
  const std::string_view unit = text.substr(i);
  std::int64_t scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  if (unit == "m" || unit == "min") scale = 60;
  if (unit == "h") scale = 3600;
  if (unit == "d") scale = 86400;
  if (unit == "w") scale = 7 * 86400;
  if (scale == 0) throw Error(ErrorCode::kParse, "duration '" + std::string(text.substr(0, 64)) + "': unknown unit (use s, m, h, d or w)");
  // "99999999999999w" used to overflow the multiplication (undefined behaviour). 2^50 s (35 million
  // years) is far beyond any window or retention and leaves room for the caller's own arithmetic.
  if (value > kMaxDurationSeconds / scale) {
    throw Error(ErrorCode::kParse, "duration '" + std::string(text.substr(0, 64)) + "' is too large (the limit is 2^50 seconds)");
  }
  return value * scale;
}

}  // namespace saring
