// Exact Hamming-distance index over perceptual hashes: "which kept photos are within r bits of
// this one?" over millions of entries, with expiry of old reports and a dihedral PDQ query.
//
// PdqIndex holds Hash256 (PDQ); Hash64Index holds 64-bit hashes (pHash, dHash). Each entry is a
// report id (a unique key: inserting an id that is present replaces its entry) and a timestamp.
// Results are always exact: the same set a brute-force comparison with every entry gives, sorted
// by distance, then id.
//
//   saring::PdqIndex index;
//   index.insert("r-1001", saring::Hash256::from_hex(hex), saring::UnixSeconds{1764300000});
//   for (const auto& m : index.query(probe, 31)) std::cout << m.id << ' ' << m.distance << '\n';
//   index.expire_before(now - 90 * 86400);   // drop reports older than the retention window
//   index.save("photos.sidx");               // versioned, CRC-checked; load() verifies both
//
// Internals (see docs/index.md): hashes are kept in one contiguous array; queries pick per segment
// between multi-index hashing (small radii, large segments) and a SIMD linear scan whose popcount
// is chosen at run time (AVX-512 VPOPCNTDQ, AVX2, POPCNT, portable).
//
// Thread safety: any number of threads may call the const member functions (queries, size,
// save) while at most one thread at a time calls a mutating one (insert, erase, expire, compact,
// reserve); writers are also serialised among themselves, so concurrent writers are safe but
// take turns. A query sees the index either wholly before or wholly after each write. Moving or
// destroying an index while another thread uses it is not allowed.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "saring/core/time.hpp"
#include "saring/hash/hash_types.hpp"

namespace saring {

namespace detail {
template <class Hash>
class HammingIndexImpl;
}

// How a query searches. kAuto picks, per segment, whichever of multi-index hashing and a linear
// scan its cost model predicts to be cheaper for this radius and segment size; the other two force
// one method (for tests and benchmarks: results are identical either way).
enum class IndexStrategy { kAuto, kLinearScan, kMultiIndex };

struct HammingIndexOptions {
  IndexStrategy strategy = IndexStrategy::kAuto;
  // Segment merging: a full tail becomes a segment that absorbs each trailing segment holding at
  // most merge_ratio times the rows gathered so far. 1 (binary-counter merging) rebuilds each row
  // about log2(n / 16384) times and keeps up to that many segments; a larger ratio keeps fewer
  // segments (every query probes every segment: fewer is faster, most at large radii) for more
  // rebuild work per insert. Results are the same for any ratio.
  int merge_ratio = 1;
  // Throws Error(kInvalidArgument) on an unknown strategy value or a merge_ratio outside 1..1024.
  void validate() const;
};

struct IndexMatch {
  std::string id;
  int distance = 0;
  UnixSeconds time = 0;
  bool operator==(const IndexMatch&) const = default;
};

// One entry matched by query_dihedral: `variant` (0..7) is the index into the caller's array of
// variant hashes that came closest (the lowest index among equally close ones).
struct DihedralMatch {
  std::string id;
  int distance = 0;
  int variant = 0;
  UnixSeconds time = 0;
  bool operator==(const DihedralMatch&) const = default;
};

template <class Hash>
class HammingIndex {
 public:
  static constexpr int kBits = static_cast<int>(sizeof(Hash) * 8);

  explicit HammingIndex(HammingIndexOptions options = {});
  ~HammingIndex();
  HammingIndex(HammingIndex&&) noexcept;
  HammingIndex& operator=(HammingIndex&&) noexcept;
  HammingIndex(const HammingIndex&) = delete;
  HammingIndex& operator=(const HammingIndex&) = delete;

  // Adds an entry, or replaces the entry already stored under `id`. Ids are 1..65535 bytes
  // (Error kInvalidArgument otherwise).
  void insert(std::string_view id, const Hash& hash, UnixSeconds time);
  // Same for many entries at once (one lock; spans of equal length, else kInvalidArgument).
  void insert_batch(std::span<const std::string> ids, std::span<const Hash> hashes,
                    std::span<const UnixSeconds> times);
  // Removes the entry stored under `id`; false when there is none.
  bool erase(std::string_view id);
  // Removes every entry whose time is strictly before `cutoff`; returns how many were removed.
  std::size_t expire_before(UnixSeconds cutoff);
  // Reclaims the space of removed entries and merges all segments into one (the fastest state to
  // query). Also done automatically when removed entries outnumber live ones.
  void compact();
  // Pre-allocates room for `entries` entries (optional; avoids regrowth during a bulk load).
  void reserve(std::size_t entries);

  bool contains(std::string_view id) const;
  std::size_t size() const;          // live entries
  std::size_t memory_bytes() const;  // heap bytes held, including ids, times and search tables

  // All entries within `radius` bits (0..kBits, else kInvalidArgument), sorted by distance then id.
  std::vector<IndexMatch> query(const Hash& hash, int radius) const;
  // The k nearest entries (fewer when the index is smaller), ties broken by id.
  std::vector<IndexMatch> nearest(const Hash& hash, std::size_t k) const;
  // One result list per query hash, all answered against the same state of the index.
  std::vector<std::vector<IndexMatch>> query_batch(std::span<const Hash> hashes, int radius) const;
  std::vector<std::vector<IndexMatch>> nearest_batch(std::span<const Hash> hashes, std::size_t k) const;

  // PDQ only: matches any of the eight dihedral variants of one photo (rotations by 0/90/180/270
  // degrees, and the same mirrored). The variant hashes cannot be derived from a hash's bits, so
  // the caller passes the eight hashes the PDQ hasher computes from one DCT (in its order). Each
  // entry appears once, with its smallest distance and the variant that gave it.
  std::vector<DihedralMatch> query_dihedral(const std::array<Hash, 8>& variants, int radius) const
    requires std::is_same_v<Hash, Hash256>;

  // Writes a versioned file with a CRC-32 trailer (written to `path`.tmp, then renamed).
  void save(const std::filesystem::path& path) const;
  void save(std::ostream& out) const;
  // Reads a file written by save(). A missing file is kIo; a wrong magic, version, hash width,
  // checksum or a truncated file is kCorrupt, with a message naming `path` and the fault.
  static HammingIndex load(const std::filesystem::path& path, HammingIndexOptions options = {});
  static HammingIndex load(std::istream& in, std::string_view name, HammingIndexOptions options = {});

 private:
  std::unique_ptr<detail::HammingIndexImpl<Hash>> impl_;
};

using PdqIndex = HammingIndex<Hash256>;
using Hash64Index = HammingIndex<Hash64>;

extern template class HammingIndex<Hash256>;
extern template class HammingIndex<Hash64>;

// The popcount implementation this CPU runs ("avx512-vpopcntdq", "avx2", "popcnt", "portable").
std::string_view index_kernel_name();

}  // namespace saring
