// saring demo: runs the filter over the bundled demo data (data/demo/) and prints precision and
// recall per decision against its ground truth.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <unistd.h>

#include "context.hpp"
#include "saring/core/json.hpp"
#include "saring/filter/demo.hpp"
#include "saring/filter/filter.hpp"
#include "saring/spam/training.hpp"

#include <filesystem>

namespace saring::cli {
namespace {

struct DemoArgs {
  std::string dir;
  std::string config;
  std::vector<std::string> overrides;
  bool verbose = false;
  bool verdicts = false;
  bool no_model = false;
};

std::string self_path() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

int run(const DemoArgs& a) {
  const std::string dir = a.dir.empty() ? find_demo_dir(self_path()) : a.dir;
  const auto reports = load_demo_reports(dir);
  const auto truth = load_demo_truth(dir);
  FilterOptions options = load_filter_options(a.config, a.overrides);
  // The demo shows the whole pipeline, spam model included: unless a model is configured, train
  // one on the demo's own labelled texts (written for saring, disjoint from the demo reports) the
  // way `saring spam train` would, and hand it to the filter as a file.
  std::string trained_model;
  const std::string train_csv = dir + "/spam_train.csv";
  if (!a.no_model && options.spam.enabled && options.spam.model.empty() && std::filesystem::exists(train_csv)) {
    const LabeledTexts data = labeled_texts_from_csv(read_csv_file(train_csv), "text", "label");
    trained_model = (std::filesystem::temp_directory_path() /
                     ("saring-demo-spam-" + std::to_string(::getpid()) + ".model")).string();
    SpamModel::train(data.texts, data.labels).save(trained_model);
    options.spam.model = trained_model;
    std::printf("saring demo: spam model trained on %zu labelled texts from %s\n", data.texts.size(),
                train_csv.c_str());
  }
  Filter filter(options);
  if (!trained_model.empty()) std::filesystem::remove(trained_model);
  std::vector<Verdict> verdicts;
  const auto start = std::chrono::steady_clock::now();
  for (const auto& r : reports) {
    verdicts.push_back(filter.submit(r));
    if (a.verdicts) std::cout << verdict_to_json(verdicts.back()) << "\n";
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const DemoScore s = score_demo(verdicts, truth);
  std::printf("saring demo: %zu reports from %s in %.2f s\n\n", reports.size(), dir.c_str(), seconds);
  std::printf("  %-10s %9s %9s %6s %6s %6s\n", "decision", "precision", "recall", "tp", "fp", "fn");
  for (const auto& d : s.per_decision) {
    std::printf("  %-10s %9.3f %9.3f %6d %6d %6d\n", std::string(decision_name(d.decision)).c_str(), d.precision(),
                d.recall(), d.true_positives, d.false_positives, d.false_negatives);
  }
  std::printf("\n  correct decisions: %d of %d (%.1f%%)\n", s.correct, s.total, s.total ? 100.0 * s.correct / s.total : 0.0);
  std::printf("  duplicates pointing at the expected canonical report: %d of %d\n", s.duplicate_of_correct,
              s.duplicate_of_total);
  if (a.verbose) {
    std::printf("\n  mismatches:\n");
    for (const auto& m : s.mismatches) std::printf("    %s\n", m.c_str());
  } else if (!s.mismatches.empty()) {
    std::printf("  (--verbose lists the %zu mismatches)\n", s.mismatches.size());
  }
  return 0;
}

}  // namespace

void register_demo_command(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* cmd = app.add_subcommand("demo", "Run the filter on the bundled Jakarta demo data; precision/recall per decision");
  cmd->add_option("--dir", args->dir, "Demo data directory (default: found next to the program or in the source tree)");
  cmd->add_option("--config", args->config, "JSON config file layered over the built-in defaults");
  cmd->add_option("--set", args->overrides, "Override one option, e.g. --set thresholds.duplicate=0.7")->allow_extra_args(false);
  cmd->add_flag("--verbose", args->verbose, "List every report whose decision differs from the ground truth");
  cmd->add_flag("--verdicts", args->verdicts, "Also print each verdict JSON line");
  cmd->add_flag("--no-model", args->no_model, "Rules only: do not train the demo's spam model");
  cmd->callback([args, &ctx] { run_guarded(ctx, "demo", [args] { return run(*args); }); });
}

}  // namespace saring::cli
