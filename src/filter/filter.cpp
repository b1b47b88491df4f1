#include "saring/filter/filter.hpp"

#include <atomic>
#include <cmath>
#include <deque>
#include <filesystem>
#include <functional>
#include <span>
#include <unordered_set>
#include <shared_mutex>

#include "handoff_lock.hpp"
#include "persist.hpp"
#include "photo_store.hpp"
#include "saring/core/error.hpp"
#include "saring/core/json.hpp"
#include "saring/geo/exif.hpp"
#include "saring/hash/pdq.hpp"
#include "saring/image/image.hpp"
#include "state.hpp"

namespace saring {

std::string_view feedback_action_name(FeedbackAction a) {
  switch (a) {
    case FeedbackAction::kConfirm: return "confirm";
    case FeedbackAction::kRejectSpam: return "reject_spam";
    case FeedbackAction::kMarkDuplicate: return "mark_duplicate";
    case FeedbackAction::kUnmarkDuplicate: return "unmark_duplicate";
    case FeedbackAction::kFakeLocation: return "fake_location";
  }
  return "unknown";
}

FeedbackAction parse_feedback_action(std::string_view name) {
  for (auto a : {FeedbackAction::kConfirm, FeedbackAction::kRejectSpam, FeedbackAction::kMarkDuplicate,
                 FeedbackAction::kUnmarkDuplicate, FeedbackAction::kFakeLocation}) {
    if (feedback_action_name(a) == name) return a;
  }
  throw Error(ErrorCode::kParse, "unknown feedback action '" + std::string(name) +
                                     "' (expected confirm, reject_spam, mark_duplicate, unmark_duplicate or fake_location)");
}

namespace {
// Writes a photo given as bytes somewhere the geometric check can read it again, and returns its
// path: (photo index among the bytes, the bytes, a file extension for the format).
using PhotoSink = std::function<std::string(std::size_t, std::span<const std::uint8_t>, std::string_view)>;

std::string_view extension_of(ImageFormat f) {
  switch (f) {
    case ImageFormat::kJpeg: return "jpg";
    case ImageFormat::kPng: return "png";
    case ImageFormat::kWebp: return "webp";
    case ImageFormat::kBmp: return "bmp";
    case ImageFormat::kTiff: return "tif";
    case ImageFormat::kPnm: return "pnm";
    case ImageFormat::kUnknown: break;
  }
  return "img";
}

// EXIF, PDQ and its dihedral variants of one photo's bytes into `p`; returns the decoded pixels.
// Throws Error when the bytes do not decode.
Image hash_photo(std::span<const std::uint8_t> bytes, const std::string& what, PhotoFeatures& p) {
  try {
    p.exif = read_photo_exif(bytes);
  } catch (const Error&) {
  }
  Image image = decode_image_bytes(bytes, what);
  const PdqDihedralHashes d = pdq_hash_dihedral(image.view());
  p.pdq = d.hashes[static_cast<int>(Dihedral::kOriginal)];
  p.dihedral = d.hashes;
  p.quality = d.quality;
  return image;
}

// compute_features; with `prepared`, each photo's bytes (and its pixels when ORB would decode it
// at full size anyway) are kept, moved, not copied, for the geometric check of the report being
// submitted (detail::OrbCache::Prepared). `orb` tells which. Photos given as bytes follow the
// paths, in order; with `sink` the ones that decode are written out through it (their paths are
// appended to `stored_paths`), without it they keep an empty path (hashes only).
ReportFeatures features_of(const Report& report, std::vector<detail::PreparedPhoto>* prepared,
                           const GeometricOptions& orb = {}, const PhotoSink* sink = nullptr,
                           std::vector<std::string>* stored_paths = nullptr) {
  ReportFeatures f;
  auto keep = [&](const std::string& path, std::vector<std::uint8_t> bytes, Image image) {
    // A large JPEG's full-size pixels go now, as compute_features lets them go: ORB decodes it
    // again at reduced scale from the bytes.
    if (!detail::orb_decode_is_full_size(probe_image(bytes, path), orb)) image = Image();
    prepared->push_back({path, std::move(bytes), std::move(image)});
  };
  for (const auto& path : report.photos) {
    PhotoFeatures p;
    p.path = path;
    p.quality = 0;
    // Judging, not parsing: an unreadable or undecodable photo is kept by path only (no hash, no
    // EXIF) and the verdict still comes, with the reason why (IMG_UNREADABLE).
    try {
      std::vector<std::uint8_t> bytes = read_file_bytes(path, DecodeOptions{}.max_input_bytes);
      Image image = hash_photo(bytes, path, p);
      if (prepared) keep(path, std::move(bytes), std::move(image));
    } catch (const Error& e) {
      p.error = e.what();
    }
    f.photos.push_back(std::move(p));
  }
  for (std::size_t i = 0; i < report.photo_bytes.size(); ++i) {
    const PhotoBytes& given = report.photo_bytes[i];
    const std::string what = "photo bytes " + (given.name.empty() ? "#" + std::to_string(i + 1) : "'" + given.name + "'") +
                             " of report '" + report.id + "'";
    PhotoFeatures p;
    p.quality = 0;
    Image image;
    ImageFormat format = ImageFormat::kUnknown;
    try {
      const std::uint64_t limit = DecodeOptions{}.max_input_bytes;
      if (given.data.size() > limit) {
        throw Error(ErrorCode::kLimitExceeded, what + ": " + std::to_string(given.data.size()) + " bytes, above the limit of " +
                                                   std::to_string(limit));
      }
      image = hash_photo(given.data, what, p);
      format = probe_image(given.data, what).format;
    } catch (const Error& e) {
      p.error = e.what();
    }
    // Only photos that decode are stored: nothing could compare the others later. A store that
    // cannot write fails the submit (kIo), like a journal that cannot.
    if (sink && p.error.empty()) {
      p.path = (*sink)(i, given.data, extension_of(format));
      stored_paths->push_back(p.path);
      // A copy: the report is the caller's.
      if (prepared) keep(p.path, given.data, std::move(image));
    }
    f.photos.push_back(std::move(p));
  }
  return f;
}

// The report without its photo bytes (they are in the photo store by then): what is journaled.
// A whole copy, so a field added to Report later cannot be left out of the journal; the bytes'
// copy costs far less than decoding them.
Report without_photo_bytes(const Report& r) {
  Report out = r;
  out.photo_bytes.clear();
  out.photo_bytes.shrink_to_fit();
  return out;
}
}  // namespace

ReportFeatures compute_features(const Report& report) { return features_of(report, nullptr); }

struct Filter::Impl {
  FilterOptions options;
  std::unique_ptr<AreaSet> areas;  // the configured areas; null: the bundled DKI Jakarta set
  std::string dir;
  // Guards state and journal appends: evaluations share it, commits take it alone
  // (handoff_lock.hpp: writer preference, spin before sleep).
  mutable detail::HandoffLock mu;
  std::shared_lock<detail::HandoffLock> read_lock() const { return std::shared_lock<detail::HandoffLock>(mu); }
  std::unique_lock<detail::HandoffLock> write_lock() { return std::unique_lock<detail::HandoffLock>(mu); }
  detail::State state;
  detail::JournalFile journal;
  std::uint64_t records_since_snapshot = 0;
  std::uint64_t reevaluated = 0;
  // Submits between entry and return. An evaluation records its context reads only when another
  // submit is in flight; a lone submit that finds commits since (feedback, or a submit that came
  // later) judges again instead, so single-threaded use pays nothing for the check.
  std::atomic<int> submitting{0};
  // What the latest commits changed (under `mu`): the footprints of commits footprints_from ..
  // footprints_from + footprint_count - 1, commit `seq`'s at footprints[seq % kFootprints] (a ring
  // whose vectors keep their capacity, so recording a commit allocates nothing once they have grown).
  // A submit whose evaluation is older than the oldest kept
  // judges again.
  static constexpr std::size_t kFootprints = 256;
  std::vector<detail::Footprint> footprints = std::vector<detail::Footprint>(kFootprints);
  std::uint64_t footprints_from = 1;
  std::size_t footprint_count = 0;
  mutable detail::OrbCache orb;
  // The spam rules' options with the configured word lists (state.spam_score points here).
  std::shared_ptr<const SpamScoreOptions> spam_score;
  // Photos given as bytes: <state>/photos, or a private temporary directory when in memory.
  std::unique_ptr<detail::PhotoStore> store;
  std::unique_ptr<GeotagChecker> geo;
  // Group commit: appended_seq is what the journal holds, synced_seq what is on disk.
  std::mutex sync_mu;
  std::atomic<std::uint64_t> appended_seq{0};
  std::uint64_t synced_seq = 0;

  bool persistent() const { return !dir.empty(); }

  void load() {
    std::uint64_t covered = 0;
    const std::string snap_path = dir + "/snapshot.bin";
    detail::JournalContents contents = journal.open(dir);
    if (detail::file_exists(snap_path)) {
      std::uint32_t version = 0;
      auto [seq, payload] = detail::parse_snapshot(detail::read_file_bytes(snap_path), snap_path, &version);
      std::unique_ptr<SpamModel> configured = std::move(state.spam_model);
      state = detail::decode_state(payload, options, snap_path, version, spam_score->lexicons);
      if (!state.spam_model) state.spam_model = std::move(configured);
      if (state.seq != seq) throw Error(ErrorCode::kCorrupt, snap_path + ": header and state disagree on the sequence number");
      covered = seq;
    }
    if (contents.base_seq > covered) {
      throw Error(ErrorCode::kCorrupt, dir + "/journal.log starts after record " + std::to_string(contents.base_seq) +
                                           " but the snapshot covers only " + std::to_string(covered) + " (missing snapshot?)");
    }
    const std::string jpath = dir + "/journal.log";
    for (std::size_t i = 0; i < contents.records.size(); ++i) {
      const std::uint64_t seq = contents.base_seq + i + 1;
      if (seq <= covered) continue;  // the snapshot already has it (crash between snapshot and journal restart)
      detail::apply_record(state, options, contents.records[i], jpath + " record " + std::to_string(i + 1));
      ++records_since_snapshot;
    }
    appended_seq = state.seq;
    synced_seq = state.seq;
    adopt_stored_photos();
  }

  // After a load: the state points at the filter's spam options again; the retained reports'
  // stored photos are looked up in this store directory (the state directory may have moved
  // since they were journaled), and the store keeps only those.
  void adopt_stored_photos() {
    state.photo_store = store.get();
    state.spam_score = spam_score;
    state.released_photos.clear();  // the sweep below deletes them
    const std::string sdir = store->dir();
    std::unordered_set<std::string> keep;
    for (std::uint64_t slot = state.shrink_slot; slot < state.next_slot; ++slot) {
      detail::Retained& r = state.at(slot);
      const std::string prefix = detail::photo_store_name_prefix(r.id);
      for (auto& p : r.photos) {
        if (p.path.empty()) continue;
        const std::string name = std::filesystem::path(p.path).filename().string();
        if (name.compare(0, prefix.size(), prefix) != 0) continue;
        p.path = sdir + "/" + name;
        keep.insert(p.path);
      }
    }
    store->sweep(keep);
  }

  // The verdict already given to `id`, made durable first (it may have been committed by another
  // thread that has not synced yet); none when the id is not held.
  std::optional<Verdict> held_verdict(const std::string& id) {
    auto lock = read_lock();
    const auto* held = state.find(id);
    if (!held) return std::nullopt;
    Verdict v = detail::decode_verdict(held->verdict, held->id);
    const std::uint64_t seq = state.seq;
    lock.unlock();
    after_commit(seq);
    return v;
  }

  // Deletes the photo files of reports that left the duplicate retention in the commit just
  // applied (called with the writer lock held; the files go after it is released).
  std::vector<std::string> take_released_locked() {
    std::vector<std::string> out;
    out.swap(state.released_photos);
    return out;
  }
  void remove_photos(const std::vector<std::string>& paths) {
    for (const auto& p : paths) store->remove(p);
  }

  // Writes photo `index` of `report`'s bytes to the store (durably when verdicts must be).
  std::string store_photo(const Report& report, std::size_t index, std::span<const std::uint8_t> bytes,
                          std::string_view extension) {
    return store->put(report.id, index, bytes, extension, persistent() && options.journal.sync == "always");
  }

  void write_snapshot_locked() {
    if (!persistent()) return;
    detail::write_file_atomic(dir, "snapshot.bin", detail::encode_snapshot(state.seq, detail::encode_state(state)));
    std::lock_guard lock(sync_mu);
    journal.restart(state.seq);
    synced_seq = state.seq;
    records_since_snapshot = 0;
  }

  // Called with `mu` held exclusively, before the record is applied: a failed write leaves the
  // state untouched, so memory never holds what the journal lacks.
  void append_locked(const std::string& payload) {
    if (!persistent()) return;
    journal.append(payload);
    appended_seq = state.seq + 1;
    ++records_since_snapshot;
  }

  void after_commit(std::uint64_t my_seq) {
    if (!persistent() || options.journal.sync != "always") return;
    std::lock_guard lock(sync_mu);
    if (synced_seq >= my_seq) return;  // another submitter's fdatasync covered this record
    const std::uint64_t target = appended_seq.load();
    journal.sync();
    synced_seq = target;
  }

  // The footprint of the commit about to be applied (state.seq + 1), emptied; the oldest kept one
  // is dropped first when the ring is full, so a commit that fails leaves the others intact.
  detail::Footprint& next_footprint_locked() {
    if (footprint_count == kFootprints) {
      ++footprints_from;
      --footprint_count;
    }
    detail::Footprint& f = footprints[(state.seq + 1) % kFootprints];
    f.everything = false;
    f.cells.clear();
    f.photos.clear();
    f.incidents.clear();
    return f;
  }
  // Counts the footprint filled for the commit just applied (state.seq).
  void record_footprint_locked() {
    if (footprint_count == 0) footprints_from = state.seq;
    ++footprint_count;
  }

  // Whether the verdict evaluated at seen_seq may differ from one evaluated now: some commit
  // since then changed what that evaluation read (or is no longer on record).
  bool stale_locked(std::uint64_t seen_seq, const Report& report, const ReportFeatures& features,
                    const Verdict& verdict, const std::optional<detail::ContextReads>& reads) const {
    if (state.seq == seen_seq) return false;
    if (!reads || footprint_count == 0 || seen_seq + 1 < footprints_from ||
        state.seq != footprints_from + footprint_count - 1) {
      return true;
    }
    for (std::uint64_t q = seen_seq + 1; q <= state.seq; ++q) {
      if (detail::may_affect(footprints[q % kFootprints], options, report, features, verdict)) return true;
    }
    return !(detail::read_context(state, options, report) == *reads);
  }

  void maybe_snapshot_locked() {
    if (persistent() && options.journal.snapshot_every > 0 &&
        records_since_snapshot >= static_cast<std::uint64_t>(options.journal.snapshot_every)) {
      write_snapshot_locked();
    }
  }
};

namespace {
void check_report(const Report& r) {
  if (r.id.empty()) throw Error(ErrorCode::kInvalidArgument, "report id must not be empty");
  // Out-of-range coordinates are judged (reject, GEO_INVALID_COORDINATES); NaN cannot be judged.
  if (!std::isfinite(r.lat) || !std::isfinite(r.lon)) {
    throw Error(ErrorCode::kInvalidArgument, "report '" + r.id + "' has non-finite coordinates");
  }
}
}  // namespace

Filter::Filter(FilterOptions options, const std::string& state_dir) : impl_(std::make_unique<Impl>()) {
  options.validate();
  impl_->options = std::move(options);
  if (impl_->options.geotag.enabled) impl_->areas = load_geotag_areas(impl_->options.geotag);
  impl_->geo = std::make_unique<GeotagChecker>(detail::make_geotag_checker(impl_->options, impl_->areas.get()));
  impl_->state.geo_history = detail::make_geo_history(impl_->options);
  // The configured word lists, then the model trained with them; a snapshot (which holds the model
  // as feedback updated it) replaces the model.
  {
    auto score = std::make_shared<SpamScoreOptions>();
    if (!impl_->options.spam.lexicons.empty()) score->lexicons = SpamLexicons::load_dir(impl_->options.spam.lexicons);
    impl_->spam_score = std::move(score);
  }
  impl_->state.spam_score = impl_->spam_score;
  if (!impl_->options.spam.model.empty()) {
    impl_->state.spam_model =
        std::make_unique<SpamModel>(SpamModel::load(impl_->options.spam.model, impl_->spam_score->lexicons));
  }
  impl_->dir = state_dir;
  // Absolute, so the paths journaled for stored photos do not depend on the working directory.
  impl_->store = std::make_unique<detail::PhotoStore>(
      state_dir.empty() ? std::string() : std::filesystem::absolute(state_dir).lexically_normal().string() + "/photos");
  impl_->state.photo_store = impl_->store.get();
  if (impl_->persistent()) impl_->load();
}

Filter::~Filter() {
  if (impl_ && impl_->persistent()) {
    try {
      std::lock_guard lock(impl_->sync_mu);
      impl_->journal.sync();
    } catch (...) {
      // A destructor must not throw; verdicts returned under sync=always are already durable.
    }
  }
}

Verdict Filter::submit(const Report& report) {
  check_report(report);
  // A replayed id gets its verdict without its photos being read, hashed or stored again.
  if (!report.photos.empty() || !report.photo_bytes.empty()) {
    if (auto held = impl_->held_verdict(report.id)) return *held;
  }
  // Hashing's decoded photos stay at hand for this submit's geometric checks: the new report's
  // ORB features then need no second read or decode (the ORB work itself is still this call's).
  std::vector<detail::PreparedPhoto> prepared;
  GeometricOptions orb;
  orb.max_side = impl_->options.duplicate.geometric_max_side;
  std::vector<detail::PreparedPhoto>* keep = impl_->options.duplicate.geometric_check ? &prepared : nullptr;
  if (report.photo_bytes.empty()) {
    const ReportFeatures features = features_of(report, keep, orb);
    const detail::OrbCache::Prepared scope(&prepared);
    return submit(report, features);
  }
  // Photos given as bytes go to the photo store; the report is journaled with their paths.
  Report stored = without_photo_bytes(report);
  const PhotoSink sink = [&](std::size_t i, std::span<const std::uint8_t> bytes, std::string_view ext) {
    return impl_->store_photo(report, i, bytes, ext);
  };
  const ReportFeatures features = features_of(report, keep, orb, &sink, &stored.photos);
  const detail::OrbCache::Prepared scope(&prepared);
  return submit(stored, features);
}

Verdict Filter::submit(const Report& report, const ReportFeatures& features) {
  check_report(report);
  Impl& m = *impl_;
  if (!report.photo_bytes.empty()) {
    // Features from compute_features(report): the paths' photos, then the bytes' photos.
    const std::size_t paths = report.photos.size();
    if (features.photos.size() != paths + report.photo_bytes.size()) {
      throw Error(ErrorCode::kInvalidArgument,
                  "report '" + report.id + "' has " + std::to_string(paths) + " photo paths and " +
                      std::to_string(report.photo_bytes.size()) + " photos as bytes, but its features hold " +
                      std::to_string(features.photos.size()) + " photos (compute_features gives paths, then bytes)");
    }
    if (auto held = m.held_verdict(report.id)) return *held;
    Report stored = without_photo_bytes(report);
    ReportFeatures with_paths = features;
    for (std::size_t i = 0; i < report.photo_bytes.size(); ++i) {
      PhotoFeatures& p = with_paths.photos[paths + i];
      const auto& data = report.photo_bytes[i].data;
      if (!p.error.empty() || !p.path.empty() || data.empty()) continue;
      ImageFormat format = ImageFormat::kUnknown;
      try {
        format = probe_image(data, report.id).format;
      } catch (const Error&) {
      }
      p.path = m.store_photo(report, i, data, extension_of(format));
      stored.photos.push_back(p.path);
    }
    return submit(stored, with_paths);
  }
  Verdict verdict;
  std::uint64_t seen_seq;
  std::optional<detail::ContextReads> reads;
  m.submitting.fetch_add(1, std::memory_order_relaxed);
  struct Leave {
    std::atomic<int>& n;
    ~Leave() { n.fetch_sub(1, std::memory_order_relaxed); }
  } leave{m.submitting};
  std::vector<std::uint32_t> shingles;  // text_shingles(report.text), moved into `prepared` below
  {
    auto lock = m.read_lock();
    // The id table's slot is a cache miss at a large window: started first, it arrives while the
    // shingles are computed.
    m.state.by_id.prefetch(detail::HashedSlots::hash(report.id));
    shingles = text_shingles(report.text);
    if (const auto* held = m.state.find(report.id)) {
      // Held, but perhaps committed by another thread that has not synced yet: make it durable
      // before handing the verdict out.
      Verdict v = detail::decode_verdict(held->verdict, held->id);
      const std::uint64_t seq = m.state.seq;
      lock.unlock();
      m.after_commit(seq);
      return v;
    }
    seen_seq = m.state.seq;
    verdict = detail::evaluate(m.state, m.options, *m.geo, report, features, m.orb, &shingles);
    if (m.submitting.load(std::memory_order_relaxed) > 1) reads = detail::read_context(m.state, m.options, report);
  }
  // What the commit stores (and journals) is built here, outside both locks: the commit's writer
  // lock stops every evaluation, so it should hold no work that the verdict alone determines.
  detail::Retained prepared = detail::retained_of(report, features, verdict, &shingles);
  std::string record = m.persistent() ? detail::encode_submit(report, features, verdict_to_json(verdict)) : std::string();
  std::uint64_t my_seq;
  std::vector<std::string> released;
  {
    auto lock = m.write_lock();
    if (const auto* held = m.state.find(report.id)) {
      // A concurrent submit of the same id won; it is committed already (maybe not yet synced).
      const Verdict v = detail::decode_verdict(held->verdict, held->id);
      const std::uint64_t seq = m.state.seq;
      lock.unlock();
      m.after_commit(seq);
      return v;
    }
    // Commits since the evaluation that changed nothing it read leave its verdict as it is;
    // otherwise judge again against the state this commit follows.
    if (m.stale_locked(seen_seq, report, features, verdict, reads)) {
      verdict = detail::evaluate(m.state, m.options, *m.geo, report, features, m.orb, &prepared.shingles);
      ++m.reevaluated;
      detail::set_retained_verdict(prepared, verdict);
      if (m.persistent()) record = detail::encode_submit(report, features, verdict_to_json(verdict));
    }
    if (m.persistent()) m.append_locked(record);
    detail::apply_submit(m.state, m.options, report, features, verdict, &m.next_footprint_locked(), &prepared);
    m.record_footprint_locked();
    my_seq = m.state.seq;
    released = m.take_released_locked();
    m.maybe_snapshot_locked();
  }
  m.remove_photos(released);
  m.after_commit(my_seq);
  return verdict;
}

Verdict Filter::evaluate(const Report& report, const ReportFeatures& features) const {
  check_report(report);
  auto lock = impl_->read_lock();
  return detail::evaluate(impl_->state, impl_->options, *impl_->geo, report, features, impl_->orb);
}

std::optional<Verdict> Filter::verdict_of(const std::string& report_id) const {
  auto lock = impl_->read_lock();
  if (const auto* held = impl_->state.find(report_id)) return detail::decode_verdict(held->verdict, held->id);
  return std::nullopt;
}

void Filter::feedback(const Feedback& f) {
  Impl& m = *impl_;
  std::uint64_t my_seq;
  {
    auto lock = m.write_lock();
    // Refuse unknown ids before anything is journaled.
    if (!m.state.find(f.report_id)) throw Error(ErrorCode::kNotFound, "feedback names unknown report '" + f.report_id + "'");
    if (f.action == FeedbackAction::kMarkDuplicate) {
      if (!m.state.find(f.other_id)) throw Error(ErrorCode::kNotFound, "feedback names unknown report '" + f.other_id + "'");
      if (f.other_id == f.report_id) throw Error(ErrorCode::kInvalidArgument, "a report cannot duplicate itself ('" + f.report_id + "')");
    }
    m.append_locked(m.persistent() ? detail::encode_feedback(f) : std::string());
    m.next_footprint_locked().everything = true;  // before the commit: it is commit state.seq + 1's
    detail::apply_feedback(m.state, f, m.options.spam.learning_rate);
    m.record_footprint_locked();
    my_seq = m.state.seq;
    m.maybe_snapshot_locked();
  }
  m.after_commit(my_seq);
}

std::optional<ReporterReputation> Filter::reporter(const std::string& reporter_id) const {
  auto lock = impl_->read_lock();
  const detail::ReporterRecord* found = impl_->state.reporters.find(reporter_id);
  if (!found) return std::nullopt;
  return found->counts;
}

std::vector<std::string> Filter::incident_members(const std::string& report_id) const {
  auto lock = impl_->read_lock();
  const auto* r = impl_->state.find(report_id);
  std::vector<std::string> out;
  if (!r || r->incident.empty()) return out;
  const auto it = impl_->state.incidents.find(r->incident);
  if (it == impl_->state.incidents.end()) return out;
  std::vector<const detail::Retained*> members;
  for (auto slot : it->second) members.push_back(&impl_->state.at(slot));
  std::stable_sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->time.unix < b->time.unix; });
  for (auto* x : members) out.push_back(x->id);
  return out;
}

void Filter::sync() {
  Impl& m = *impl_;
  if (!m.persistent()) return;
  m.store->sync();  // stored photos before the records that name them
  std::lock_guard lock(m.sync_mu);
  const std::uint64_t target = m.appended_seq.load();
  if (m.synced_seq >= target) return;
  m.journal.sync();
  m.synced_seq = target;
}

void Filter::snapshot() {
  auto lock = impl_->write_lock();
  impl_->write_snapshot_locked();
}

FilterStats Filter::stats() const {
  auto lock = impl_->read_lock();
  const auto& s = impl_->state;
  FilterStats st;
  st.retained_reports = s.reports.size();
  st.duplicate_candidates = s.next_slot - s.shrink_slot;
  st.incidents = s.incidents.size();
  st.reporters = s.reporters.size();
  st.photos = s.photos.size();
  st.journal_records = impl_->records_since_snapshot;
  st.committed = s.seq;
  st.reevaluated = impl_->reevaluated;
  st.orb_extractions = impl_->orb.extractions();
  st.geometric_matches = impl_->orb.matches();
  st.stored_photos = impl_->store->files();
  st.stored_photo_bytes = impl_->store->bytes();
  // Containers plus each report's own heap; hash-map nodes counted at their typical size.
  std::uint64_t bytes = 0;
  for (const auto& r : s.reports) bytes += r.memory_bytes();
  bytes += s.by_id.memory_bytes();
  bytes += s.grid.memory_bytes();
  s.grid.for_each([&](std::uint64_t, const detail::Cell& cell) { bytes += cell.memory_bytes(); });
  bytes += s.photos.memory_bytes();
  for (const auto& [k, v] : s.incidents) bytes += 64 + k.capacity() + v.capacity() * 8;
  bytes += s.reporters.memory_bytes();
  bytes += s.geo_history.memory_bytes();  // last positions and shared coordinates (geotag checks)
  st.memory_bytes = bytes;
  return st;
}

const FilterOptions& Filter::options() const { return impl_->options; }

}  // namespace saring
