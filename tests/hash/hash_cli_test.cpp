// The `saring hash` subcommand, run as a process.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "image/video_internal.hpp"
#include "saring/image/image.hpp"

namespace {

const std::string kData = std::string(SARING_TEST_DATA_DIR) + "/hash/";

struct CliRun {
  int status = -1;
  std::string out;
};

CliRun run_cli(const std::string& args) {
  CliRun r;
  FILE* p = ::popen((std::string(SARING_CLI_PATH) + " " + args + " 2>/dev/null").c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::vector<nlohmann::json> lines(const std::string& out) {
  std::vector<nlohmann::json> v;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) v.push_back(nlohmann::json::parse(line));
  return v;
}

TEST(HashCli, JsonLinePerInputAndExitOneOnFailure) {
  const CliRun r = run_cli("hash --json " + kData + "bridge-mods/aaa-orig.jpg " + kData + "missing.jpg " + kData +
                    "SOURCES.md " + kData + "misc-images/wee.jpg");
  EXPECT_EQ(r.status, 1);
  const auto v = lines(r.out);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0]["pdq"], "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22");
  EXPECT_EQ(v[0]["pdq_quality"], 100);
  EXPECT_EQ(v[0]["phash"], "3545b9384c3fc6eb");
  EXPECT_EQ(v[0]["dhash"].get<std::string>().size(), 16u);
  EXPECT_TRUE(v[1].contains("error"));
  EXPECT_NE(v[1]["error"].get<std::string>().find("missing.jpg"), std::string::npos);
  EXPECT_TRUE(v[2].contains("error"));
  EXPECT_FALSE(v[2].contains("pdq"));
  EXPECT_EQ(v[3]["pdq"], "6227401f601ff4ccafcc9fad4b0d95d371a2eb7265a3285234d228ca94deeb2d");
}

TEST(HashCli, PlainOutputAndOptions) {
  const CliRun ok = run_cli("hash " + kData + "misc-images/wee.jpg");
  EXPECT_EQ(ok.status, 0);
  EXPECT_NE(ok.out.find("6227401f601ff4ccafcc9fad4b0d95d371a2eb7265a3285234d228ca94deeb2d\t100"), std::string::npos);
  const std::string rotn = kData + "reg-test-input/exif-rotn/exif-rotn-6.jpg";
  const auto plain = lines(run_cli("hash --json " + rotn).out);
  const auto oriented = lines(run_cli("hash --json --exif-orientation " + rotn).out);
  const auto fast = lines(run_cli("hash --json --fast " + rotn).out);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0]["pdq"], "e8783aad54ae0b63653192c279592d6ad4b5434a5fcd7071f7abcb594b481a94");
  EXPECT_NE(oriented[0]["pdq"], plain[0]["pdq"]);
  EXPECT_NE(fast[0]["pdq"], plain[0]["pdq"]);  // reduced-scale decoding is a different hash
  const auto dih = lines(run_cli("hash --json --dihedral " + kData + "misc-images/wee.jpg").out);
  EXPECT_EQ(dih[0]["pdq_dihedral"]["original"], dih[0]["pdq"]);
  EXPECT_EQ(dih[0]["pdq_dihedral"].size(), 8u);
  EXPECT_NE(run_cli("hash --scale 3 " + rotn).status, 0);  // bad option value
  EXPECT_NE(run_cli("hash").status, 0);                    // no inputs
}

TEST(HashCli, VideosGetFrames) {
  saring::DecodeOptions half;
  half.jpeg_scale_denom = 4;
  const saring::Image frame = saring::decode_image_file(kData + "bridge-mods/aaa-orig.jpg", half);
  const std::string path =
      (std::filesystem::temp_directory_path() / ("saring_cli_video_" + std::to_string(::getpid()) + ".avi")).string();
  saring::detail::write_video(path, std::vector<saring::Image>(25, frame), 10.0, "MJPG");
  const CliRun r = run_cli("hash --json " + path);
  std::filesystem::remove(path);
  EXPECT_EQ(r.status, 0);
  const auto v = lines(r.out);
  ASSERT_EQ(v.size(), 1u);
  ASSERT_TRUE(v[0].contains("frames"));
  EXPECT_EQ(v[0]["frames"].size(), 3u);  // t = 0, 1, 2 s of a 2.5 s clip
  EXPECT_EQ(v[0]["frames"][1]["time"], 1.0);
  EXPECT_EQ(v[0]["pdq"], v[0]["frames"][0]["pdq"]);
}

}  // namespace
