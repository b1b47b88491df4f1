#include "saring/filter/options.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "saring/core/error.hpp"

namespace saring {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(FilterOptions, DefaultsValidateAndRoundTrip) {
  FilterOptions o;
  EXPECT_NO_THROW(o.validate());
  const FilterOptions back = parse_filter_options(filter_options_to_json(o));
  EXPECT_EQ(filter_options_to_json(back), filter_options_to_json(o));
}

TEST(FilterOptions, LayerChangesOnlyNamedKeys) {
  const FilterOptions o = parse_filter_options(R"({"duplicate": {"radius_m": 250, "window_s": "2d"}})");
  EXPECT_DOUBLE_EQ(o.duplicate.radius_m, 250.0);
  EXPECT_EQ(o.duplicate.window_s, 2 * 86400);
  EXPECT_EQ(o.duplicate.retention_s, FilterOptions{}.duplicate.retention_s);
  EXPECT_DOUBLE_EQ(o.thresholds.duplicate, FilterOptions{}.thresholds.duplicate);
}

TEST(FilterOptions, UnknownKeyIsNamed) {
  EXPECT_NE(error_of([] { parse_filter_options(R"({"duplicate": {"radius": 250}})"); }).find("'duplicate.radius'"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_filter_options(R"({"dupilcate": {}})"); }).find("'dupilcate'"), std::string::npos);
  EXPECT_NE(error_of([] { parse_filter_options(R"({"categories": {"banjir": {"radius": 1}}})"); })
                .find("'categories.banjir.radius'"),
            std::string::npos);
}

TEST(FilterOptions, WrongTypeAndRangeAreNamed) {
  EXPECT_NE(error_of([] { parse_filter_options(R"({"duplicate": {"radius_m": "far"}})"); }).find("duplicate.radius_m"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_filter_options(R"({"thresholds": {"review": 1.5}})"); }).find("thresholds.review"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_filter_options(R"({"journal": {"sync": "sometimes"}})"); }).find("journal.sync"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_filter_options(R"({"duplicate": {"window_s": "3 weeks"}})"); }).find("duplicate.window_s"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_filter_options("{not json"); }).find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of([] { parse_filter_options(R"({"thresholds": {"review": 0.95, "reject": 0.9}})"); }).find("thresholds.review"),
            std::string::npos);
}

TEST(FilterOptions, OverridesApplyInOrderAndParseValues) {
  FilterOptions o = load_filter_options({}, {"duplicate.radius_m=100", "journal.sync=manual", "duplicate.window_s=3d",
                                             "categories.banjir.radius_m=800", "duplicate.geometric_check=false"});
  EXPECT_DOUBLE_EQ(o.duplicate.radius_m, 100.0);
  EXPECT_EQ(o.journal.sync, "manual");
  EXPECT_EQ(o.duplicate.window_s, 3 * 86400);
  EXPECT_FALSE(o.duplicate.geometric_check);
  EXPECT_DOUBLE_EQ(o.radius_for("banjir"), 800.0);
  EXPECT_DOUBLE_EQ(o.radius_for("sampah"), 100.0);
  EXPECT_THROW(apply_filter_override("duplicate.radius_m", o), Error);
  EXPECT_THROW(apply_filter_override("duplicate..radius_m=3", o), Error);
  EXPECT_NE(error_of([&] { apply_filter_override("duplicate.radius_m=-5", o); }).find("duplicate.radius_m"), std::string::npos);
}

TEST(FilterOptions, FileThenOverrides) {
  const std::string path = ::testing::TempDir() + "/saring_filter_options_" + std::to_string(::getpid()) + ".json";
  {
    std::ofstream f(path);
    f << R"({"thresholds": {"duplicate": 0.7}, "categories": {"banjir": {"duplicate_threshold": 0.5, "window_s": "1d"}}})";
  }
  const FilterOptions o = load_filter_options(path, {"thresholds.duplicate=0.65"});
  EXPECT_DOUBLE_EQ(o.thresholds.duplicate, 0.65);
  EXPECT_DOUBLE_EQ(o.thresholds_for("banjir").duplicate, 0.5);
  EXPECT_DOUBLE_EQ(o.thresholds_for("sampah").duplicate, 0.65);
  EXPECT_EQ(o.window_for("banjir"), 86400);
  std::remove(path.c_str());
  try {
    load_filter_options(path);
    FAIL() << "missing file accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
  }
}

TEST(FilterOptions, CategoryOverrideIsValidated) {
  EXPECT_NE(error_of([] { parse_filter_options(R"({"categories": {"banjir": {"review_threshold": 2}}})"); })
                .find("categories.banjir"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_filter_options(R"({"categories": {"banjir": {"window_s": "90d"}}})"); })
                .find("categories.banjir.window_s"),
            std::string::npos);
}

// Every geo-module check is configurable through the filter's "geotag" section, under the
// GeotagOptions field names; lists and the per-category map layer like the rest.
TEST(FilterOptions, GeotagSectionCoversTheGeoModuleOptions) {
  FilterOptions o = parse_filter_options(R"({"geotag": {
      "weight_shared": 0.25, "min_decimals": 4, "max_photo_age_s": "2d", "shared_min_reporters": 7,
      "water_ok_categories": ["kapal"], "category_max_accuracy_m": {"banjir": 300},
      "emulator_positions": [{"name": "lab", "lat": -6.2, "lon": 106.8, "radius_m": 10}],
      "areas": [{"path": "/srv/kota.geojson", "level": "kabupaten_kota", "code_property": "id"}],
      "water": "/srv/laut.geojson"}})");
  EXPECT_DOUBLE_EQ(o.geotag.weight_shared, 0.25);
  EXPECT_EQ(o.geotag.min_decimals, 4);
  EXPECT_EQ(o.geotag.max_photo_age_s, 2 * 86400);
  EXPECT_EQ(o.geotag.shared_min_reporters, 7u);
  EXPECT_EQ(o.geotag.water_ok_categories, std::vector<std::string>{"kapal"});
  EXPECT_DOUBLE_EQ(o.geotag.category_max_accuracy_m.at("banjir"), 300.0);
  ASSERT_EQ(o.geotag.emulator_positions.size(), 1u);
  EXPECT_EQ(o.geotag.emulator_positions[0].name, "lab");
  EXPECT_DOUBLE_EQ(o.geotag.emulator_positions[0].radius_m, 10.0);
  ASSERT_EQ(o.geotag.areas.size(), 1u);
  EXPECT_EQ(o.geotag.areas[0].path, "/srv/kota.geojson");
  EXPECT_EQ(o.geotag.areas[0].level, "kabupaten_kota");
  EXPECT_EQ(o.geotag.areas[0].code_property, "id");
  EXPECT_EQ(o.geotag.areas[0].name_property, "nama");  // left at its default
  EXPECT_EQ(o.geotag.water, "/srv/laut.geojson");
  // The filter's own default differs from the geo module's only here.
  EXPECT_DOUBLE_EQ(FilterOptions{}.geotag.weight_in_sea, 0.9);
  EXPECT_DOUBLE_EQ(GeotagOptions{}.weight_in_sea, 0.7);
  // Round trip of the whole section.
  EXPECT_EQ(filter_options_to_json(parse_filter_options(filter_options_to_json(o))), filter_options_to_json(o));
  // A new category's accuracy can be added by an override; the others stay.
  o = apply_filter_override("geotag.category_max_accuracy_m.sampah=50", o);
  EXPECT_DOUBLE_EQ(o.geotag.category_max_accuracy_m.at("sampah"), 50.0);
  EXPECT_DOUBLE_EQ(o.geotag.category_max_accuracy_m.at("banjir"), 300.0);
  o = apply_filter_override(R"(geotag.water_ok_categories=["kapal", "perahu"])", o);
  EXPECT_EQ(o.geotag.water_ok_categories.size(), 2u);
}

TEST(FilterOptions, GeotagSectionErrorsAreNamed) {
  EXPECT_NE(error_of([] { parse_filter_options(R"({"geotag": {"areas": [{"file": "x.geojson"}]}})"); })
                .find("'geotag.areas.file'"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_filter_options(R"({"geotag": {"areas": [{"level": "kota"}]}})"); }).find("path"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_filter_options(R"({"geotag": {"areas": [{"path": "a", "level": "rukun_warga"}]}})"); })
                .find("geotag.areas[0].level"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_filter_options(R"({"geotag": {"areas": "a.geojson"}})"); }).find("geotag.areas"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_filter_options(R"({"geotag": {"weight_shared": 2}})"); }).find("geotag.weight_shared"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_filter_options(R"({"geotag": {"shared_min_reporters": -3}})"); })
                .find("geotag.shared_min_reporters"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_filter_options(R"({"geotag": {"category_max_accuracy_m": {"banjir": "far"}}})"); })
                .find("geotag.category_max_accuracy_m.banjir"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_filter_options(R"({"geotag": {"emulator_positions": [{"name": "x", "lat": 95, "lon": 0}]}})"); })
                .find("geotag.emulator_positions"),
            std::string::npos);
}

// Files a config file names are found next to it; absolute paths and overrides stay as given.
TEST(FilterOptions, ConfigFilePathsAreRelativeToTheFile) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / ("saring_options_paths_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "saring.json").string();
  {
    std::ofstream f(path);
    f << R"({"geotag": {"areas": [{"path": "areas/kota.geojson"}, {"path": "/abs/kel.geojson"}], "water": "laut.geojson"},
            "spam": {"model": "spam.model"}})";
  }
  const FilterOptions o = load_filter_options(path, {"geotag.water=here.geojson"});
  EXPECT_EQ(o.geotag.areas[0].path, (dir / "areas/kota.geojson").string());
  EXPECT_EQ(o.geotag.areas[1].path, "/abs/kel.geojson");
  EXPECT_EQ(o.geotag.water, "here.geojson");
  EXPECT_EQ(o.spam.model, (dir / "spam.model").string());
  std::filesystem::remove_all(dir);
}

std::string code_and_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return std::string(error_code_name(e.code())) + ": " + e.what();
  }
  return "";
}

// nlohmann's out_of_range (a number no double holds) escaped from the config and override
// parsers as a non-saring exception.
TEST(FilterOptions, OverflowingNumbersAreParseErrors) {
  EXPECT_NE(code_and_error_of([] { parse_filter_options(R"({"duplicate": {"radius_m": 1e999}})"); })
                .find("parse: filter config is not valid JSON"),
            std::string::npos);
  EXPECT_NE(code_and_error_of([] { apply_filter_override("duplicate.radius_m=1e999", {}); })
                .find("parse: filter override 'duplicate.radius_m'"),
            std::string::npos);
  EXPECT_NE(code_and_error_of([] { apply_filter_override("duplicate.related_categories=[[\"a\"],[-1e400]]", {}); })
                .find("parse: "),
            std::string::npos);
}

// nlohmann's get<int>() wraps: photo_same_max_distance 4294967297 was read as 1 and accepted.
TEST(FilterOptions, IntegersOutsideTheFieldTypeAreRefused) {
  for (const char* ov : {"duplicate.photo_same_max_distance=4294967297", "reputation.min_feedback=18446744073709551615",
                         "duplicate.window_s=18446744073709551615", "photo_reuse.max_distance=-4294967296"}) {
    EXPECT_NE(code_and_error_of([&] { apply_filter_override(ov, {}); }).find("out of range"), std::string::npos) << ov;
  }
  EXPECT_NE(code_and_error_of([] { parse_filter_options(R"({"duplicate": {"geometric_max_side": 4294967808}})"); })
                .find("parse: filter option 'duplicate.geometric_max_side' is out of range"),
            std::string::npos);
  EXPECT_EQ(apply_filter_override("duplicate.photo_same_max_distance=40", {}).duplicate.photo_same_max_distance, 40);
}

TEST(FilterOptions, DurationOverflowIsNamed) {
  EXPECT_NE(code_and_error_of([] { apply_filter_override("duplicate.window_s=99999999999999w", {}); })
                .find("parse: filter option 'duplicate.window_s': duration '99999999999999w' is too large"),
            std::string::npos);
}

TEST(FilterOptions, RefusesDeepNesting) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_NE(code_and_error_of([&] { parse_filter_options(R"({"duplicate": {"radius_m": )" + deep + "}}"); })
                .find("parse: filter config nests arrays/objects deeper than 64"),
            std::string::npos);
  EXPECT_NE(code_and_error_of([&] { apply_filter_override("duplicate.related_categories=" + deep, {}); })
                .find("parse: filter override 'duplicate.related_categories' nests"),
            std::string::npos);
}

// Found by fuzz_filter_options: a bare-word override with invalid UTF-8 made the error message's
// dump() throw nlohmann's type_error (a non-saring exception), and one that was accepted (a model
// path, a category name) made filter_options_to_json throw.
TEST(FilterOptions, OverridesMustBeUtf8) {
  for (const std::string ov : {std::string("duplicate.radius_m=1.5\xec\xec"), std::string("spam.model=/data/m\xff.bin"),
                               std::string("categories.b\xe9" "cak.radius_m=50"), std::string("journal.sync=\xc3")}) {
    EXPECT_NE(code_and_error_of([&] { apply_filter_override(ov, {}); }).find("parse: filter override of key \""),
              std::string::npos) << ov;
  }
  EXPECT_NE(code_and_error_of([] { apply_filter_override("categories.b\xe9" "cak.radius_m=50", {}); }).find("not valid UTF-8"),
            std::string::npos);
  EXPECT_EQ(apply_filter_override("spam.model=/data/m\xc3\xa9.bin", {}).spam.model, "/data/m\xc3\xa9.bin");
  // Options built in code may hold any bytes: printing them replaces the invalid ones, never throws.
  FilterOptions o;
  o.spam.model = "/data/m\xff.bin";
  EXPECT_NE(filter_options_to_json(o).find("\xef\xbf\xbd"), std::string::npos);
  // A long wrong value is cut in the message.
  const std::string msg = code_and_error_of([] { apply_filter_override("duplicate.radius_m=" + std::string(5000, 'x'), {}); });
  EXPECT_NE(msg.find("must be a number"), std::string::npos);
  EXPECT_LT(msg.size(), 300u);
}

TEST(FilterOptions, MalformedOverridesAreNamed) {
  EXPECT_NE(code_and_error_of([] { apply_filter_override("=5", {}); }).find("key.path=value"), std::string::npos);
  EXPECT_NE(code_and_error_of([] { apply_filter_override("duplicate.radius_m", {}); }).find("key.path=value"),
            std::string::npos);
  EXPECT_NE(code_and_error_of([] { apply_filter_override("duplicate..radius_m=5", {}); }).find("empty key part"),
            std::string::npos);
  EXPECT_NE(code_and_error_of([] { apply_filter_override("duplicate=5", {}); }).find("'duplicate' must be an object"),
            std::string::npos);
  EXPECT_NE(code_and_error_of([] { apply_filter_override("duplicate.radius_m=far", {}); }).find("duplicate.radius_m"),
            std::string::npos);
}

}  // namespace
}  // namespace saring
