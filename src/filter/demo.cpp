#include "saring/filter/demo.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "saring/core/error.hpp"
#include "saring/core/json.hpp"

namespace saring {
namespace {

bool has_demo(const std::string& dir) {
  struct stat st;
  return ::stat((dir + "/reports.jsonl").c_str(), &st) == 0 && ::stat((dir + "/truth.jsonl").c_str(), &st) == 0;
}

std::string parent(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::kIo, "cannot open '" + path + "'");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

double DecisionScore::precision() const {
  const int d = true_positives + false_positives;
  return d ? static_cast<double>(true_positives) / d : 1.0;
}
double DecisionScore::recall() const {
  const int d = true_positives + false_negatives;
  return d ? static_cast<double>(true_positives) / d : 1.0;
}

std::string find_demo_dir(const std::string& executable_path) {
  std::vector<std::string> tried;
  if (const char* env = std::getenv("SARING_DEMO_DIR")) tried.push_back(env);
  if (!executable_path.empty()) {
    std::string exe = executable_path;
    char buf[4096];
    if (::realpath(executable_path.c_str(), buf)) exe = buf;
    const std::string bin = parent(exe);
    tried.push_back(bin + "/../share/saring/demo");
    tried.push_back(bin + "/../data/demo");
    tried.push_back(bin + "/../../data/demo");
  }
  tried.push_back(std::string(SARING_SOURCE_DIR) + "/data/demo");
  for (const auto& d : tried) {
    if (has_demo(d)) return d;
  }
  std::string list;
  for (const auto& d : tried) list += (list.empty() ? "" : ", ") + d;
  throw Error(ErrorCode::kNotFound, "demo data (reports.jsonl, truth.jsonl) not found; tried " + list +
                                        " (set SARING_DEMO_DIR)");
}

std::vector<Report> load_demo_reports(const std::string& dir) {
  std::vector<Report> out;
  const std::string path = dir + "/reports.jsonl";
  std::size_t line_no = 0;
  for (const auto& line : read_lines(path)) {
    ++line_no;
    if (line.empty()) continue;
    try {
      Report r = parse_report_json(line, line_no);
      for (auto& p : r.photos) {
        if (!p.empty() && p[0] != '/') p = dir + "/" + p;
      }
      out.push_back(std::move(r));
    } catch (const Error& e) {
      throw Error(e.code(), path + ": " + e.what());
    }
  }
  return out;
}

std::vector<DemoCase> load_demo_truth(const std::string& dir) {
  std::vector<DemoCase> out;
  const std::string path = dir + "/truth.jsonl";
  std::size_t line_no = 0;
  for (const auto& line : read_lines(path)) {
    ++line_no;
    if (line.empty()) continue;
    try {
      const auto j = nlohmann::json::parse(line);
      DemoCase c;
      c.id = j.at("id").get<std::string>();
      c.expected = parse_decision(j.at("decision").get<std::string>());
      if (j.contains("duplicate_of") && !j["duplicate_of"].is_null()) c.duplicate_of = j["duplicate_of"].get<std::string>();
      c.kind = j.value("kind", "");
      out.push_back(std::move(c));
    } catch (const nlohmann::json::exception& e) {
      throw Error(ErrorCode::kParse, path + ": line " + std::to_string(line_no) + ": " + e.what());
    }
  }
  return out;
}

DemoScore score_demo(const std::vector<Verdict>& verdicts, const std::vector<DemoCase>& truth) {
  DemoScore s;
  for (Decision d : {Decision::kAccept, Decision::kDuplicate, Decision::kReview, Decision::kReject}) {
    s.per_decision.push_back({d});
  }
  std::map<std::string, const Verdict*> by_id;
  for (const auto& v : verdicts) by_id[v.id] = &v;
  for (const auto& c : truth) {
    const auto it = by_id.find(c.id);
    if (it == by_id.end()) throw Error(ErrorCode::kNotFound, "no verdict for demo report '" + c.id + "'");
    const Verdict& v = *it->second;
    ++s.total;
    const auto e = static_cast<std::size_t>(c.expected), g = static_cast<std::size_t>(v.decision);
    if (e == g) {
      ++s.correct;
      ++s.per_decision[e].true_positives;
    } else {
      ++s.per_decision[e].false_negatives;
      ++s.per_decision[g].false_positives;
      std::string codes;
      for (const auto& r : v.reasons) codes += (codes.empty() ? "" : ",") + r.code;
      s.mismatches.push_back(c.id + ": expected " + std::string(decision_name(c.expected)) + " (" + c.kind + "), got " +
                             std::string(decision_name(v.decision)) + " [" + codes + "]");
    }
    if (c.expected == Decision::kDuplicate && c.duplicate_of) {
      ++s.duplicate_of_total;
      if (v.duplicate_of == c.duplicate_of) ++s.duplicate_of_correct;
    }
  }
  return s;
}

}  // namespace saring
