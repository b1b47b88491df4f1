// The bundled demo data set (data/demo/: reports across Jakarta with real photos, planted
// duplicates, reused photos, spoofed places and spam, each with its expected decision) and the
// scoring of verdicts against it: precision and recall per decision.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "saring/core/report.hpp"

namespace saring {

struct DemoCase {
  std::string id;
  Decision expected = Decision::kAccept;
  std::optional<std::string> duplicate_of;  // the expected canonical report for duplicates
  std::string kind;                         // what was planted, e.g. "duplicate_other_angle"
};

struct DecisionScore {
  Decision decision = Decision::kAccept;
  int true_positives = 0, false_positives = 0, false_negatives = 0;
  double precision() const;
  double recall() const;
};

struct DemoScore {
  std::vector<DecisionScore> per_decision;  // accept, duplicate, review, reject
  int total = 0;
  int correct = 0;
  int duplicate_of_correct = 0;  // duplicates whose duplicate_of is the expected canonical report
  int duplicate_of_total = 0;
  std::vector<std::string> mismatches;  // "id: expected X (kind), got Y [reason codes]"
};

// The demo directory: $SARING_DEMO_DIR, then <exe dir>/../share/saring/demo,
// <exe dir>/../data/demo, <exe dir>/../../data/demo, then the source tree's data/demo.
// Throws Error(kNotFound) listing the places tried.
std::string find_demo_dir(const std::string& executable_path = {});
// reports.jsonl with photo paths made absolute against `dir`.
std::vector<Report> load_demo_reports(const std::string& dir);
// truth.jsonl: {"id", "decision", "duplicate_of", "kind"} per report.
std::vector<DemoCase> load_demo_truth(const std::string& dir);
DemoScore score_demo(const std::vector<Verdict>& verdicts, const std::vector<DemoCase>& truth);

}  // namespace saring
