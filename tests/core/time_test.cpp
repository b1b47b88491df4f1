#include "saring/core/time.hpp"

#include <gtest/gtest.h>

#include "saring/core/error.hpp"

namespace saring {
namespace {

TEST(Rfc3339, ParsesOffsetsToTheSameInstant) {
  const Timestamp jakarta = parse_rfc3339("2026-11-28T08:15:00+07:00");
  const Timestamp utc = parse_rfc3339("2026-11-28T01:15:00Z");
  EXPECT_EQ(jakarta.unix, utc.unix);
  EXPECT_EQ(jakarta.unix, 1795828500);
  EXPECT_EQ(jakarta.offset_minutes, 420);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.123Z").unix, 0);
  EXPECT_EQ(parse_rfc3339("1969-12-31T23:00:00-01:00").unix, 0);
}

TEST(Rfc3339, RoundTripsThroughFormat) {
  for (const char* text : {"2026-11-28T08:15:00+07:00", "2000-02-29T23:59:59Z", "1999-12-31T00:00:00-05:30"}) {
    EXPECT_EQ(format_rfc3339(parse_rfc3339(text)), text);
  }
}

TEST(Rfc3339, RejectsMalformedText) {
  for (const char* text : {"", "2026-11-28", "2026-11-28T08:15:00", "2026-02-30T00:00:00Z", "2026-11-28T25:00:00Z",
                           "2026-11-28T08:15:00+7:00", "2026-11-28T08:15:00Zjunk", "yyyy-11-28T08:15:00Z"}) {
    EXPECT_THROW(parse_rfc3339(text), Error) << text;
  }
}

TEST(Duration, ParsesUnits) {
  EXPECT_EQ(parse_duration_seconds("90"), 90);
  EXPECT_EQ(parse_duration_seconds("15m"), 900);
  EXPECT_EQ(parse_duration_seconds("2h"), 7200);
  EXPECT_EQ(parse_duration_seconds("30d"), 30 * 86400);
  EXPECT_THROW(parse_duration_seconds("h"), Error);
  EXPECT_THROW(parse_duration_seconds("5 parsecs"), Error);
  EXPECT_THROW(parse_duration_seconds("99999999999999999999"), Error);
}

// A number with a unit overflowed std::int64_t ("99999999999999w" is 6e19 s): durations are now
// capped at 2^50 seconds, with or without a unit.
TEST(Duration, RefusesValuesOverTheLimit) {
  EXPECT_EQ(parse_duration_seconds("1125899906842624"), std::int64_t{1} << 50);
  EXPECT_EQ(parse_duration_seconds("13031248921d"), std::int64_t{13031248921} * 86400);
  for (const char* text : {"1125899906842625", "13031248922d", "99999999999999w", "9223372036854775807s",
                           "1125899906842624m", "999999999999999999999999h"}) {
    try {
      parse_duration_seconds(text);
      ADD_FAILURE() << "accepted " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kParse) << text;
      EXPECT_NE(std::string(e.what()).find("too large"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(parse_duration_seconds("-5s"), Error);
  EXPECT_THROW(parse_duration_seconds("5 s"), Error);
  EXPECT_THROW(parse_duration_seconds(std::string("5\0s", 3)), Error);
}

}  // namespace
}  // namespace saring
