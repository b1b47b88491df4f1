// The `saring spam` subcommands, run as a user would.
#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/wait.h>

namespace {

struct CliRun {
  int status;
  std::string out;
};

CliRun run(const std::string& args) {
  const std::string cmd = std::string(SARING_CLI_PATH) + " " + args + " 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  CliRun r{-1, ""};
  if (!pipe) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) r.out.append(buf.data(), n);
  r.status = WEXITSTATUS(pclose(pipe.release()));
  return r;
}

const std::string kData = std::string(SARING_TEST_DATA_DIR) + "/spam/reports_labeled.csv";

TEST(SpamCli, TrainScoreEval) {
  const std::string dir = ::testing::TempDir() + "saring_spam_cli_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::string model = dir + "/cli_spam.model";
  ASSERT_EQ(run("spam train --data " + kData + " --text-col text --label-col label --out " + model).status, 0);

  const std::string reports = dir + "/cli_reports.jsonl";
  {
    std::ofstream f(reports);
    f << R"({"id":"r1","time":"2026-11-28T08:15:00+07:00","lat":-6.2,"lon":106.8,"text":"Promo gratis pulsa 100rb klik bit.ly/x"})" "\n";
    f << R"({"id":"r2","time":"2026-11-28T08:15:00+07:00","lat":-6.2,"lon":106.8,"text":"Jalan berlubang di depan kelurahan"})" "\n";
    f << "this is not json\n";
    f << R"({"id":"r3","time":"2026-11-28T08:15:00+07:00","lat":-6.2,"lon":106.8})" "\n";
  }
  const CliRun scored = run("spam score --model " + model + " " + reports);
  EXPECT_EQ(scored.status, 1);  // one bad line
  std::istringstream lines(scored.out);
  std::string line;
  std::vector<nlohmann::json> out;
  while (std::getline(lines, line)) out.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0]["id"], "r1");
  EXPECT_GT(out[0]["scores"]["spam"].get<double>(), 0.5);
  EXPECT_LT(out[1]["scores"]["spam"].get<double>(), 0.5);
  bool url = false;
  for (const auto& r : out[0]["reasons"]) url |= r["code"] == "SPAM_URL";
  EXPECT_TRUE(url);
  bool empty = false;
  for (const auto& r : out[2]["reasons"]) empty |= r["code"] == "SPAM_EMPTY_TEXT";
  EXPECT_TRUE(empty);

  const CliRun eval = run("spam eval --model " + model + " --data " + kData + " --text-col text --label-col label");
  EXPECT_EQ(eval.status, 0);
  EXPECT_NE(eval.out.find("roc_auc"), std::string::npos);
  EXPECT_NE(eval.out.find("f1"), std::string::npos);
  const CliRun cv = run("spam eval --cv 3 --data " + kData + " --text-col text --label-col label");
  EXPECT_EQ(cv.status, 0);
  EXPECT_NE(cv.out.find("precision"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(SpamCli, ErrorsExitWithTwo) {
  EXPECT_EQ(run("spam score --model /nonexistent.model -").status, 2);
  EXPECT_EQ(run("spam train --data /nonexistent.csv --out /tmp/x.model").status, 2);
  EXPECT_EQ(run("spam train --data " + kData + " --text-col text --label-col nope --out /tmp/x.model").status, 2);
  EXPECT_EQ(run("spam eval --data " + kData + " --text-col text --label-col label").status, 2);  // no --model/--cv
}

}  // namespace
