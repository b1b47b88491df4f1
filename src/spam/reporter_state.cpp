// Reporter activity for the flood and rejected-history rules.
#include <algorithm>
#include <mutex>
#include <sstream>

#include "saring/core/error.hpp"
#include "saring/spam/reporter_state.hpp"

namespace saring {

void ReporterStateOptions::validate() const {
  if (flood_window_seconds <= 0 || flood_window_seconds > 366LL * 86400) {
    throw Error(ErrorCode::kInvalidArgument, "ReporterStateOptions.flood_window_seconds must be in (0, 1 year]");
  }
  if (max_times_per_reporter == 0 || max_times_per_reporter > 1000000) {
    throw Error(ErrorCode::kInvalidArgument, "ReporterStateOptions.max_times_per_reporter must be in [1, 1e6]");
  }
}

ReporterState::ReporterState(const ReporterStateOptions& options)
    : options_(options), mutex_(std::make_unique<std::shared_mutex>()) {
  options_.validate();
}

ReporterState::Entry& ReporterState::entry(std::string_view reporter) {
  thread_local std::string key;
  key.assign(reporter);
  if (const auto it = entries_.find(key); it != entries_.end()) return it->second;
  if (spare_.empty()) return entries_.try_emplace(key).first->second;
  Map::node_type node = std::move(spare_.back());
  spare_.pop_back();
  node.key().assign(reporter);
  node.mapped().times.clear();
  node.mapped().judged = 0;
  node.mapped().rejected = 0;
  return entries_.insert(std::move(node)).position->second;
}

void ReporterState::record_report(std::string_view reporter, UnixSeconds time) {
  if (reporter.empty()) return;
  std::unique_lock lock(*mutex_);
  Entry& e = entry(reporter);
  trim(e);
  // Keep times sorted even when reports arrive slightly out of order.
  e.times.insert(std::upper_bound(e.times.begin(), e.times.end(), time), time);
  if (e.times.size() > options_.max_times_per_reporter) {
    e.times.erase(e.times.begin(), e.times.end() - static_cast<std::ptrdiff_t>(options_.max_times_per_reporter));
  }
}

void ReporterState::record_moderation(std::string_view reporter, bool rejected) {
  if (reporter.empty()) return;
  std::unique_lock lock(*mutex_);
  Entry& e = entry(reporter);
  ++e.judged;
  if (rejected) ++e.rejected;
}

ReporterActivity ReporterState::activity(std::string_view reporter, UnixSeconds time) const {
  ReporterActivity a;
  if (reporter.empty()) return a;
  std::shared_lock lock(*mutex_);
  thread_local std::string key;
  key.assign(reporter);
  const auto it = entries_.find(key);
  if (it == entries_.end()) return a;
  const Entry& e = it->second;
  const auto lo = std::upper_bound(e.times.begin(), e.times.end(), std::max(window_start(time), cutoff_));
  const auto hi = std::upper_bound(e.times.begin(), e.times.end(), time);
  a.recent_reports = static_cast<std::size_t>(hi - lo);
  a.judged = e.judged;
  a.rejected = e.rejected;
  return a;
}

void ReporterState::fill_context(std::string_view reporter, UnixSeconds time, SpamContext& context) const {
  const ReporterActivity a = activity(reporter, time);
  context.reporter_recent = a.recent_reports;
  context.reporter_judged = a.judged;
  context.reporter_rejected = a.rejected;
}

void ReporterState::prune(UnixSeconds time) {
  std::unique_lock lock(*mutex_);
  cutoff_ = std::max(cutoff_, window_start(time));
  // Amortised: a full pass once per `entries` calls, i.e. about one entry visited per call (readers
  // already ignore pruned times, so only memory waits; at 200,000 reporters a pass every
  // entries/16 calls was 5% of a filter submit).
  if (++prunes_since_sweep_ < std::max<std::size_t>(64, entries_.size())) return;
  prunes_since_sweep_ = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    trim(it->second);
    if (it->second.times.empty() && it->second.judged == 0) {
      if (spare_.size() < kSpare) {
        const auto next = std::next(it);
        spare_.push_back(entries_.extract(it));
        it = next;
      } else {
        it = entries_.erase(it);
      }
    } else {
      ++it;
    }
  }
}

std::size_t ReporterState::reporters() const {
  std::shared_lock lock(*mutex_);
  return static_cast<std::size_t>(
      std::count_if(entries_.begin(), entries_.end(), [this](const auto& kv) { return !dead(kv.second); }));
}

// Format: "saring-reporter-state 1\n", then per reporter "<id>\t<judged>\t<rejected>\t<t1>,<t2>,...\n"
// (ids are opaque and must not contain tabs or newlines; such ids are skipped on write).
std::string ReporterState::serialize() const {
  std::shared_lock lock(*mutex_);
  std::ostringstream out;
  out << "saring-reporter-state 1\n";
  std::vector<const std::pair<const std::string, Entry>*> sorted;
  for (const auto& kv : entries_) {
    if (!dead(kv.second)) sorted.push_back(&kv);
  }
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (const auto* kv : sorted) {
    if (kv->first.find_first_of("\t\n\r") != std::string::npos) continue;
    out << kv->first << '\t' << kv->second.judged << '\t' << kv->second.rejected << '\t';
    bool first = true;
    for (UnixSeconds t : kv->second.times) {
      if (t <= cutoff_) continue;  // pruned
      out << (first ? "" : ",") << t;
      first = false;
    }
    out << '\n';
  }
  return out.str();
}

ReporterState ReporterState::deserialize(std::string_view text, const ReporterStateOptions& options) {
  ReporterState state(options);
  auto fail = [](std::size_t line, const std::string& why) {
    throw Error(ErrorCode::kCorrupt, "reporter state line " + std::to_string(line) + ": " + why);
  };
  std::size_t line_no = 0;
  bool header = false;
  auto parse_u64 = [&](std::string_view s, std::size_t line) -> std::uint64_t {
    if (s.empty() || s.size() > 18) fail(line, "bad number '" + std::string(s) + "'");
    std::uint64_t v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') fail(line, "bad number '" + std::string(s) + "'");
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
  };
  while (!text.empty()) {
    ++line_no;
    const std::size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!header) {
      if (line != "saring-reporter-state 1") fail(line_no, "expected header 'saring-reporter-state 1'");
      header = true;
      continue;
    }
    if (line.empty()) continue;
    std::string_view parts[4];
    std::string_view rest = line;
    for (int k = 0; k < 4; ++k) {
      const std::size_t tab = k < 3 ? rest.find('\t') : std::string_view::npos;
      if (k < 3 && tab == std::string_view::npos) fail(line_no, "expected 4 tab-separated fields");
      parts[k] = rest.substr(0, tab);
      rest = tab == std::string_view::npos ? std::string_view{} : rest.substr(tab + 1);
    }
    if (parts[0].empty()) fail(line_no, "empty reporter id");
    Entry& e = state.entries_[std::string(parts[0])];
    e.judged = parse_u64(parts[1], line_no);
    e.rejected = parse_u64(parts[2], line_no);
    if (e.rejected > e.judged) fail(line_no, "more rejected than judged");
    std::string_view times = parts[3];
    while (!times.empty()) {
      const std::size_t comma = times.find(',');
      std::string_view t = times.substr(0, comma);
      times = comma == std::string_view::npos ? std::string_view{} : times.substr(comma + 1);
      bool neg = !t.empty() && t.front() == '-';
      if (neg) t.remove_prefix(1);
      const auto v = static_cast<UnixSeconds>(parse_u64(t, line_no));
      const UnixSeconds time = neg ? -v : v;
      if (!e.times.empty() && time < e.times.back()) fail(line_no, "times out of order");
      e.times.push_back(time);
    }
    if (e.times.size() > options.max_times_per_reporter) {
      e.times.erase(e.times.begin(), e.times.end() - static_cast<std::ptrdiff_t>(options.max_times_per_reporter));
    }
  }
  if (!header) fail(0, "empty input");
  return state;
}

}  // namespace saring
