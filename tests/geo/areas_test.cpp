#include "saring/geo/areas.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <limits>
#include <random>
#include <string>

#include "saring/core/error.hpp"

namespace saring {
namespace {

const AreaSet& jakarta() { return AreaSet::jakarta(); }

std::string chain_codes(const std::vector<AreaRef>& chain) {
  std::string s;
  for (const auto& a : chain) s += (s.empty() ? "" : ">") + a.code;
  return s;
}

TEST(AreaSet, BundledJakartaHasFourLevels) {
  EXPECT_EQ(jakarta().size(AreaLevel::kProvinsi), 1u);
  EXPECT_EQ(jakarta().size(AreaLevel::kKabupatenKota), 6u);
  EXPECT_EQ(jakarta().size(AreaLevel::kKecamatan), 44u);
  EXPECT_EQ(jakarta().size(AreaLevel::kKelurahan), 267u);
  EXPECT_TRUE(jakarta().has_water());
  EXPECT_EQ(jakarta().widest_level(), AreaLevel::kProvinsi);
  EXPECT_EQ(jakarta().finest_level(), AreaLevel::kKelurahan);
  // The upstream provinsi/kab/kec polygons carry "nested shells" (an island inside an atoll ring):
  // they are repaired on load, and each repair is noted with the feature's code.
  bool province_repaired = false;
  for (const auto& n : jakarta().repair_notes())
    if (n.find("(31 Daerah Khusus Ibukota Jakarta)") != std::string::npos) province_repaired = true;
  EXPECT_TRUE(province_repaired);
  EXPECT_TRUE(jakarta().area(AreaLevel::kProvinsi, 0).repaired);
}

TEST(AreaSet, MonasIsInGambir) {
  const auto chain = jakarta().lookup(-6.1754, 106.8272);
  ASSERT_EQ(chain.size(), 4u);
  EXPECT_EQ(chain_codes(chain), "31>31.71>31.71.01>31.71.01.1001");
  EXPECT_EQ(chain[0].level, "provinsi");
  EXPECT_EQ(chain[1].name, "Kota Administrasi Jakarta Pusat");
  EXPECT_EQ(chain[2].name, "Gambir");
  EXPECT_EQ(chain[3].level, "kelurahan");
  EXPECT_EQ(chain[3].name, "Gambir");
}

TEST(AreaSet, TanjungPriokHarbour) {
  const auto chain = jakarta().lookup(-6.1087, 106.8859);
  ASSERT_EQ(chain.size(), 4u);
  EXPECT_EQ(chain[1].code, "31.72");  // Jakarta Utara
  EXPECT_EQ(chain[3].code, "31.72.02.1001");
  EXPECT_EQ(chain[3].name, "Tanjung Priok");
}

TEST(AreaSet, KepulauanSeribuIslands) {
  // Pulau Pramuka (kelurahan Pulau Panggang) and Pulau Untung Jawa.
  auto pramuka = jakarta().lookup(-5.7453, 106.6140);
  ASSERT_EQ(pramuka.size(), 4u);
  EXPECT_EQ(pramuka[1].code, "31.01");
  EXPECT_EQ(pramuka[3].name, "Pulau Panggang");
  auto untung = jakarta().lookup(-5.9770, 106.7070);
  ASSERT_EQ(untung.size(), 4u);
  EXPECT_EQ(untung[3].code, "31.01.02.1001");
}

TEST(AreaSet, JakartaBayIsWaterOutsideEveryArea) {
  EXPECT_TRUE(jakarta().lookup(-6.02, 106.85).empty());
  EXPECT_FALSE(jakarta().in_service_area(-6.02, 106.85));
  EXPECT_TRUE(jakarta().in_water(-6.02, 106.85));
  EXPECT_FALSE(jakarta().in_water(-6.1754, 106.8272));  // Monas is not water
  EXPECT_GT(jakarta().distance_to_level_m(AreaLevel::kKelurahan, -6.02, 106.85), 1000.0);
}

TEST(AreaSet, BogorAndDepokAreOutsideWithDistance) {
  EXPECT_TRUE(jakarta().lookup(-6.5971, 106.8060).empty());
  const double bogor = jakarta().distance_to_service_area_m(-6.5971, 106.8060);
  EXPECT_GT(bogor, 20000.0);
  EXPECT_LT(bogor, 30000.0);
  EXPECT_FALSE(jakarta().in_water(-6.5971, 106.8060));
  EXPECT_TRUE(jakarta().lookup(-6.4025, 106.7942).empty());
  const double depok = jakarta().distance_to_service_area_m(-6.4025, 106.7942);
  EXPECT_GT(depok, 2000.0);
  EXPECT_LT(depok, 7000.0);
  EXPECT_EQ(jakarta().distance_to_service_area_m(-6.1754, 106.8272), 0.0);
}

TEST(AreaSet, SwappedAndNullIslandFindNothing) {
  EXPECT_TRUE(jakarta().lookup(106.8272, -6.1754).empty());
  EXPECT_TRUE(jakarta().lookup(0, 0).empty());
  EXPECT_GT(jakarta().distance_to_service_area_m(0, 0), 11'000'000.0);  // about 11,900 km
}

TEST(AreaSet, NanAndInfinityFindNothing) {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(jakarta().lookup(nan, 106.8).empty());
  EXPECT_TRUE(jakarta().lookup(-6.2, inf).empty());
  EXPECT_TRUE(jakarta().lookup(-inf, -inf).empty());
  EXPECT_FALSE(jakarta().find(AreaLevel::kKelurahan, nan, nan).has_value());
  EXPECT_TRUE(std::isnan(jakarta().distance_to_service_area_m(nan, 106.8)));
  EXPECT_TRUE(jakarta().find_all_geos(AreaLevel::kKelurahan, inf, 106.8).empty());
  EXPECT_FALSE(jakarta().in_water(nan, 106.8));
}

// The fast path must agree with GEOS's prepared contains on every random point (points exactly on
// an edge have probability ~0 with doubles).
TEST(AreaSet, FastLookupAgreesWithGeosOnRandomPoints) {
  std::mt19937_64 rng(20261128);
  std::uniform_real_distribution<double> lat(-6.40, -5.18), lon(106.36, 107.00);
  for (AreaLevel level : {AreaLevel::kKelurahan, AreaLevel::kKecamatan, AreaLevel::kProvinsi}) {
    int inside = 0;
    for (int i = 0; i < 20000; ++i) {
      const double y = lat(rng), x = lon(rng);
      const auto fast = jakarta().find(level, y, x);
      const auto geos = jakarta().find_all_geos(level, y, x);
      if (geos.empty()) {
        ASSERT_FALSE(fast.has_value()) << "level " << area_level_name(level) << " at " << y << "," << x;
      } else {
        ++inside;
        ASSERT_TRUE(fast.has_value()) << "level " << area_level_name(level) << " at " << y << "," << x;
        EXPECT_EQ(*fast, geos.front()) << y << "," << x;  // lowest index wins on overlaps
      }
    }
    EXPECT_GT(inside, 1000);  // the test points do hit areas
  }
}

// Points a few decimetres from every 3rd kelurahan vertex, in four directions: the crossed-cell
// path (centre state + L walk over the cell's edges) must agree with GEOS right at the borders.
TEST(AreaSet, NearBoundaryPointsAgreeWithGeos) {
  const auto doc = nlohmann::json::parse(AreaSet::bundled_geojson("kelurahan"));
  std::size_t checked = 0, inside = 0;
  const double offsets[][2] = {{3e-6, 2e-6}, {-3e-6, 2e-6}, {3e-6, -2e-6}, {-2e-6, -3e-6}};
  for (const auto& f : doc["features"]) {
    const auto& g = f["geometry"];
    const nlohmann::json polygons = g["type"] == "Polygon" ? nlohmann::json::array({g["coordinates"]}) : g["coordinates"];
    for (const auto& polygon : polygons)
      for (const auto& ring : polygon)
        for (std::size_t i = 0; i < ring.size(); i += 3)
          for (const auto& o : offsets) {
            const double x = ring[i][0].get<double>() + o[0], y = ring[i][1].get<double>() + o[1];
            const auto fast = jakarta().find(AreaLevel::kKelurahan, y, x);
            const auto geos = jakarta().find_all_geos(AreaLevel::kKelurahan, y, x);
            ++checked;
            if (geos.empty()) {
              ASSERT_FALSE(fast.has_value()) << y << "," << x;
            } else {
              ++inside;
              ASSERT_TRUE(fast.has_value()) << y << "," << x;
              ASSERT_EQ(*fast, geos.front()) << y << "," << x;
            }
          }
  }
  EXPECT_GT(checked, 15000u);
  EXPECT_GT(inside, checked / 4);
}

TEST(AreaSet, FindManyMatchesFind) {
  std::vector<double> lat = {-6.1754, -6.02, -6.1087, std::numeric_limits<double>::quiet_NaN()};
  std::vector<double> lon = {106.8272, 106.85, 106.8859, 106.8};
  std::vector<std::int32_t> out(4, 7);
  jakarta().find_many(AreaLevel::kKelurahan, lat, lon, out);
  for (std::size_t i = 0; i < lat.size(); ++i) {
    const auto one = jakarta().find(AreaLevel::kKelurahan, lat[i], lon[i]);
    EXPECT_EQ(out[i], one ? static_cast<std::int32_t>(*one) : -1);
  }
  EXPECT_EQ(out[1], -1);
  std::vector<std::int32_t> short_out(3);
  EXPECT_THROW(jakarta().find_many(AreaLevel::kKelurahan, lat, lon, short_out), Error);
}

constexpr const char* kSquareWithHole = R"({"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"kode":"1","nama":"Ring","level":"kecamatan"},
  "geometry":{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]}},
 {"type":"Feature","properties":{"kode":"1.01","nama":"Corner","level":"kelurahan"},
  "geometry":{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,2],[0,0]]]}}]})";

TEST(AreaSet, HolesAndCodeChains) {
  AreaSet s;
  s.add_geojson(kSquareWithHole, "test");
  EXPECT_EQ(s.size(AreaLevel::kKecamatan), 1u);
  EXPECT_TRUE(s.find(AreaLevel::kKecamatan, 1, 1).has_value());   // lat 1, lon 1
  EXPECT_FALSE(s.find(AreaLevel::kKecamatan, 5, 5).has_value());  // in the hole
  EXPECT_TRUE(s.find_all_geos(AreaLevel::kKecamatan, 5, 5).empty());
  EXPECT_EQ(chain_codes(s.lookup(1, 1)), "1>1.01");
  EXPECT_EQ(chain_codes(s.lookup(8, 8)), "1");
  EXPECT_TRUE(s.lookup(5, 5).empty());
  EXPECT_FALSE(s.has_water());
  EXPECT_FALSE(s.in_water(1, 1));
}

TEST(AreaSet, InvalidPolygonIsRepairedOrRefusedByName) {
  const std::string bowtie = R"({"type":"FeatureCollection","features":[{"type":"Feature",
    "properties":{"kode":"9.9","nama":"Bowtie","level":"kelurahan"},
    "geometry":{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}}]})";
  AreaSet repaired;
  repaired.add_geojson(bowtie, "bowtie.geojson");
  ASSERT_EQ(repaired.repair_notes().size(), 1u);
  EXPECT_NE(repaired.repair_notes()[0].find("9.9 Bowtie"), std::string::npos);
  EXPECT_TRUE(repaired.area(AreaLevel::kKelurahan, 0).repaired);
  EXPECT_TRUE(repaired.find(AreaLevel::kKelurahan, 1.0, 0.5).has_value());   // left triangle
  EXPECT_FALSE(repaired.find(AreaLevel::kKelurahan, 0.5, 1.0).has_value());  // between the lobes
  AreaLoadOptions strict;
  strict.repair_invalid = false;
  AreaSet refused;
  try {
    refused.add_geojson(bowtie, "bowtie.geojson", strict);
    FAIL() << "an invalid polygon must be refused when repair is off";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kParse);
    EXPECT_NE(std::string(e.what()).find("bowtie.geojson feature #0 (9.9 Bowtie)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Self-intersection"), std::string::npos) << e.what();
  }
  EXPECT_EQ(refused.size(AreaLevel::kKelurahan), 0u);
}

void expect_parse_error(const std::string& text, const std::string& fragment) {
  AreaSet s;
  try {
    s.add_geojson(text, "bad.geojson");
    FAIL() << "accepted: " << text;
  } catch (const Error& e) {
    EXPECT_TRUE(e.code() == ErrorCode::kParse || e.code() == ErrorCode::kLimitExceeded);
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
  EXPECT_FALSE(s.widest_level().has_value());  // nothing half-loaded
}

TEST(AreaSet, BrokenGeoJsonIsRefusedClearly) {
  expect_parse_error("", "not valid JSON");
  expect_parse_error("{\"type\":\"FeatureCollection\",\"features\":[", "not valid JSON");
  expect_parse_error("[1,2,3]", "expected a GeoJSON FeatureCollection");
  expect_parse_error(R"({"type":"FeatureCollection"})", "without a 'features' array");
  expect_parse_error(R"({"type":"FeatureCollection","features":[42]})", "feature #0: not a GeoJSON Feature");
  expect_parse_error(R"({"type":"Feature","properties":{"nama":"x","level":"kelurahan"},
    "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}})", "no 'kode' property");
  expect_parse_error(R"({"type":"Feature","properties":{"kode":"1","level":"dusun"},
    "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}})", "unknown area level 'dusun'");
  expect_parse_error(R"({"type":"Feature","properties":{"kode":"1","level":"kelurahan"},
    "geometry":{"type":"Point","coordinates":[0,0]}})", "'Point' is not Polygon");
  expect_parse_error(R"({"type":"Feature","properties":{"kode":"1","level":"kelurahan"},"geometry":null})",
                     "no geometry");
  expect_parse_error(R"({"type":"Feature","properties":{"kode":"1","level":"kelurahan"},
    "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0]]]}})", "GEOS could not read");
  expect_parse_error(R"({"type":"Feature","properties":{"kode":"1","level":"kelurahan"},
    "geometry":{"type":"Polygon","coordinates":[[[0,0],["a",0],[1,1],[0,0]]]}})", "ring 0 position 1 is not [lon, lat]");
  // An empty position crashed GEOS 3.11's reader (found by fuzz_geojson); it never reaches GEOS now.
  expect_parse_error(R"({"type":"Feature","properties":{"kode":"9","level":"kelurahan"},
    "geometry":{"type":"Polygon","coordinates":[[[0,0],[],[0,2],[0,0]]]}})", "ring 0 position 1 is not [lon, lat]");
  expect_parse_error(R"({"type":"Feature","properties":{"kode":"9","level":"kelurahan"},
    "geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[0,0],[5]]]]}})",
                     "polygon 1 ring 0 position 1 is not [lon, lat]");
  expect_parse_error(R"({"type":"Feature","properties":{"kode":"9","level":"kelurahan"},
    "geometry":{"type":"Polygon","coordinates":{"a":1}}})", "no 'coordinates' array");
  expect_parse_error(R"({"type":"Feature","properties":{"kode":"9","level":"kelurahan"},
    "geometry":{"type":"Polygon","coordinates":[[0,0]]}})", "ring 0 position 0 is not [lon, lat]");
  expect_parse_error(R"({"type":"Feature","properties":{"kode":"9","level":"kelurahan"},
    "geometry":{"type":"Polygon","coordinates":[5]}})", "ring 0 is not an array of positions");
  expect_parse_error(R"({"type":"Feature","properties":{"kode":"1","level":"kelurahan"},
    "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1e300],[0,0]]]}})", "outside lon -180..180");
  expect_parse_error(R"({"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{"kode":"1","level":"kelurahan"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
    {"type":"Feature","properties":{"kode":"1","level":"kelurahan"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]})",
                     "duplicate kelurahan code 1");
  AreaSet s;
  AreaLoadOptions tiny;
  tiny.max_bytes = 10;
  EXPECT_THROW(s.add_geojson(kSquareWithHole, "big", tiny), Error);
}

// GeoJSON nested deeper than any real boundary file is refused before parsing (the report
// parser overflowed the stack on such input; GEOS's reader and nlohmann's printer recurse too).
TEST(AreaSet, DeepNestingIsRefused) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  expect_parse_error(R"({"type":"Feature","properties":{"kode":"1","level":"kelurahan","x":)" + deep +
                         R"(},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}})",
                     "bad.geojson: GeoJSON nests arrays/objects deeper than 64");
  expect_parse_error(R"({"type":"Feature","properties":{"kode":"1","level":"kelurahan"},"geometry":{"type":"Polygon","coordinates":)" +
                         deep + "}}",
                     "deeper than 64");
}

TEST(AreaSet, FilesAndOptions) {
  AreaSet s;
  try {
    s.add_geojson_file("/nonexistent/areas.geojson");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
  }
  AreaLoadOptions bad;
  bad.code_property = "";
  EXPECT_THROW(bad.validate(), Error);
  EXPECT_EQ(parse_area_level("kabupaten_kota"), AreaLevel::kKabupatenKota);
  EXPECT_EQ(parse_area_level("desa"), AreaLevel::kKelurahan);
  EXPECT_THROW(parse_area_level("rt"), Error);
  EXPECT_THROW(AreaSet::bundled_geojson("nope"), Error);
  EXPECT_GT(AreaSet::bundled_geojson("kelurahan").size(), 400000u);
}

TEST(AreaSet, Haversine) {
  // One degree of latitude is about 111.2 km on the mean sphere.
  EXPECT_NEAR(haversine_m(0, 0, 1, 0), 111195.0, 5.0);
  EXPECT_NEAR(haversine_m(-6.2, 106.8, -6.2, 106.8), 0.0, 1e-9);
}

}  // namespace
}  // namespace saring

namespace saring {
namespace {

// A star of long spikes across the whole box: every edge crosses many grid cells. The index must
// coarsen its grid (or refuse with kLimitExceeded), not allocate without bound, and stay exact.
TEST(AreaSet, SpikyPolygonStaysBoundedAndExact) {
  std::string ring;
  const int n = 2000;
  for (int i = 0; i <= n; ++i) {
    const double a = 2 * 3.14159265358979 * (i % n) / n;
    const double r = (i % 2 == 0) ? 10.0 : 0.01;
    ring += (i ? "," : "") + std::string("[") + std::to_string(r * std::cos(a)) + "," + std::to_string(r * std::sin(a)) + "]";
  }
  const std::string text = R"({"type":"Feature","properties":{"kode":"s","level":"kelurahan"},"geometry":{"type":"Polygon","coordinates":[[)" +
                           ring + "]]}}";
  AreaSet s;
  s.add_geojson(text, "star");
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-10, 10);
  for (int i = 0; i < 3000; ++i) {
    const double y = u(rng), x = u(rng);
    EXPECT_EQ(s.find(AreaLevel::kKelurahan, y, x).has_value(), !s.find_all_geos(AreaLevel::kKelurahan, y, x).empty())
        << y << "," << x;
  }
}

}  // namespace
}  // namespace saring
