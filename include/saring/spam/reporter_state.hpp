// What spam scoring remembers about reporters: when they sent reports (for the flood rule) and how
// moderators judged them (for the rejected-history rule). The filter owns one; reads are
// thread-safe with each other and with writes (a shared mutex), so `evaluate` can read while one
// writer commits.
//
//   saring::ReporterState state;
//   saring::SpamContext ctx;
//   state.fill_context("u42", report.time.unix, ctx);   // before scoring
//   state.record_report("u42", report.time.unix);       // when the report is committed
//   state.record_moderation("u42", /*rejected=*/true);  // when a moderator rejects it
#pragma once

#include <cstddef>
#include <climits>
#include <cstdint>
#include <deque>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "saring/core/time.hpp"
#include "saring/spam/rules.hpp"

namespace saring {

struct ReporterStateOptions {
  std::int64_t flood_window_seconds = 3600;  // reports counted for the flood rule
  std::size_t max_times_per_reporter = 256;  // older send times are forgotten beyond this
  void validate() const;                     // throws Error(kInvalidArgument)
};

struct ReporterActivity {
  std::size_t recent_reports = 0;  // inside the flood window ending at the query time
  std::size_t judged = 0;
  std::size_t rejected = 0;
};

class ReporterState {
 public:
  explicit ReporterState(const ReporterStateOptions& options = {});

  void record_report(std::string_view reporter, UnixSeconds time);
  void record_moderation(std::string_view reporter, bool rejected);
  // Reports in (time - window, time], and the moderation tally. Empty reporter ids know nothing.
  ReporterActivity activity(std::string_view reporter, UnixSeconds time) const;
  void fill_context(std::string_view reporter, UnixSeconds time, SpamContext& context) const;
  // Drops send times older than `time - window` and reporters left with nothing.
  void prune(UnixSeconds time);
  std::size_t reporters() const;

  // Versioned text form (one reporter a line) for snapshots; parse throws Error(kCorrupt).
  std::string serialize() const;
  static ReporterState deserialize(std::string_view text, const ReporterStateOptions& options = {});

 private:
  struct Entry {
    std::vector<UnixSeconds> times;  // ascending
    std::size_t judged = 0;
    std::size_t rejected = 0;
  };
  using Map = std::unordered_map<std::string, Entry>;
  // time - window, saturating at the smallest time (no overflow for extreme inputs).
  UnixSeconds window_start(UnixSeconds time) const {
    return time < INT64_MIN + options_.flood_window_seconds ? INT64_MIN : time - options_.flood_window_seconds;
  }
  // Drops the times prune() has already ruled out (lazy: prune() only raises cutoff_).
  void trim(Entry& e) const {
    std::size_t gone = 0;
    while (gone < e.times.size() && e.times[gone] <= cutoff_) ++gone;
    e.times.erase(e.times.begin(), e.times.begin() + static_cast<std::ptrdiff_t>(gone));
  }
  // The entry of `reporter`, added empty when absent: from a node the sweep set aside when there
  // is one (its key string and time array keep their capacity), so a filter's steady stream of
  // reporters new to the flood window allocates nothing.
  Entry& entry(std::string_view reporter);
  // An entry prune() would have erased: no time after the cutoff and no moderation history.
  bool dead(const Entry& e) const { return e.judged == 0 && (e.times.empty() || e.times.back() <= cutoff_); }
  ReporterStateOptions options_;
  // prune() is called per report by the filter; a full pass over every reporter each time made
  // filling a large window quadratic. It records the cutoff (times at or before it are gone as
  // far as any reader can tell) and sweeps the map only every so often.
  UnixSeconds cutoff_ = INT64_MIN;
  std::size_t prunes_since_sweep_ = 0;
  mutable std::unique_ptr<std::shared_mutex> mutex_;
  Map entries_;
  std::vector<Map::node_type> spare_;  // erased entries' nodes, reused by entry() (at most kSpare)
  static constexpr std::size_t kSpare = 4096;
};

}  // namespace saring
