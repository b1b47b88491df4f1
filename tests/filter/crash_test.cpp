// kill -9 at a random moment, then replay the whole input: the verdicts equal an uninterrupted
// run, and every verdict the killed run printed is among them.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <random>
#include <thread>

#include "filter/filter_test_util.hpp"
#include "saring/core/json.hpp"

namespace saring {
namespace {

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::string text_of(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string listing(const std::string& dir) {
  std::string out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    out += e.path().filename().string() + " (" + std::to_string(e.is_regular_file() ? e.file_size() : 0) + " B) ";
  }
  return out;
}

// Starts `saring run --state dir input` with stdout to `out`; returns the pid.
pid_t start_cli(const std::string& dir, const std::string& input, const std::string& out) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    // stderr beside stdout, so that a failing trial can say what the CLI said.
    const int err = ::open((out + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(err, 2);
    ::execl(SARING_CLI_PATH, SARING_CLI_PATH, "run", "--state", dir.c_str(), "--batch", "8", "--set",
            "journal.snapshot_every=300", input.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

TEST(FilterCrash, KillNineThenReplayGivesUninterruptedVerdicts) {
  if (::access(SARING_CLI_PATH, X_OK) != 0) GTEST_SKIP() << "saring CLI not built: " << SARING_CLI_PATH;
  const std::string dir = test::fresh_dir("crash");
  const std::string input = dir + "/input.jsonl";
  {
    std::ofstream out(input);
    std::mt19937 g(7);
    for (int i = 0; i < 2500; ++i) {
      Report r = test::make_report("c" + std::to_string(i), "2026-10-01T00:00:00+07:00",
                                   -6.2 + 0.0007 * (g() % 40), 106.8 + 0.0007 * (g() % 40), i % 2 ? "sampah" : "banjir",
                                   (g() % 2 ? "sampah menumpuk " : "air banjir tinggi ") + std::to_string(g() % 5),
                                   "u" + std::to_string(g() % 50));
      r.time.unix += i * 120;
      out << report_to_json(r) << "\n";
    }
  }
  const std::string ref_dir = dir + "/ref", ref_out = dir + "/ref.out";
  ASSERT_EQ(wait_exit(start_cli(ref_dir, input, ref_out)), 0) << text_of(ref_out + ".err");
  const auto reference = lines_of(ref_out);
  ASSERT_EQ(reference.size(), 2500u);

  std::mt19937 g(std::random_device{}());
  for (int trial = 0; trial < 3; ++trial) {
    const std::string state = dir + "/s" + std::to_string(trial), killed_out = state + ".killed", replay_out = state + ".replay";
    const pid_t pid = start_cli(state, input, killed_out);
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + g() % 400));
    ::kill(pid, SIGKILL);
    wait_exit(pid);
    const auto printed = lines_of(killed_out);
    // Whatever the killed run printed is a prefix of the reference (a torn last line aside).
    for (std::size_t i = 0; i + 1 < printed.size(); ++i) ASSERT_EQ(printed[i], reference[i]) << "trial " << trial << " line " << i;
    ASSERT_EQ(wait_exit(start_cli(state, input, replay_out)), 0)
        << "trial " << trial << " killed after " << printed.size() << " lines; the replay said: " << text_of(replay_out + ".err");
    const auto replayed = lines_of(replay_out);
    ASSERT_EQ(replayed.size(), reference.size()) << "trial " << trial << ": " << text_of(replay_out + ".err");
    for (std::size_t i = 0; i < replayed.size(); ++i) {
      ASSERT_EQ(replayed[i], reference[i]) << "trial " << trial << " killed after " << printed.size() << " lines, "
                                           << "first difference at line " << i << "; state files: " << listing(state);
    }
  }
}

}  // namespace
}  // namespace saring
