// The filter's in-memory state and the pure steps on it (private). evaluate() reads, apply_*()
// writes; the journal replays through the same apply_*() so a restart reproduces the state.
#pragma once

#include <atomic>
#include <algorithm>
#include <cstdint>
#include <deque>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/flat_hash_table.hpp"
#include "core/hash_mix.hpp"
#include "orb_cache.hpp"
#include "photo_store.hpp"
#include "saring/filter/filter.hpp"
#include "saring/filter/similarity.hpp"
#include "saring/geo/geotag.hpp"
#include "saring/index/hamming_index.hpp"
#include "saring/spam/model.hpp"
#include "saring/spam/reporter_state.hpp"

namespace saring::detail {

enum RetainedFlags : std::uint8_t {
  kFlagSpam = 1,
  kFlagFakeLocation = 2,
  kFlagConfirmed = 4,
  kFlagShrunk = 8,  // past the duplicate retention: only photo hashes, place, time, verdict kept
  kFlagGeoCommitted = 16,  // its position went into the geotag history (travel checks)
};

// What is kept of a photo: its path (for the geometric check) and its PDQ hash.
struct StoredPhoto {
  std::string path;
  Hash256 pdq;
  bool has_pdq = false;
  std::uint8_t quality = 0;
  bool trusted() const { return has_pdq && quality >= 50; }
};

struct Retained {
  std::string id;
  std::string reporter;
  std::string category;
  Timestamp time;
  double lat = 0, lon = 0;
  std::uint8_t decision = 0;
  std::uint8_t flags = 0;
  std::string incident;      // incident key; empty when in none (rejected, spam)
  // What submit returned (encode_verdict), for idempotent replays: one allocation, no JSON
  // dump per submit; verdict_to_json of the decoded verdict is the JSON first returned.
  std::string verdict;
  std::string text;          // for moderator feedback into the spam model; dropped when shrunk
  std::vector<std::uint32_t> shingles;
  std::vector<StoredPhoto> photos;
  std::size_t memory_bytes() const;
};

// A double-ended queue of T in blocks of kBlock elements (push at the back, pop at the front,
// index in between). For the retained reports: std::deque's blocks are 512 bytes, which holds one
// Retained, so each submit cost an allocation and about 45% of each block went unused. Elements
// are default-constructed a block at a time and never move; a popped element is reset to T{} (its
// heap memory freed) and its block freed once all of it is popped.
template <class T, std::size_t kBlock = 256>
class BlockDeque {
 public:
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](std::size_t i) {
    const std::size_t j = head_ + i;
    return blocks_[j / kBlock][j % kBlock];
  }
  const T& operator[](std::size_t i) const {
    const std::size_t j = head_ + i;
    return blocks_[j / kBlock][j % kBlock];
  }
  T& front() { return (*this)[0]; }
  const T& front() const { return (*this)[0]; }
  T& back() { return (*this)[size_ - 1]; }
  const T& back() const { return (*this)[size_ - 1]; }
  T& emplace_back() {
    if ((head_ + size_) % kBlock == 0) blocks_.push_back(std::make_unique<T[]>(kBlock));
    ++size_;
    return back();
  }
  void push_back(T&& v) { emplace_back() = std::move(v); }
  void pop_front() {
    front() = T{};
    --size_;
    if (++head_ == kBlock || size_ == 0) {
      blocks_.pop_front();
      head_ = 0;
      if (size_ == 0) blocks_.clear();
    }
  }
  template <class Self, class V>
  class Iter {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = V*;
    using reference = V&;
    Iter(Self* d, std::size_t i) : d_(d), i_(i) {}
    V& operator*() const { return (*d_)[i_]; }
    V* operator->() const { return &(*d_)[i_]; }
    Iter& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const Iter& o) const { return i_ == o.i_; }

   private:
    Self* d_;
    std::size_t i_;
  };
  using const_iterator = Iter<const BlockDeque, const T>;
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

 private:
  std::deque<std::unique_ptr<T[]>> blocks_;
  std::size_t head_ = 0;  // index of the front element in blocks_.front()
  std::size_t size_ = 0;
};

struct CellEntry {
  std::uint64_t slot;
  std::int64_t time;
  double lat, lon;
  std::uint32_t category;  // State::category_ids
};

// One grid cell: its entries in slot order and, per block of kBlock entries, the range of their
// report times, so a query skips whole blocks outside its window (most of a cell's 30 days)
// while still visiting the rest in slot order.
struct Cell {
  static constexpr std::size_t kBlock = 32;
  std::vector<CellEntry> entries;
  std::vector<std::pair<std::int64_t, std::int64_t>> blocks;  // (min, max) time per block
  void push_back(const CellEntry& e) {
    entries.push_back(e);
    add_to_blocks(entries.size() - 1);
  }
  // After entries were inserted in the middle or erased. In place: the same blocks push_back
  // would have built, without a fresh entry array.
  void rebuild() {
    blocks.clear();
    for (std::size_t i = 0; i < entries.size(); ++i) add_to_blocks(i);
  }
  std::size_t memory_bytes() const { return entries.capacity() * sizeof(CellEntry) + blocks.capacity() * 16; }

 private:
  // Folds entry i, the next one in order, into its block's time range.
  void add_to_blocks(std::size_t i) {
    const std::int64_t t = entries[i].time;
    if (i % kBlock == 0) {
      blocks.emplace_back(t, t);
    } else {
      blocks.back().first = std::min(blocks.back().first, t);
      blocks.back().second = std::max(blocks.back().second, t);
    }
  }
};

// Grid cells by key in an open-addressing table (linear probing, backward-shift deletion): a
// query's 9 cell lookups are one probe each into a flat array, instead of a bucket and a node of
// a std::unordered_map (two cache misses each). References are invalidated by insertion and erasure.
class CellMap {
 public:
  const Cell* find(std::uint64_t key) const {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = home(key);; i = (i + 1) & mask()) {
      if (slots_[i].key == key) return &slots_[i].cell;
      if (slots_[i].key == kEmpty) return nullptr;
    }
  }
  Cell* find(std::uint64_t key) { return const_cast<Cell*>(std::as_const(*this).find(key)); }
  Cell& operator[](std::uint64_t key) {  // the cell, inserted empty when absent
    if ((size_ + 1) * 2 > slots_.size()) grow();
    std::size_t i = home(key);
    for (; slots_[i].key != kEmpty; i = (i + 1) & mask()) {
      if (slots_[i].key == key) return slots_[i].cell;
    }
    slots_[i].key = key;
    ++size_;
    return slots_[i].cell;
  }
  void erase(std::uint64_t key) {
    if (slots_.empty()) return;
    std::size_t i = home(key);
    for (;; i = (i + 1) & mask()) {
      if (slots_[i].key == kEmpty) return;
      if (slots_[i].key == key) break;
    }
    // Backward shift: move later entries of the probe run into the hole unless their home lies
    // cyclically after the hole (then they are already reachable).
    for (std::size_t j = (i + 1) & mask(); slots_[j].key != kEmpty; j = (j + 1) & mask()) {
      const std::size_t k = home(slots_[j].key);
      const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (stays) continue;
      slots_[i] = std::move(slots_[j]);
      i = j;
    }
    slots_[i].key = kEmpty;
    slots_[i].cell = Cell{};
    --size_;
  }
  template <class F>
  void for_each(F f) const {
    for (const auto& slot : slots_) {
      if (slot.key != kEmpty) f(slot.key, slot.cell);
    }
  }
  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};  // grid_cell never gives it
  struct Slot {
    std::uint64_t key = kEmpty;
    Cell cell;
  };
  std::size_t mask() const { return slots_.size() - 1; }
  std::size_t home(std::uint64_t key) const {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 32) & mask();
  }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.clear();
    slots_.resize(old.empty() ? 64 : old.size() * 2);
    for (auto& slot : old) {
      if (slot.key == kEmpty) continue;
      std::size_t i = home(slot.key);
      while (slots_[i].key != kEmpty) i = (i + 1) & mask();
      slots_[i] = std::move(slot);
    }
  }
  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

// A string key's 64-bit hash -> a 64-bit value, over the shared FlatHashTable: only the hash is
// stored, and the caller confirms a hash match against its own copy of the key (`same(value)`), so
// looking up an absent key reads one line of the table and nothing else, where a
// std::unordered_map reads a bucket and then a node (two cache misses at a million entries).
class HashedSlots {
 public:
  static std::uint64_t hash(std::string_view key) { return hash_string(key); }
  // The value of the entry with hash `h` for which same(value) holds; nullopt when none.
  template <class Same>
  std::optional<std::uint64_t> find(std::uint64_t h, Same&& same) const {
    return wrap(table_.find(h, same));
  }
  // Adds an entry; the caller has checked that its key is absent.
  void insert(std::uint64_t h, std::uint64_t value) { table_.insert(h, value); }
  // Removes the entry with this hash and value (values are unique per key); false when absent.
  bool erase(std::uint64_t h, std::uint64_t value) { return table_.erase(h, value); }
  // Prefetches the first slot a lookup of `h` reads.
  void prefetch(std::uint64_t h) const { table_.prefetch(h); }
  // The value of the first entry with hash `h` without confirming its key (for prefetching what
  // the entry points at); nullopt when none. Probes in the table only.
  std::optional<std::uint64_t> peek(std::uint64_t h) const { return wrap(table_.peek(h)); }
  std::size_t size() const { return table_.size(); }
  std::size_t memory_bytes() const { return table_.memory_bytes(); }

 private:
  using Table = detail::FlatHashTable<std::uint64_t, std::uint64_t>;
  static std::optional<std::uint64_t> wrap(std::uint64_t v) {
    return v == Table::kNoValue ? std::nullopt : std::optional<std::uint64_t>(v);
  }
  Table table_;
};

struct ReporterRecord {
  ReporterReputation counts;
};

// Reporters by id: records in insertion order (a deque: references stay valid as it grows; the
// filter never forgets a reporter) and a HashedSlots index into them.
class ReporterTable {
 public:
  using Entry = std::pair<std::string, ReporterRecord>;
  const ReporterRecord* find(std::string_view id) const {
    const auto at = index_.find(HashedSlots::hash(id), [&](std::uint64_t k) { return records_[k].first == id; });
    return at ? &records_[*at].second : nullptr;
  }
  ReporterRecord* find(std::string_view id) { return const_cast<ReporterRecord*>(std::as_const(*this).find(id)); }
  // The record, added with zero counts when absent.
  ReporterRecord& operator[](std::string_view id) {
    const std::uint64_t h = HashedSlots::hash(id);
    if (const auto at = index_.find(h, [&](std::uint64_t k) { return records_[k].first == id; })) return records_[*at].second;
    index_.insert(h, records_.size());
    records_.emplace_back(std::string(id), ReporterRecord{});
    return records_.back().second;
  }
  // Adds a record unless one is held under `id` already (then the held one stays).
  void emplace(std::string id, const ReporterRecord& record) {
    ReporterRecord* held = find(id);
    if (!held) (*this)[id] = record;
  }
  // Two steps of a lookup ahead of time, each once the previous one's line has had time to
  // arrive: the table slot, then the record it points at.
  void prefetch_slot(std::uint64_t h) const { index_.prefetch(h); }
  void prefetch_record(std::uint64_t h) const {
    if (const auto at = index_.peek(h)) __builtin_prefetch(&records_[*at]);
  }
  std::size_t size() const { return records_.size(); }
  std::deque<Entry>::const_iterator begin() const { return records_.begin(); }
  std::deque<Entry>::const_iterator end() const { return records_.end(); }
  std::size_t memory_bytes() const {
    std::size_t n = index_.memory_bytes() + records_.size() * sizeof(Entry);
    for (const auto& e : records_) n += e.first.capacity() > 15 ? e.first.capacity() + 1 : 0;
    return n;
  }

 private:
  HashedSlots index_;
  std::deque<Entry> records_;
};

constexpr int kPhotoIndexMergeRatio = 16;

struct State {
  BlockDeque<Retained> reports;  // slots first_slot .. next_slot-1, in commit order
  std::uint64_t first_slot = 0;
  std::uint64_t next_slot = 0;
  std::uint64_t shrink_slot = 0;  // slots below this are shrunk
  std::uint64_t seq = 0;          // journal sequence number of the last applied record
  std::int64_t now = INT64_MIN;   // latest report time seen (retention is measured from it)
  // Report id -> slot (the id itself is the retained report's).
  HashedSlots by_id;
  // Per cell: what the candidate loop filters on, in slot order. Time, place and category sit
  // next to the slot so the loop rejects reports outside the window, the radius or the related
  // categories without loading them (a cache miss each: ~700 entries per query at a 1M window).
  CellMap grid;
  // Categories interned to small ids for the cell entries (never shrinks; ids are in-memory only).
  std::unordered_map<std::string, std::uint32_t> category_ids;
  // PDQ hashes of retained photos, keyed "<slot>/<photo index>" (the index module: MIH + SIMD scan).
  // Merge ratio 16 instead of the index's default 1: at most 2 segments instead of up to
  // log2(n / 16384), so the radius-20 reuse query (which probes ~150 key ranges per segment)
  // costs about half, for ~10 more row rebuilds per insert (a few us against tens saved).
  PdqIndex photos{HammingIndexOptions{IndexStrategy::kAuto, kPhotoIndexMergeRatio}};
  // Last positions per reporter and reporters per coordinate (the geo module's travel and
  // shared-coordinate checks). Rebuilt from the retained reports on reload (kFlagGeoCommitted).
  GeoHistory geo_history;
  // The spam module's model (when configured; updated by feedback) and per-reporter activity
  // (flood window, moderation tally) for its context rules.
  std::unique_ptr<SpamModel> spam_model;
  saring::ReporterState spam_reporters;
  // Incident key -> member slots (ascending). Hashed, not ordered: at a million retained reports
  // every accepted report adds one, and a tree insert walked ~20 nodes (cache misses) for it; the
  // snapshot sorts the keys instead.
  std::unordered_map<std::string, std::vector<std::uint64_t>> incidents;
  ReporterTable reporters;
  // The filter's photo store (photos given as bytes; not state of its own: set by the filter
  // after every load). A report that leaves the duplicate retention hands its stored photos'
  // paths to `released_photos`, for the filter to delete once the commit is done.
  const PhotoStore* photo_store = nullptr;
  // The spam rules' options with the configured word lists (spam.lexicons); set like photo_store.
  std::shared_ptr<const SpamScoreOptions> spam_score;
  std::vector<std::string> released_photos;

  std::optional<std::uint64_t> slot_of(std::string_view id) const {
    return by_id.find(HashedSlots::hash(id), [&](std::uint64_t slot) { return at(slot).id == id; });
  }
  Retained* find(std::string_view id) {
    const auto slot = slot_of(id);
    return slot ? &at(*slot) : nullptr;
  }
  const Retained* find(std::string_view id) const {
    const auto slot = slot_of(id);
    return slot ? &at(*slot) : nullptr;
  }
  Retained& at(std::uint64_t slot) { return reports[slot - first_slot]; }
  const Retained& at(std::uint64_t slot) const { return reports[slot - first_slot]; }
};

double geodesic_m(double lat1, double lon1, double lat2, double lon2);
std::uint64_t grid_cell(double lat, double lon);

// The geo module's checker configured from FilterOptions::geotag, over `areas`
// (load_geotag_areas; null: AreaSet::jakarta()), which must outlive it.
GeotagChecker make_geotag_checker(const FilterOptions& options, const AreaSet* areas);
GeoHistory make_geo_history(const FilterOptions& options);

// What one commit changed that an evaluation may have read, besides the per-reporter and
// per-coordinate facts that ContextReads compares directly. Filter::submit keeps these for the
// commits since an evaluation: when none of them overlaps what the report's evaluation read, the
// verdict stands as evaluated, and judging again under the writer lock is skipped.
struct Footprint {
  bool everything = false;               // feedback: may change any report's flags, incident, model
  std::vector<std::uint64_t> cells;      // grid cells that gained or lost entries
  std::vector<Hash256> photos;           // PDQ hashes that entered or left the photo index
  std::vector<std::string> incidents;    // incidents that gained or lost members
};

// The state an evaluation reads about the report's reporter and its exact coordinates (geotag
// history, spam flood window and moderation tally, reputation). Equal before and after other
// commits means those reads give what they gave.
struct ContextReads {
  std::optional<GeoHistory::Fix> last_fix;
  std::size_t reporters_at = 0;
  ReporterActivity spam;
  std::optional<ReporterReputation> reputation;
  bool operator==(const ContextReads& o) const;
};
ContextReads read_context(const State& state, const FilterOptions& options, const Report& report);

// The block of grid cells (lowest and highest cell key) whose entries the report's candidate
// scan reads: rows (key >> 32) and columns (low 32 bits) in between.
std::pair<std::uint64_t, std::uint64_t> candidate_cells(const FilterOptions& options, const Report& report);

// Whether a commit with footprint `f` may have changed what evaluate() read for `report`, whose
// verdict then was `verdict`: a cell of its candidate block, a photo within the reuse distance of
// one of its photos (or their dihedral variants), the incident its duplicate_of was chosen from.
bool may_affect(const Footprint& f, const FilterOptions& options, const Report& report,
                const ReportFeatures& features, const Verdict& verdict);

// `shingles`: text_shingles(report.text) when the caller has them (submit computes them once for
// evaluate, a possible re-evaluation and apply_submit).
Verdict evaluate(const State& state, const FilterOptions& options, const GeotagChecker& geo, const Report& report,
                 const ReportFeatures& features, OrbCache& orb, const std::vector<std::uint32_t>* shingles = nullptr);
// `footprint`, when given, receives what the commit changed (see Footprint).
// `prepared`, when given, is retained_of(report, features, verdict, ...) and is moved into the
// state; otherwise apply_submit builds it.
void apply_submit(State& state, const FilterOptions& options, const Report& report,
                  const ReportFeatures& features, const Verdict& verdict, Footprint* footprint = nullptr,
                  Retained* prepared = nullptr);
// What apply_submit stores for a report given `verdict` (its copies of the strings, the encoded
// verdict, the photos): built by the submitting thread before it takes the writer lock, so the
// commit, during which no evaluation can run, only links it in. `shingles`, when given, are
// text_shingles(report.text) and are moved into it.
Retained retained_of(const Report& report, const ReportFeatures& features, const Verdict& verdict,
                     std::vector<std::uint32_t>* shingles);
// Replaces the verdict `r` holds (a re-evaluation under the writer lock gave another one).
void set_retained_verdict(Retained& r, const Verdict& verdict);

// The stored form of a verdict (without its id, which is the report's): exact (scores as raw
// doubles), so decode_verdict(encode_verdict(v), v.id) == v.
std::string encode_verdict(const Verdict& verdict);
// Throws Error(kCorrupt) naming `what` when the bytes do not decode.
Verdict decode_verdict(std::string_view bytes, const std::string& id, const std::string& what = "stored verdict");
void apply_feedback(State& state, const Feedback& feedback, double spam_learning_rate);

std::string encode_submit(const Report& report, const ReportFeatures& features, const std::string& verdict_json);
std::string encode_feedback(const Feedback& feedback);
// Applies one journal record; throws Error(kCorrupt) when it cannot be decoded.
void apply_record(State& state, const FilterOptions& options, std::string_view payload, const std::string& what);

std::string encode_state(const State& state);
// `version`: the snapshot format version the payload was written in (parse_snapshot).
// `lexicons`: the configured spam word lists, which a snapshotted model must have been trained with.
State decode_state(std::string_view payload, const FilterOptions& options, const std::string& what,
                   std::uint32_t version, const SpamLexicons& lexicons = SpamLexicons::builtin());

}  // namespace saring::detail
