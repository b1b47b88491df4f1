// The filter: one explained verdict per report (accept, duplicate, review, reject), and state that
// survives crashes. A backend embeds one Filter per state directory:
//
//   saring::Filter filter(saring::load_filter_options("saring.json"), "/var/lib/saring");
//   saring::Verdict v = filter.submit(report);      // thread-safe; journaled before it returns
//   if (v.decision == saring::Decision::kDuplicate) link(v.id, *v.duplicate_of);
//   filter.feedback({saring::FeedbackAction::kRejectSpam, "r42"});
//
// Each submit evaluates the report read-only against the retained reports (candidates within the
// category's radius and window, photo hashes, ORB geometric check, text similarity, geotag and
// reputation checks), then commits it: one writer appends a journal record (report, photo hashes,
// verdict) and applies it to the in-memory state. Replaying the journal after a restart runs the
// same apply step, so the state after a crash equals the state before it.
//
// Ordering: commits are serialised; every verdict equals the verdict a single-threaded filter
// would give when fed the same submits and feedback in commit (journal) order. Evaluation runs
// under a shared lock, in parallel; at commit (writer lock) a report whose evaluation predates
// other commits keeps its verdict only if none of those commits changed anything the evaluation
// read (grid cells of its candidate block, photo hashes within the reuse distance of its photos,
// the incident it joins, its reporter's reputation, flood count and last position, the reporters
// at its exact coordinates; any feedback counts as a change), and is re-evaluated under the
// writer lock otherwise. So no two concurrent reports of one incident both become "accept"
// without seeing each other. Reports from one thread commit in that thread's call order; across
// threads the order is the lock's.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "saring/core/report.hpp"
#include "saring/geo/exif.hpp"
#include "saring/hash/hash_types.hpp"
#include "saring/filter/options.hpp"

namespace saring {

// What the filter knows about one photo beyond its path. A backend that hashes photos elsewhere
// passes the PDQ hash here; without it only the geometric check compares photos.
struct PhotoFeatures {
  std::string path;
  std::optional<Hash256> pdq;
  int quality = 100;  // PDQ quality (0..100); hashes of flat images below 50 are not trusted
  // The PDQ hashes of the photo's eight rotations/mirrors (saring/hash/pdq.hpp order), when
  // known: photo reuse then also finds a rotated or mirrored copy. Not journaled.
  std::optional<std::array<Hash256, 8>> dihedral;
  std::optional<PhotoExif> exif;  // EXIF facts for the geotag checks (GPS, time). Not journaled.
  // Why the photo could not be read or decoded (compute_features); empty when it could. The
  // verdict then carries IMG_UNREADABLE with this text. Not journaled.
  std::string error;
};

struct ReportFeatures {
  std::vector<PhotoFeatures> photos;
};

// Features from the report's photo paths: EXIF facts (geo module) and PDQ hashes with their
// dihedral variants when the photo can be read; an unreadable photo keeps only its path.
ReportFeatures compute_features(const Report& report);

enum class FeedbackAction {
  kConfirm,          // a moderator confirmed the report is genuine
  kRejectSpam,       // the report is spam: out of incidents, reporter reputation down
  kMarkDuplicate,    // report `report_id` belongs to the incident of `other_id`
  kUnmarkDuplicate,  // report `report_id` is its own incident after all
  kFakeLocation,     // the place is fake: out of incidents, reputation down
};
std::string_view feedback_action_name(FeedbackAction a);
FeedbackAction parse_feedback_action(std::string_view name);  // throws Error(kParse)

struct Feedback {
  FeedbackAction action = FeedbackAction::kConfirm;
  std::string report_id;
  std::string other_id;   // for kMarkDuplicate: a report of the incident to join
  std::string moderator;  // opaque, journaled for audit
};

struct ReporterReputation {
  std::int64_t reports = 0;
  std::int64_t confirmed = 0;
  std::int64_t rejected = 0;  // spam or fake location
  double reputation() const { return (confirmed + 1.0) / (confirmed + rejected + 2.0); }
};

struct FilterStats {
  std::uint64_t retained_reports = 0;    // held for idempotency and photo reuse
  std::uint64_t duplicate_candidates = 0;  // of those, still inside the duplicate retention
  std::uint64_t incidents = 0;
  std::uint64_t reporters = 0;
  std::uint64_t photos = 0;
  std::uint64_t journal_records = 0;     // since the last snapshot
  std::uint64_t committed = 0;           // sequence number of the last commit
  std::uint64_t reevaluated = 0;         // commits that had to re-evaluate under the writer lock
  // Estimate of the retained state: reports, id table, grid, photo index, incidents, reporters and
  // the geotag history (not the ORB cache, which is bounded by its own limits). stats() walks the
  // retained reports to sum it: call it for monitoring, not per report.
  std::uint64_t memory_bytes = 0;
  // The geometric check's work since this Filter was opened (cache misses only): photos whose
  // ORB features were extracted, and photo pairs matched (ratio test + RANSAC).
  std::uint64_t orb_extractions = 0;
  std::uint64_t geometric_matches = 0;
  // The photo store (photos given as bytes, kept while their reports are duplicate candidates):
  // files and bytes on disk, not in memory_bytes.
  std::uint64_t stored_photos = 0;
  std::uint64_t stored_photo_bytes = 0;
};

class Filter {
 public:
  // `state_dir` empty: in-memory only. Otherwise opens (creating) the directory, loads the latest
  // snapshot and replays the journal after it; throws Error(kCorrupt) when they fail their checks
  // and Error(kIo) when the directory is locked by another process.
  explicit Filter(FilterOptions options = {}, const std::string& state_dir = {});
  ~Filter();  // syncs the journal; does not snapshot (call snapshot() for a fast restart)
  Filter(const Filter&) = delete;
  Filter& operator=(const Filter&) = delete;

  // Judges and commits a report. A report id already held returns the verdict it was given.
  // Thread-safe. Throws Error(kInvalidArgument) for an empty id or non-finite coordinates (coordinates out
  // of range are judged: reject with GEO_INVALID_COORDINATES or GEO_SWAPPED_LATLON).
  Verdict submit(const Report& report);
  Verdict submit(const Report& report, const ReportFeatures& features);
  // Judges without committing (what submit would say now). Thread-safe, read-only.
  Verdict evaluate(const Report& report, const ReportFeatures& features) const;

  std::optional<Verdict> verdict_of(const std::string& report_id) const;
  // Applies moderator feedback (journaled). Throws Error(kNotFound) for an unknown report id.
  void feedback(const Feedback& feedback);
  std::optional<ReporterReputation> reporter(const std::string& reporter_id) const;
  // The reports of the incident holding `report_id`, earliest first (empty when unknown).
  std::vector<std::string> incident_members(const std::string& report_id) const;

  void sync();      // makes every returned verdict durable (for journal.sync = "manual")
  void snapshot();  // writes a snapshot and starts a fresh journal
  FilterStats stats() const;
  const FilterOptions& options() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace saring
