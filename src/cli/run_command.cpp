// saring run: the main job. Reads reports (saring JSON lines or Open311), writes one verdict JSON
// line per report to stdout, a progress bar on stderr when it is a terminal, and a summary.
//
// With --state, the journal is synced before each batch of verdicts is written out, so every
// verdict printed survives a kill -9; re-running the same input after a crash prints, for reports
// already held, the verdicts they were given.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "context.hpp"
#include "saring/core/error.hpp"
#include "saring/core/json.hpp"
#include "saring/filter/filter.hpp"
#include "saring/filter/open311.hpp"

namespace saring::cli {
namespace {

struct RunArgs {
  std::string config;
  std::vector<std::string> overrides;
  std::string state_dir;
  std::string format = "jsonl";
  std::string input = "-";
  std::size_t batch = 256;
  bool quiet = false;
  bool progress = true;
};

void print_summary(const std::map<std::string, int>& decisions, const std::map<std::string, int>& reasons, int total,
                   int failed, double seconds, const FilterStats& stats) {
  std::fprintf(stderr, "saring run: %d reports in %.2f s (%.0f reports/s)%s\n", total, seconds,
               seconds > 0 ? total / seconds : 0.0,
               failed ? (", " + std::to_string(failed) + " lines failed").c_str() : "");
  for (const auto& [d, n] : decisions) std::fprintf(stderr, "  %-10s %6d\n", d.c_str(), n);
  if (!reasons.empty()) std::fprintf(stderr, "  reasons:\n");
  for (const auto& [r, n] : reasons) std::fprintf(stderr, "    %-34s %6d\n", r.c_str(), n);
  // What the filter now holds (with --state, what the next run starts from): the operator's view of
  // the retention windows' memory.
  std::fprintf(stderr, "  state: %llu retained reports, %llu incidents, ~%.1f MB (%.0f bytes per retained report)\n",
               static_cast<unsigned long long>(stats.retained_reports), static_cast<unsigned long long>(stats.incidents),
               static_cast<double>(stats.memory_bytes) / 1e6,
               stats.retained_reports ? static_cast<double>(stats.memory_bytes) / static_cast<double>(stats.retained_reports) : 0.0);
}

int run(const RunArgs& a) {
  FilterOptions options = load_filter_options(a.config, a.overrides);
  // The CLI syncs once per batch, before the batch's verdicts leave the process.
  if (options.journal.sync == "always") options.journal.sync = "manual";
  if (a.format != "jsonl" && a.format != "open311") {
    throw Error(ErrorCode::kInvalidArgument, "--format must be jsonl or open311, got '" + a.format + "'");
  }
  Filter filter(options, a.state_dir);

  std::ifstream file;
  std::istream* in = &std::cin;
  if (a.input != "-") {
    file.open(a.input);
    if (!file) throw Error(ErrorCode::kIo, "cannot open input '" + a.input + "'");
    in = &file;
  }
  const bool tty = a.progress && ::isatty(STDERR_FILENO);
  std::map<std::string, int> decisions, reasons;
  int total = 0, failed = 0;
  std::string out;
  const auto start = std::chrono::steady_clock::now();
  auto last_flush = start;
  auto flush = [&] {
    filter.sync();
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    out.clear();
  };
  auto handle = [&](const Report& r) {
    const Verdict v = filter.submit(r);
    out += verdict_to_json(v);
    out += '\n';
    ++total;
    ++decisions[std::string(decision_name(v.decision))];
    for (const auto& reason : v.reasons) ++reasons[reason.code];
    const auto now = std::chrono::steady_clock::now();
    if (total % a.batch == 0 || now - last_flush > std::chrono::milliseconds(200)) {
      flush();
      last_flush = now;
      if (tty) {
        const double s = std::chrono::duration<double>(now - start).count();
        std::fprintf(stderr, "\r  %d reports  %.0f/s  accept %d  duplicate %d  review %d  reject %d ", total,
                     s > 0 ? total / s : 0.0, decisions["accept"], decisions["duplicate"], decisions["review"],
                     decisions["reject"]);
      }
    }
  };
  auto fail = [&](const std::string& what) {
    ++failed;
    if (!a.quiet) std::cerr << "saring run: " << what << "\n";
  };

  std::string line;
  std::size_t line_no = 0;
  bool open311_array = false;
  if (a.format == "open311") {
    const int c = (*in >> std::ws).peek();
    open311_array = c == '[';
  }
  if (open311_array) {
    std::stringstream ss;
    ss << in->rdbuf();
    for (const Report& r : parse_open311(ss.str())) {
      try {
        handle(r);
      } catch (const Error& e) {
        fail(a.input + ": report " + r.id + ": " + e.what());
      }
    }
  } else {
    while (std::getline(*in, line)) {
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      try {
        handle(a.format == "open311" ? parse_open311_request(line, line_no) : parse_report_json(line, line_no));
      } catch (const Error& e) {
        if (e.code() == ErrorCode::kIo) throw;  // the state directory failed: stop, nothing more is safe
        fail(a.input + ": " + e.what());  // "FILE: line N: ...", as saring geo and saring spam score name it
      }
    }
  }
  flush();
  if (tty) std::fprintf(stderr, "\n");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!a.quiet) print_summary(decisions, reasons, total, failed, seconds, filter.stats());
  return failed ? 1 : 0;
}

}  // namespace

void register_run_command(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "Judge reports: one verdict JSON line per report on stdout");
  cmd->add_option("input", args->input, "Reports file (saring JSON lines, or Open311 with --format open311); - for stdin");
  cmd->add_option("--config", args->config, "JSON config file layered over the built-in defaults");
  cmd->add_option("--set", args->overrides, "Override one option, e.g. --set duplicate.radius_m=100 (repeatable)")->allow_extra_args(false);
  cmd->add_option("--state", args->state_dir, "State directory (journal + snapshot); kept across runs");
  cmd->add_option("--format", args->format, "Input format: jsonl (default) or open311");
  cmd->add_option("--batch", args->batch, "Verdicts per durable batch (journal synced before they are printed)")
      ->check(CLI::Range(1, 1000000));
  cmd->add_flag("--quiet", args->quiet, "No summary or per-line errors on stderr");
  cmd->add_flag("!--no-progress", args->progress, "No progress bar even on a terminal");
  cmd->callback([args, &ctx] { run_guarded(ctx, "run", [args] { return run(*args); }); });
}

}  // namespace saring::cli
