// The `saring match` subcommand, run as a process on real hash lists and on bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "saring/hash/hash_types.hpp"

namespace saring {
namespace {

struct CliRun {
  int status;
  std::string out;
};

CliRun run(const std::string& args) {
  const std::string cmd = std::string(SARING_CLI_PATH) + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return {-1, ""};
  std::string out;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

class MatchCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("saring_match_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  std::filesystem::path dir_;
};

const std::string kData = SARING_TEST_DATA_DIR "/index/";

TEST_F(MatchCommand, ReferenceListsEqualBruteForce) {
  const auto hay = lines_of(kData + "haystack.txt");
  const auto needles = lines_of(kData + "needles.txt");
  ASSERT_EQ(hay.size(), 1350u);
  for (int radius : {0, 31, 63}) {
    std::set<std::tuple<int, int, int>> want;
    for (std::size_t q = 0; q < needles.size(); ++q) {
      for (std::size_t h = 0; h < hay.size(); ++h) {
        const int d = Hash256::from_hex(needles[q]).distance(Hash256::from_hex(hay[h]));
        if (d <= radius) want.insert({static_cast<int>(q + 1), static_cast<int>(h + 1), d});
      }
    }
    const CliRun r = run("match --radius " + std::to_string(radius) + " " + kData + "haystack.txt " + kData + "needles.txt");
    ASSERT_EQ(r.status, 0) << r.out;
    std::set<std::tuple<int, int, int>> got;
    std::istringstream in(r.out);
    std::string line;
    int last_query = 0, last_distance = -1;
    while (std::getline(in, line)) {
      const auto j = nlohmann::json::parse(line);
      ASSERT_EQ(line.rfind("{\"query\":", 0), 0u) << line;  // key order: query, match, distance
      const int q = j["query"], m = j["match"], d = j["distance"];
      // Queries in file order; within one query, by distance.
      ASSERT_GE(q, last_query);
      if (q == last_query) ASSERT_GE(d, last_distance);
      last_query = q;
      last_distance = d;
      got.insert({q, m, d});
    }
    EXPECT_EQ(got, want) << "radius " << radius;
    if (radius == 31) EXPECT_GT(got.size(), 100u);
  }
}

TEST_F(MatchCommand, IdsAndSixtyFourBitHashes) {
  const auto hay = write("hay.txt", "# archive\n00000000000000ff,photo-a\n\n00000000000000fe , photo-b\nffffffffffffffff\n");
  const auto q = write("q.txt", "00000000000000ff,shared-1\n");
  CliRun r = run("match " + hay + " " + q);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out,
            "{\"query\":\"shared-1\",\"match\":\"photo-a\",\"distance\":0}\n"
            "{\"query\":\"shared-1\",\"match\":\"photo-b\",\"distance\":1}\n");
  r = run("match --radius 64 " + hay + " " + q);
  EXPECT_NE(r.out.find("{\"query\":\"shared-1\",\"match\":5,\"distance\":56}"), std::string::npos) << r.out;
}

TEST_F(MatchCommand, DihedralVariants) {
  const auto hay = lines_of(kData + "haystack.txt");
  // Variant 5 of the query is haystack line 7 with one bit changed; the other variants are far.
  std::string v5 = hay[6];
  const std::string digits = "0123456789abcdef";
  v5[63] = digits[digits.find(v5[63]) ^ 1];  // one bit off
  std::string variants;
  for (int k = 0; k < 8; ++k) variants += (k ? ";" : "") + (k == 5 ? v5 : std::string(64, k % 2 ? 'a' : '5'));
  const auto q = write("q.txt", variants + ",upload-9\n");
  const CliRun r = run("match --dihedral --radius 1 " + kData + "haystack.txt " + q);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("{\"query\":\"upload-9\",\"match\":7,\"distance\":1,\"variant\":5}"), std::string::npos) << r.out;
}

// --nearest K gives what HammingIndex::nearest gives in C++ and Python: the K closest entries by
// distance, ties by haystack line, checked here against brute force on the reference lists.
TEST_F(MatchCommand, NearestEqualsBruteForce) {
  const auto hay = lines_of(kData + "haystack.txt");
  const auto needles = lines_of(kData + "needles.txt");
  for (const auto& [k, radius] : {std::pair{1, -1}, std::pair{7, -1}, std::pair{5, 40}}) {
    std::vector<std::tuple<int, int, int>> want;  // query, match, distance
    for (std::size_t q = 0; q < needles.size(); ++q) {
      std::vector<std::pair<int, int>> all;  // distance, line
      for (std::size_t h = 0; h < hay.size(); ++h) {
        all.push_back({Hash256::from_hex(needles[q]).distance(Hash256::from_hex(hay[h])), static_cast<int>(h + 1)});
      }
      std::sort(all.begin(), all.end());
      for (int i = 0; i < k; ++i) {
        if (radius < 0 || all[i].first <= radius) want.push_back({static_cast<int>(q + 1), all[i].second, all[i].first});
      }
    }
    std::string args = "match --nearest " + std::to_string(k);
    if (radius >= 0) args += " --radius " + std::to_string(radius);
    const CliRun r = run(args + " " + kData + "haystack.txt " + kData + "needles.txt");
    ASSERT_EQ(r.status, 0) << r.out;
    std::vector<std::tuple<int, int, int>> got;
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line)) {
      const auto j = nlohmann::json::parse(line);
      got.push_back({j["query"].get<int>(), j["match"].get<int>(), j["distance"].get<int>()});
    }
    EXPECT_EQ(got, want) << args;
    if (radius < 0) EXPECT_EQ(got.size(), needles.size() * k);
  }
  // Ties go to the earlier haystack line, also past line 10 (ids compare as padded numbers).
  std::string tied;
  for (int i = 0; i < 12; ++i) tied += std::string(16, '0') + "\n";
  const auto hay12 = write("tied.txt", tied);
  const auto q = write("q.txt", std::string(16, '0') + "\n");
  CliRun r = run("match -k 3 " + hay12 + " " + q);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out,
            "{\"query\":1,\"match\":1,\"distance\":0}\n{\"query\":1,\"match\":2,\"distance\":0}\n"
            "{\"query\":1,\"match\":3,\"distance\":0}\n");
  r = run("match --nearest 2 --dihedral " + hay12 + " " + q);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("--nearest and --dihedral"), std::string::npos) << r.out;
  r = run("match --nearest 0 " + hay12 + " " + q);
  EXPECT_NE(r.status, 0);
}

TEST_F(MatchCommand, BadInputNamesFileAndLine) {
  const auto good = write("good.txt", std::string(64, 'a') + "\n");
  const struct {
    std::string text;
    std::string expect;
  } cases[] = {
      {std::string(64, 'a') + "\nxyz\n", ":2: expected 64 (PDQ) or 16"},
      {std::string(63, 'a') + "g\n", ":1: Hash256: not a hex digit"},
      {std::string(64, 'a') + ",\n", ":1: empty id"},
      {std::string(64, 'a') + "\n" + std::string(16, 'b') + "\n", ":2: hash kind differs"},
      {std::string(64, 'a') + ";" + std::string(64, 'a') + "\n", ":1: one hash per line"},
  };
  for (const auto& c : cases) {
    const auto bad = write("bad.txt", c.text);
    const CliRun r = run("match " + bad + " " + good);
    EXPECT_EQ(r.status, 2) << c.text;
    EXPECT_NE(r.out.find("bad.txt" + c.expect), std::string::npos) << r.out;
  }
  CliRun r = run("match --dihedral " + good + " " + good);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("good.txt:1: --dihedral expects 8 hashes"), std::string::npos) << r.out;
  const auto small = write("small.txt", std::string(16, 'b') + "\n");
  r = run("match --dihedral " + small + " " + small);
  EXPECT_EQ(r.status, 2);
  r = run("match --radius 65 " + small + " " + small);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("exceeds the hash width 64"), std::string::npos) << r.out;
  r = run("match " + (dir_ / "missing.txt").string() + " " + good);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("missing.txt: cannot open"), std::string::npos) << r.out;
  r = run("match " + small + " " + good);  // 64-bit haystack, PDQ queries
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("good.txt:1: hash kind differs"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace saring
