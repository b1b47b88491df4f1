#include "saring/cluster/point_reader.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "saring/core/error.hpp"

namespace saring {
namespace {

std::string parse_error(std::string_view text) {
  try {
    parse_points(text, "in.csv");
  } catch (const Error& e) {
    EXPECT_TRUE(e.code() == ErrorCode::kParse || e.code() == ErrorCode::kLimitExceeded) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error for: " << text;
  return {};
}

TEST(PointReader, CsvWithAllColumnsAnyOrder) {
  const auto set = parse_points(
      "category,lon,lat,id,time,extra\n"
      "banjir,106.8,-6.2,r1,2026-11-28T08:15:00+07:00,x\n"
      "\n"
      "\"jalan, rusak\",106.81,-6.21,\"r\"\"2\",1795828500,y\r\n",
      "t.csv");
  ASSERT_EQ(set.points.size(), 2u);
  EXPECT_TRUE(set.has_time);
  EXPECT_TRUE(set.has_category);
  EXPECT_EQ(set.points[0].id, "r1");
  EXPECT_DOUBLE_EQ(set.points[0].lat, -6.2);
  EXPECT_DOUBLE_EQ(set.points[0].lon, 106.8);
  EXPECT_EQ(set.points[0].time, 1795828500);
  EXPECT_EQ(set.points[0].category, "banjir");
  EXPECT_EQ(set.points[1].id, "r\"2");
  EXPECT_EQ(set.points[1].category, "jalan, rusak");
  EXPECT_EQ(set.points[1].time, 1795828500);
}

TEST(PointReader, CsvMinimalColumns) {
  const auto set = parse_points("id,lat,lon\na,1.5,2.5\nb,-90,180\n");
  ASSERT_EQ(set.points.size(), 2u);
  EXPECT_FALSE(set.has_time);
  EXPECT_FALSE(set.has_category);
  EXPECT_DOUBLE_EQ(set.points[1].lat, -90);
  EXPECT_TRUE(parse_points("").points.empty());
  EXPECT_TRUE(parse_points("id,lat,lon\n").points.empty());
}

TEST(PointReader, JsonLines) {
  const auto set = parse_points(
      "{\"id\":\"r1\",\"time\":\"2026-11-28T08:15:00+07:00\",\"lat\":-6.2,\"lon\":106.8,\"category\":\"sampah\"}\n"
      "\n"
      "{\"id\":\"r2\",\"time\":\"2026-11-28T08:16:00+07:00\",\"lat\":-6.2001,\"lon\":106.8}\n");
  ASSERT_EQ(set.points.size(), 2u);
  EXPECT_TRUE(set.has_time);
  EXPECT_TRUE(set.has_category);
  EXPECT_EQ(set.points[1].time - set.points[0].time, 60);
  EXPECT_EQ(set.points[0].category, "sampah");
}

TEST(PointReader, BadRowsNameTheLine) {
  EXPECT_NE(parse_error("id,lat,lon\na,1,2\nb,nan,2\n").find("in.csv:3"), std::string::npos);
  EXPECT_NE(parse_error("id,lat,lon\na,NaN,2\n").find("lat"), std::string::npos);
  EXPECT_NE(parse_error("id,lat,lon\na,1,inf\n").find("lon"), std::string::npos);
  EXPECT_NE(parse_error("id,lat,lon\na,90.5,2\n").find("outside"), std::string::npos);
  EXPECT_NE(parse_error("id,lat,lon\na,1,-180.01\n").find("in.csv:2"), std::string::npos);
  EXPECT_NE(parse_error("id,lat,lon\na,1,\n").find("not a number"), std::string::npos);
  EXPECT_NE(parse_error("id,lat,lon\na,1x,2\n").find("not a number"), std::string::npos);
  EXPECT_NE(parse_error("id,lat,lon\na,1\n").find("fields"), std::string::npos);
  EXPECT_NE(parse_error("id,lat,lon\na,1,2\na,1,2\n").find("repeats line 2"), std::string::npos);
  EXPECT_NE(parse_error("id,lat,lon\n,1,2\n").find("id is empty"), std::string::npos);
  EXPECT_NE(parse_error("id,lat\na,1\n").find("header"), std::string::npos);
  EXPECT_NE(parse_error("id,lat,lon,lat\n").find("twice"), std::string::npos);
  EXPECT_NE(parse_error("id,lat,lon,time\na,1,2,yesterday\n").find("time"), std::string::npos);
  EXPECT_NE(parse_error("id,lat,lon\n\"a,1,2\n").find("unterminated"), std::string::npos);
  EXPECT_NE(parse_error("id,lat,lon\na\"b,1,2\n").find("quote"), std::string::npos);
  EXPECT_NE(parse_error("{\"id\":\"r1\",\"time\":\"2026-11-28T08:15:00Z\",\"lat\":95,\"lon\":1}\n").find("in.csv:1"),
            std::string::npos);
  EXPECT_NE(parse_error("{\"id\":\"r1\",\"time\":\"2026-11-28T08:15:00Z\",\"lat\":1}\n").find("lon"), std::string::npos);
  PointReaderOptions small;
  small.max_rows = 1;
  EXPECT_THROW(parse_points("id,lat,lon\na,1,2\nb,1,2\n", "x", small), Error);
}

TEST(PointReader, MissingFileIsIoError) {
  try {
    read_points_file("/nonexistent/points.csv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
  }
}

// The CLI end to end: labels as CSV, errors with the row on stderr and exit code 2.
std::string run(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  *status = WEXITSTATUS(pclose(p));
  return out;
}

TEST(ClusterCli, LabelsAndErrors) {
  const auto dir = std::filesystem::temp_directory_path() / ("saring_cluster_cli_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir / "in.csv");
    f << "id,lat,lon,time,category\n";
    for (int i = 0; i < 4; ++i) f << "a" << i << ",-6.2," << 106.8 + i * 1e-5 << ",2026-11-28T08:0" << i << ":00Z,banjir\n";
    f << "far,-6.3,106.9,2026-11-28T08:00:00Z,banjir\n";
    for (int i = 0; i < 3; ++i) f << "b" << i << ",-6.2," << 106.8 + i * 1e-5 << ",2026-11-29T08:0" << i << ":00Z,sampah\n";
  }
  const std::string cli = SARING_CLI_PATH;
  int status = 0;
  std::string out = run(cli + " cluster --eps-m 20 --min-pts 3 " + (dir / "in.csv").string(), &status);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(out, "id,label\na0,0\na1,0\na2,0\na3,0\nfar,-1\nb0,0\nb1,0\nb2,0\n");
  out = run(cli + " cluster --eps-m 20 --min-pts 3 --eps-time 1h " + (dir / "in.csv").string(), &status);
  EXPECT_EQ(out, "id,label\na0,0\na1,0\na2,0\na3,0\nfar,-1\nb0,1\nb1,1\nb2,1\n");
  out = run(cli + " cluster --eps-m 20 --min-pts 4 --by-category " + (dir / "in.csv").string(), &status);
  EXPECT_EQ(out, "id,label\na0,0\na1,0\na2,0\na3,0\nfar,-1\nb0,-1\nb1,-1\nb2,-1\n");
  {
    std::ofstream f(dir / "bad.csv");
    f << "id,lat,lon\nok,1,2\nbroken,NaN,2\n";
  }
  out = run(cli + " cluster --eps-m 20 --min-pts 3 " + (dir / "bad.csv").string() + " 2>&1", &status);
  EXPECT_EQ(status, 2);
  EXPECT_NE(out.find("bad.csv:3"), std::string::npos) << out;
  out = run(cli + " cluster --eps-m 20 --min-pts 3 --eps-time 1h " + (dir / "bad.csv").string() + " 2>&1", &status);
  EXPECT_EQ(status, 2);
  out = run(cli + " cluster --eps-m -5 --min-pts 3 " + (dir / "in.csv").string() + " 2>&1", &status);
  EXPECT_EQ(status, 2);
  EXPECT_NE(out.find("eps_m"), std::string::npos) << out;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace saring
