#include "saring/filter/open311.hpp"

#include <gtest/gtest.h>

#include "saring/core/error.hpp"
#include "saring/core/json.hpp"

namespace saring {
namespace {

// Shaped like Boston 311 / GeoReport v2 output (values written for this test).
constexpr const char* kArray = R"([
 {"service_request_id": "101004116", "status": "open", "service_name": "Pothole", "service_code": "jalan_rusak",
  "description": "Pothole in the right lane", "requested_datetime": "2025-01-03T10:15:00-05:00",
  "lat": 42.3531, "long": -71.0608, "media_url": "photos/a.jpg"},
 {"service_request_id": 77, "service_code": "sampah", "requested_datetime": "2025-01-04T08:00:00Z",
  "lat": "42.36", "long": "-71.05", "media_url": "https://example.org/x.jpg", "account_id": "acc9"}
])";

TEST(Open311, ReadsArray) {
  const auto reports = parse_open311(kArray);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].id, "101004116");
  EXPECT_EQ(reports[0].category, "jalan_rusak");
  EXPECT_EQ(reports[0].text, "Pothole in the right lane");
  EXPECT_DOUBLE_EQ(reports[0].lat, 42.3531);
  EXPECT_DOUBLE_EQ(reports[0].lon, -71.0608);
  EXPECT_EQ(reports[0].time.offset_minutes, -300);
  EXPECT_EQ(reports[0].photos, std::vector<std::string>{"photos/a.jpg"});
  EXPECT_NE(reports[0].extra_json.find("\"status\":\"open\""), std::string::npos);
  EXPECT_EQ(reports[1].id, "77");
  EXPECT_EQ(reports[1].reporter, "acc9");
  EXPECT_DOUBLE_EQ(reports[1].lat, 42.36);
  EXPECT_TRUE(reports[1].photos.empty());  // never downloads
  EXPECT_NE(reports[1].extra_json.find("https://example.org/x.jpg"), std::string::npos);
}

TEST(Open311, ReadsJsonLinesAndFileUrls) {
  const auto reports = parse_open311(
      "{\"service_request_id\":\"a\",\"lat\":-6.2,\"long\":106.8,\"requested_datetime\":\"2026-01-01T00:00:00+07:00\","
      "\"media_url\":\"file:///tmp/p.jpg\"}\n\n"
      "{\"service_request_id\":\"b\",\"lat\":-6.3,\"long\":106.9,\"requested_datetime\":\"2026-01-01T01:00:00+07:00\"}\n");
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].photos, std::vector<std::string>{"/tmp/p.jpg"});
  EXPECT_EQ(reports[1].id, "b");
}

std::string error_of(std::string_view text) {
  try {
    parse_open311(text);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kParse);
    return e.what();
  }
  return "";
}

TEST(Open311, BadInputNamesFieldAndPlace) {
  EXPECT_NE(error_of(R"({"lat":1,"long":2,"requested_datetime":"2026-01-01T00:00:00Z"})").find("service_request_id"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"service_request_id":"x","long":2,"requested_datetime":"2026-01-01T00:00:00Z"})").find("'lat'"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"service_request_id":"x","lat":"abc","long":2,"requested_datetime":"2026-01-01T00:00:00Z"})")
                .find("not a number"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"service_request_id":"x","lat":1,"long":2,"requested_datetime":"yesterday"})").find("requested_datetime"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"service_request_id":"x","lat":91,"long":2,"requested_datetime":"2026-01-01T00:00:00Z"})").find("out of range"),
            std::string::npos);
  EXPECT_NE(error_of("{\"service_request_id\":\"a\",\"lat\":1,\"long\":2,\"requested_datetime\":\"2026-01-01T00:00:00Z\"}\n{broken")
                .find("line 2"),
            std::string::npos);
  EXPECT_NE(error_of("[{\"service_request_id\":true}]").find("element 0"), std::string::npos);
  EXPECT_NE(error_of("[1, 2").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("[\"x\"]").find("JSON object"), std::string::npos);
}

// An overflowing number is nlohmann's out_of_range, which escaped as a non-saring exception (the
// report parser had the same fix earlier); it is now a parse error like any broken JSON.
TEST(Open311, OverflowingNumbersAreParseErrors) {
  constexpr const char* kHead = R"({"service_request_id":"x","requested_datetime":"2026-01-01T00:00:00Z",)";
  EXPECT_NE(error_of(std::string(kHead) + R"("lat":1e999,"long":2})").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of(std::string(kHead) + R"("lat":1,"long":2,"zip":-1e400})").find("line 1"), std::string::npos);
  EXPECT_NE(error_of(std::string("[") + kHead + R"("lat":1,"long":2e308}])").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of(std::string(kHead) + R"("lat":"1e999","long":2})").find("finite"), std::string::npos);
}

// An id above INT64_MAX (a JSON unsigned integer) printed as a negative number.
TEST(Open311, LargeIntegerIdsKeepTheirDigits) {
  const auto r = parse_open311_request(
      R"({"service_request_id":18446744073709551615,"lat":1,"long":2,"requested_datetime":"2026-01-01T00:00:00Z"})");
  EXPECT_EQ(r.id, "18446744073709551615");
  EXPECT_EQ(parse_open311_request(
                R"({"service_request_id":-7,"lat":1,"long":2,"requested_datetime":"2026-01-01T00:00:00Z"})").id, "-7");
  EXPECT_NE(error_of(R"({"service_request_id":1.5,"lat":1,"long":2,"requested_datetime":"2026-01-01T00:00:00Z"})")
                .find("string or an integer"), std::string::npos);
}

// Open311 fields named like saring report fields stayed in extra_json under their own names: the
// report's JSON (which the filter journals) then failed to parse ("photos": 5) or read back a
// different report (an extra "text" when there was no description). They get a prefix now.
TEST(Open311, FieldsNamedLikeReportFieldsArePrefixed) {
  const auto r = parse_open311_request(
      R"({"service_request_id":"x","lat":1,"long":2,"requested_datetime":"2026-01-01T00:00:00Z",)"
      R"("photos":5,"text":"lain","accuracy_m":-1,"id":"y","lon":"z","zip":"10110"})");
  EXPECT_EQ(r.id, "x");
  EXPECT_TRUE(r.text.empty());
  EXPECT_NE(r.extra_json.find(R"("open311_photos":5)"), std::string::npos) << r.extra_json;
  EXPECT_NE(r.extra_json.find(R"("open311_text":"lain")"), std::string::npos);
  EXPECT_NE(r.extra_json.find(R"("open311_id":"y")"), std::string::npos);
  EXPECT_NE(r.extra_json.find(R"("zip":"10110")"), std::string::npos);
  const Report back = parse_report_json(report_to_json(r), 1);
  EXPECT_EQ(back.id, "x");
  EXPECT_TRUE(back.text.empty());
  EXPECT_TRUE(back.photos.empty());
  EXPECT_FALSE(back.accuracy_m.has_value());
  EXPECT_EQ(report_to_json(back), report_to_json(r));
}

TEST(Open311, RefusesDeepNesting) {
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  EXPECT_NE(error_of(deep).find("Open311 document nests arrays/objects deeper than 64"), std::string::npos);
  EXPECT_NE(error_of(R"({"service_request_id":"x","attributes":)" + deep + "}").find("line 1: Open311 request nests"),
            std::string::npos);
}

TEST(Open311, EmptyDocumentIsEmpty) { EXPECT_TRUE(parse_open311(" \n ").empty()); }

}  // namespace
}  // namespace saring
