#include "saring/core/json.hpp"

#include <gtest/gtest.h>

#include "saring/core/error.hpp"

namespace saring {
namespace {

constexpr const char* kReport =
    R"({"id":"r1","reporter":"u9","time":"2026-11-28T08:15:00+07:00","lat":-6.1754,"lon":106.8272,)"
    R"("accuracy_m":12.5,"category":"banjir","text":"Banjir setinggi lutut","photos":["a.jpg"],)"
    R"("client":{"mock_location":false,"app":"3.2.1"},"channel":"android"})";

TEST(ReportJson, ParsesEveryField) {
  const Report r = parse_report_json(kReport);
  EXPECT_EQ(r.id, "r1");
  EXPECT_EQ(r.reporter, "u9");
  EXPECT_EQ(r.time.offset_minutes, 420);
  EXPECT_DOUBLE_EQ(r.lat, -6.1754);
  EXPECT_DOUBLE_EQ(r.lon, 106.8272);
  ASSERT_TRUE(r.accuracy_m);
  EXPECT_DOUBLE_EQ(*r.accuracy_m, 12.5);
  EXPECT_EQ(r.category, "banjir");
  EXPECT_EQ(r.photos, std::vector<std::string>{"a.jpg"});
  ASSERT_TRUE(r.client.mock_location);
  EXPECT_FALSE(*r.client.mock_location);
  EXPECT_EQ(r.client.app, "3.2.1");
  EXPECT_EQ(r.extra_json, R"({"channel":"android"})");
}

TEST(ReportJson, RoundTripsAndKeepsExtraFields) {
  const Report r = parse_report_json(kReport);
  const Report again = parse_report_json(report_to_json(r));
  EXPECT_EQ(again.id, r.id);
  EXPECT_EQ(again.time, r.time);
  EXPECT_EQ(again.text, r.text);
  EXPECT_EQ(again.extra_json, r.extra_json);
}

// REPORT_FORMAT.md: "Extra fields are kept and ignored" holds inside `client` too.
TEST(ReportJson, KeepsUnknownClientFacts) {
  const Report r = parse_report_json(
      R"({"id":"r2","time":"2026-11-28T08:15:00+07:00","lat":-6.2,"lon":106.8,)"
      R"("client":{"mock_location":true,"app":"3.2.1","os":"android 14","rooted":false},"channel":"web"})");
  ASSERT_TRUE(r.client.mock_location);
  EXPECT_TRUE(*r.client.mock_location);
  EXPECT_EQ(r.client.app, "3.2.1");
  EXPECT_EQ(r.extra_json, R"({"channel":"web","client":{"os":"android 14","rooted":false}})");
  const std::string out = report_to_json(r);
  EXPECT_NE(out.find(R"("client":{"app":"3.2.1","mock_location":true,"os":"android 14","rooted":false})"),
            std::string::npos)
      << out;
  const Report again = parse_report_json(out);
  EXPECT_EQ(again.client.app, "3.2.1");
  EXPECT_EQ(again.extra_json, r.extra_json);

  // Only unknown client facts: the client object is still written.
  Report only_extra = r;
  only_extra.client = {};
  EXPECT_NE(report_to_json(only_extra).find(R"("client":{"os":"android 14","rooted":false})"), std::string::npos);
}

// extra_json set by a caller cannot make report_to_json write JSON that parse_report_json refuses
// (the filter journals that JSON): the report's own fields win, also inside "client".
TEST(ReportJson, ExtraFieldsCannotShadowTheReportsOwn) {
  Report r = parse_report_json(kReport);
  r.client = {};
  r.extra_json = R"({"photos": 5, "lat": "north", "client": {"mock_location": "yes", "app": 7, "os": "android"}})";
  const std::string out = report_to_json(r);
  const Report back = parse_report_json(out);
  EXPECT_EQ(back.photos, r.photos);
  EXPECT_EQ(back.lat, r.lat);
  EXPECT_FALSE(back.client.mock_location);
  EXPECT_TRUE(back.client.app.empty());
  EXPECT_EQ(back.extra_json, R"({"client":{"os":"android"}})");
}

TEST(ReportJson, BadExtraJsonIsANamedError) {
  Report r = parse_report_json(kReport);
  r.extra_json = "{not json";
  try {
    (void)report_to_json(r);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("r1"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("extra_json"), std::string::npos);
  }
  r.extra_json = "[1,2]";
  EXPECT_THROW((void)report_to_json(r), Error);
}

TEST(ReportJson, ErrorsNameTheFieldAndLine) {
  const auto message_of = [](const char* json) {
    try {
      parse_report_json(json, 7);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kParse);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message_of(R"({"id":"a","time":"2026-11-28T08:15:00Z","lon":1})").find("'lat' is missing"), std::string::npos);
  EXPECT_NE(message_of(R"({"id":"a","time":"2026-11-28T08:15:00Z","lat":"x","lon":1})").find("'lat' must be a number"), std::string::npos);
  EXPECT_NE(message_of(R"({"id":"a","time":"yesterday","lat":1,"lon":1})").find("'time'"), std::string::npos);
  EXPECT_NE(message_of(R"({"id":"a","time":"2026-11-28T08:15:00Z","lat":1,)").find("line 7"), std::string::npos);
  EXPECT_NE(message_of(R"([1,2])").find("object"), std::string::npos);
  // Found by fuzz_report_json: an overflowing number is nlohmann's out_of_range, not parse_error.
  EXPECT_NE(message_of(R"({"id":"r","time":"2026-01-01T00:00:00Z","x":1e3208,"lat":1,"lon":1})").find("not valid JSON"),
            std::string::npos);
  EXPECT_NE(message_of("{\"id\":\"a\xff\"}").find("not valid JSON"), std::string::npos);
  EXPECT_NE(message_of(R"({"id":"a","time":"2026-11-28T08:15:00Z","lat":1,"lon":1,"client":{"mock_location":"yes"}})")
                .find("mock_location"), std::string::npos);
}

TEST(ReportJson, RefusesOversizedLines) {
  ReportParseOptions options;
  options.max_line_bytes = 10;
  try {
    parse_report_json(kReport, 3, options);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kLimitExceeded);
  }
}

// A 600 KB line of '[' overflowed the stack (nlohmann's dump() of the extra fields recurses per
// level); nesting is now refused before parsing, and brackets inside strings do not count.
TEST(ReportJson, RefusesDeepNesting) {
  const std::string head = R"({"id":"r","time":"2026-01-01T00:00:00Z","lat":1,"lon":1,"x":)";
  const std::string deep = head + std::string(300000, '[') + std::string(300000, ']') + "}";
  try {
    parse_report_json(deep, 4);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kParse);
    EXPECT_NE(std::string(e.what()).find("line 4: report nests arrays/objects deeper than 64"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_report_json(head + std::string(64, '[') + std::string(64, ']') + "}"), Error);
  const Report ok = parse_report_json(head + std::string(60, '[') + std::string(60, ']') + "}");
  EXPECT_NE(ok.extra_json.find("[[[["), std::string::npos);
  const Report in_string = parse_report_json(head + "1,\"text\":\"" + std::string(1000, '[') + "\\\"{\"}");
  EXPECT_EQ(in_string.text, std::string(1000, '[') + "\"{");
}

// Extra fields named like report fields made JSON the parser refuses ("photos": 5), and the
// filter's journal stores this JSON: the state directory could not be reopened.
TEST(ReportJson, ExtraFieldsCannotShadowReportFields) {
  Report r = parse_report_json(kReport);
  r.photos.clear();
  r.text.clear();
  r.extra_json = R"({"photos":5,"text":["x"],"accuracy_m":-1,"client":"web","channel":"android"})";
  r.accuracy_m.reset();
  r.client = {};
  const std::string j = report_to_json(r);
  const Report back = parse_report_json(j);
  EXPECT_TRUE(back.photos.empty());
  EXPECT_TRUE(back.text.empty());
  EXPECT_FALSE(back.accuracy_m.has_value());
  EXPECT_EQ(back.extra_json, R"({"channel":"android"})");
  EXPECT_EQ(report_to_json(back), j);
  for (const char* bad : {"not json", "[1,2]", "{\"a\":"}) {
    r.extra_json = bad;
    try {
      report_to_json(r);
      ADD_FAILURE() << "accepted extra_json " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(std::string(e.what()).find("'r1': extra_json"), std::string::npos) << e.what();
    }
  }
}

TEST(Decision, NamesRoundTripAndUnknownNamesAreParseErrors) {
  for (Decision d : {Decision::kAccept, Decision::kDuplicate, Decision::kReview, Decision::kReject}) {
    EXPECT_EQ(parse_decision(decision_name(d)), d);
  }
  for (const std::string name : {std::string(), std::string("Accept"), std::string("rejected"), std::string(" review"),
                                 std::string("accept\0", 7), std::string(500, 'x')}) {
    try {
      parse_decision(name);
      ADD_FAILURE() << "accepted '" << name << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kParse);
      EXPECT_LT(std::string(e.what()).size(), 200u);  // a long name is cut in the message
    }
  }
}

TEST(VerdictJson, BadInputIsAParseError) {
  for (const std::string text : {std::string("{"), std::string("[1]"), std::string(R"({"decision":"accept"})"),
                                 std::string(R"({"id":"a","decision":"maybe"})"), std::string(R"({"id":5,"decision":"accept"})"),
                                 std::string(R"({"id":"a","decision":"accept","scores":{"total":"high"}})"),
                                 std::string(R"({"id":"a","decision":"accept","reasons":[{"score":1}]})"),
                                 std::string(R"({"id":"a","decision":"accept","reasons":"SPAM_URL"})"),
                                 std::string(R"({"id":"a","decision":"accept","x":1e999})"),
                                 R"({"id":"a","decision":"accept","x":)" + std::string(100000, '[')}) {
    try {
      parse_verdict_json(text);
      ADD_FAILURE() << "accepted " << text.substr(0, 80);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kParse) << text.substr(0, 80);
    }
  }
}

TEST(VerdictJson, RoundTrips) {
  Verdict v;
  v.id = "r2";
  v.decision = Decision::kDuplicate;
  v.duplicate_of = "r1";
  v.incident = "inc-1";
  v.scores = {0.9, 0.1, 0.0, 0.9};
  v.reasons.push_back({"IMG_SAME_PHOTO", "duplicate", 0.9, "PDQ distance 4 to r1"});
  v.areas.push_back({"provinsi", "31", "DKI Jakarta"});
  const std::string json = verdict_to_json(v);
  EXPECT_NE(json.find(R"("decision":"duplicate")"), std::string::npos);
  EXPECT_EQ(parse_verdict_json(json), v);
  EXPECT_THROW(parse_verdict_json(R"({"id":"x","decision":"maybe"})"), Error);
}

// REPORT_FORMAT.md: unknown enum values (decision, area level) are errors naming the field and line.
TEST(VerdictJson, ErrorsNameTheFieldAndLine) {
  const auto message_of = [](const std::string& json) {
    try {
      (void)parse_verdict_json(json, 4);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kParse);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message_of(R"({"id":"x","decision":"maybe"})").rfind("line 4: verdict field 'decision' unknown decision 'maybe'", 0), 0u)
      << message_of(R"({"id":"x","decision":"maybe"})");
  EXPECT_NE(message_of(R"({"decision":"accept"})").find("'id' is missing"), std::string::npos);
  EXPECT_NE(message_of(R"({"id":"x","decision":"accept","duplicate_of":7})").find("'duplicate_of' must be a string or null"),
            std::string::npos);
  EXPECT_NE(message_of(R"({"id":"x","decision":"accept","scores":{"spam":"high"}})").find("'scores.spam' must be a number"),
            std::string::npos);
  EXPECT_NE(message_of(R"({"id":"x","decision":"accept","reasons":[{"group":"spam"}]})").find("'reasons[0].code' is missing"),
            std::string::npos);
  EXPECT_NE(message_of(R"({"id":"x","decision":"accept","areas":[{"level":"provinsi","code":"31"},{"level":"kota"}]})")
                .find("'areas[1].level' is 'kota', not a known level"),
            std::string::npos);
  EXPECT_NE(message_of(R"([1])").find("line 4: verdict must be a JSON object"), std::string::npos);
  EXPECT_NE(message_of(R"({"id":)").find("not valid JSON"), std::string::npos);
  // The optional parts may be absent or null.
  const Verdict v = parse_verdict_json(R"({"id":"x","decision":"review","duplicate_of":null,"scores":null})");
  EXPECT_EQ(v.decision, Decision::kReview);
  EXPECT_FALSE(v.duplicate_of);
}

TEST(JsonEscape, ReplacesInvalidUtf8) {
  EXPECT_EQ(json_escape("a\"b"), "a\\\"b");
  EXPECT_EQ(json_escape("x\xffy"), "x\xef\xbf\xbdy");
}

}  // namespace
}  // namespace saring
