// Internals of HammingIndex (see docs/index.md, "Design").
//
// Storage is struct-of-arrays, one row per entry ever appended (slot): the hash words in one
// contiguous array, the time, and the id's offset in a byte arena (or kDead once the entry was
// erased, replaced or expired). Ids map to slots through an open-addressing table of slot numbers.
//
// Search: slots [0, n) are covered by a sequence of immutable segments followed by a short tail.
// The tail is always scanned linearly. A segment holds, per chunk of the hash, the slots sorted by
// the chunk's top key_bits bits (CSR: offsets + postings) and next to each posting up to 8 further
// bits of that chunk ("filter byte"), so most non-candidates are rejected from one byte without
// touching the hash. Segments merge like a binary counter, so each slot is rebuilt O(log n) times.
//
// Multi-index hashing bound: the hash is cut into m chunks; if d(q, h) <= r and the chunk
// thresholds t_c satisfy sum(t_c) >= r - m + 1, some chunk c has d_c(q, h) <= t_c (otherwise
// d >= sum(t_c + 1) > r). A chunk with t_c = -1 need not be probed at all. A hit is reported only
// from the first chunk whose distance is within its threshold, so no de-duplication set is needed.
#pragma once

#include <array>
#include <iosfwd>
#include <memory>
#include <span>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/huge_pages.hpp"
#include "core/pod_vector.hpp"
#include "index/kernels.hpp"
#include "saring/index/hamming_index.hpp"

namespace saring::detail {

struct Chunk {
  int start;  // first bit (in words() order: word start/64, bit start%64)
  int width;  // <= 24
};

template <class Hash>
struct HashTraits;

template <>
struct HashTraits<Hash256> {
  static constexpr int kWords = 4;
  static void store(const Hash256& h, std::uint64_t* w) {
    for (int i = 0; i < 4; ++i) w[i] = h.words()[i];
  }
  static Hash256 load(const std::uint64_t* w) { return Hash256(Hash256::Words{w[0], w[1], w[2], w[3]}); }
  // 11 chunks (3 x 24 + 8 x 23 bits): at the PDQ match radius 31 the thresholds are ten 2s and one
  // 1, so each chunk enumerates at most 137 keys and few candidates reach verification.
  static constexpr std::array<Chunk, 11> kChunks = {{{0, 24}, {24, 24}, {48, 24}, {72, 23}, {95, 23},
                                                     {118, 23}, {141, 23}, {164, 23}, {187, 23},
                                                     {210, 23}, {233, 23}}};
};

template <>
struct HashTraits<Hash64> {
  static constexpr int kWords = 1;
  static void store(const Hash64& h, std::uint64_t* w) { w[0] = h.bits(); }
  static Hash64 load(const std::uint64_t* w) { return Hash64(w[0]); }
  static constexpr std::array<Chunk, 4> kChunks = {{{0, 16}, {16, 16}, {32, 16}, {48, 16}}};
};

// The bits [c.start, c.start + c.width) of a hash as an integer.
template <int W>
inline std::uint32_t extract_chunk(const std::uint64_t* w, Chunk c) {
  const int word = c.start >> 6, off = c.start & 63;
  std::uint64_t v = w[word] >> off;
  if (off + c.width > 64 && word + 1 < W) v |= w[word + 1] << (64 - off);
  return static_cast<std::uint32_t>(v & ((std::uint64_t{1} << c.width) - 1));
}

struct Segment {
  std::uint32_t begin = 0, end = 0;  // slot range
  int key_bits = 0;
  // Pod arrays: a rebuild reuses the pages of the segments it replaced (core/pod_vector.cpp).
  PodVector<std::uint32_t> offsets;   // chunks x (2^key_bits + 1)
  PodVector<std::uint32_t> postings;  // chunks x size: slots sorted by chunk key
  PodVector<std::uint8_t> filters;    // chunks x size: the chunk bits just below the key
  std::uint32_t size() const { return end - begin; }
  std::size_t memory_bytes() const {
    return offsets.capacity() * 4 + postings.capacity() * 4 + filters.capacity();
  }
};

struct Hit {
  std::uint32_t slot;
  int distance;
  int variant;
};

// The rows of the index. Only a writer mutates it; compaction builds a fresh one and swaps it in.
template <int W>
struct Storage {
  static constexpr std::uint32_t kDead = 0xffffffffu;
  // Append-only, grown by remapping rather than copying (see core/pod_vector.hpp).
  PodVector<std::uint64_t> hashes;  // W words per slot
  PodVector<UnixSeconds> times;
  PodVector<std::uint32_t> id_ref;  // offset of the id in arena, or kDead
  PodVector<char> arena;            // per id: 2-byte little-endian length, then the bytes
  std::vector<std::uint32_t> table;   // open addressing over slots (kEmpty / kTomb markers)
  // Per table cell a tag: 0 empty, 1 tombstone, else the top byte of the id's hash (never 0 or 1).
  // Probes read tags first and touch the slot and the arena (likely cache misses) only when the
  // tags agree, so a lookup of a new id costs one miss.
  std::vector<std::uint8_t> tags;
  std::size_t table_used = 0;         // occupied + tombstones
  std::size_t live = 0;
  std::size_t dead = 0;

  std::uint32_t slots() const { return static_cast<std::uint32_t>(times.size()); }
  std::string_view id_at(std::uint32_t slot) const;
  std::uint32_t find(std::string_view id) const;  // kDead when absent
  std::uint32_t find_hashed(std::string_view id, std::size_t h) const;
  void append(std::string_view id, const std::uint64_t* words, UnixSeconds time);  // id must be absent
  void append_hashed(std::string_view id, std::size_t h, const std::uint64_t* words, UnixSeconds time);
  void kill(std::uint32_t slot);
  void rebuild_table(std::size_t capacity);
  void reserve(std::size_t n);
  std::size_t memory_bytes() const;
};

template <class Hash>
class HammingIndexImpl {
 public:
  using Traits = HashTraits<Hash>;
  static constexpr int W = Traits::kWords;
  static constexpr int kBits = 64 * W;
  static constexpr int kChunkCount = static_cast<int>(Traits::kChunks.size());
  static constexpr std::uint32_t kDead = Storage<W>::kDead;
  static constexpr std::uint32_t kTailMax = 16384;

  explicit HammingIndexImpl(HammingIndexOptions options) : options_(options) {}

  void insert(std::string_view id, const Hash& hash, UnixSeconds time);
  void insert_batch(std::span<const std::string> ids, std::span<const Hash> hashes,
                    std::span<const UnixSeconds> times);
  bool erase(std::string_view id);
  std::size_t expire_before(UnixSeconds cutoff);
  void compact();
  void reserve(std::size_t n);

  bool contains(std::string_view id) const;
  std::size_t size() const;
  std::size_t memory_bytes() const;
  std::vector<IndexMatch> query(const Hash& q, int radius) const;
  std::vector<IndexMatch> nearest(const Hash& q, std::size_t k) const;
  std::vector<std::vector<IndexMatch>> query_batch(std::span<const Hash> qs, int radius) const;
  std::vector<std::vector<IndexMatch>> nearest_batch(std::span<const Hash> qs, std::size_t k) const;
  std::vector<DihedralMatch> query_dihedral(const std::array<Hash, 8>& variants, int radius) const;
  void save(std::ostream& out) const;
  static std::unique_ptr<HammingIndexImpl> load(std::istream& in, std::string_view name,
                                                HammingIndexOptions options);

  std::size_t segment_count() const;  // for tests

 private:
  static Segment build_segment(const PodVector<std::uint64_t>& hashes, std::uint32_t begin, std::uint32_t end);
  std::uint32_t tail_begin() const { return segments_.empty() ? 0 : segments_.back().end; }
  void check_id(std::string_view id) const;
  void append_locked(std::string_view id, const Hash& hash, UnixSeconds time);
  void after_write(std::unique_lock<std::mutex>& writer);  // flush the tail, merge, maybe compact
  void compact_locked();

  void thresholds(int radius, int* t) const;
  void collect(const std::uint64_t* q, int radius, int variant, std::vector<Hit>& hits) const;
  void scan_linear(std::uint32_t begin, std::uint32_t end, const std::uint64_t* q, int radius, int variant,
                   std::vector<Hit>& hits) const;
  void search_segment(const Segment& s, const std::uint64_t* q, int radius, const int* t, int variant,
                      std::vector<Hit>& hits) const;
  bool prefer_multi_index(const Segment& s, const int* t) const;
  std::vector<IndexMatch> query_locked(const std::uint64_t* q, int radius) const;
  std::vector<IndexMatch> nearest_locked(const std::uint64_t* q, std::size_t k) const;
  template <class Search>
  std::vector<std::vector<IndexMatch>> each_locked(std::span<const Hash> qs, Search&& search) const;
  std::vector<IndexMatch> to_matches(std::vector<Hit>& hits) const;

  // glibc's rwlock prefers readers, so a steady stream of queries could starve the writer. A
  // writer holds gate_ while it waits for the exclusive lock, and readers pass through gate_ first,
  // so new readers queue behind a waiting writer.
  std::shared_lock<std::shared_mutex> read_lock() const {
    std::lock_guard<std::mutex> g(gate_);
    return std::shared_lock<std::shared_mutex>(data_mutex_);
  }
  std::unique_lock<std::shared_mutex> write_lock() {
    std::lock_guard<std::mutex> g(gate_);
    return std::unique_lock<std::shared_mutex>(data_mutex_);
  }

  HammingIndexOptions options_;
  mutable std::mutex gate_;
  mutable std::shared_mutex data_mutex_;  // readers shared; a writer exclusive while it mutates
  std::mutex writer_mutex_;               // one writer at a time (it may build under a shared lock)
  Storage<W> store_;
  std::vector<Segment> segments_;
};

}  // namespace saring::detail
