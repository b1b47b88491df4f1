#include "saring/index/hamming_index.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <fstream>
#include <istream>
#include <ostream>
#include <tuple>

#include "core/crc32.hpp"
#include "index/hamming_index_impl.hpp"
#include "saring/core/error.hpp"

namespace saring {

void HammingIndexOptions::validate() const {
  if (merge_ratio < 1 || merge_ratio > 1024) {
    throw Error(ErrorCode::kInvalidArgument,
                "HammingIndexOptions.merge_ratio must be in 1..1024, got " + std::to_string(merge_ratio));
  }
  switch (strategy) {
    case IndexStrategy::kAuto:
    case IndexStrategy::kLinearScan:
    case IndexStrategy::kMultiIndex:
      return;
  }
  throw Error(ErrorCode::kInvalidArgument, "HammingIndexOptions.strategy: unknown value " +
                                               std::to_string(static_cast<int>(strategy)));
}

namespace detail {
namespace {

constexpr std::uint32_t kEmpty = 0xffffffffu;
constexpr std::uint32_t kTomb = 0xfffffffeu;
constexpr std::size_t kMaxIdBytes = 65535;

std::size_t id_hash(std::string_view id) { return std::hash<std::string_view>{}(id); }
// Table cells use the low hash bits; the tag takes the top byte, independent of them.
// Tag byte per id-table cell: 0 = never used, 1 = tombstone, 2..255 = the top byte of a live id's
// hash. A lookup of a new id then reads only the tag array (one cache miss) until it meets a 0.
constexpr std::uint8_t kTagEmpty = 0;
constexpr std::uint8_t kTagTomb = 1;
std::uint8_t id_tag(std::size_t h) {
  const auto t = static_cast<std::uint8_t>(h >> (8 * sizeof(std::size_t) - 8));
  return t < 2 ? static_cast<std::uint8_t>(t + 2) : t;
}

// Binomial coefficients up to 24 choose 24 (the widest chunk), for the cost model.
constexpr std::array<std::array<double, 25>, 25> kChoose = [] {
  std::array<std::array<double, 25>, 25> c{};
  for (int n = 0; n <= 24; ++n) {
    c[n][0] = 1;
    for (int k = 1; k <= n; ++k) c[n][k] = c[n - 1][k - 1] + (k <= n - 1 ? c[n - 1][k] : 0);
  }
  return c;
}();

// Cost model of one query against one segment, in nanoseconds, fitted (non-negative least
// squares) to BM_IndexQueryMultiIndex / BM_IndexQueryLinear on the development machine (AMD EPYC,
// AVX-512; docs/index.md, "Crossover"): multi-index hashing costs per probed key range, per filter
// byte scanned and per candidate verified (a cache miss into the hash array); a linear scan costs
// per entry, more once the hashes no longer fit in cache. Only the comparison matters.
constexpr double kRangeNs = 5.0;
constexpr double kFilterByteNs = 0.7;
constexpr double kCandidateNs = 8.0;
double linear_ns_per_entry(int words, std::size_t entries) {
  double compute = 3.0;  // per 256-bit hash
  switch (active_kernels().level) {
    case KernelLevel::kAvx512: compute = 0.27; break;
    case KernelLevel::kAvx2: compute = 0.6; break;
    case KernelLevel::kPopcnt: compute = 1.0; break;
    case KernelLevel::kPortable: break;
  }
  const std::size_t bytes = entries * 8 * static_cast<std::size_t>(words);
  const double memory = bytes <= (std::size_t{1} << 20) ? 0.0 : bytes <= (std::size_t{16} << 20) ? 0.45 : 1.1;
  return std::max(compute, memory) * words / 4.0;
}

int key_bits_for(std::uint32_t n) {
  return std::clamp(static_cast<int>(std::bit_width(n)) - 6, 4, 16);
}

// Scratch buffers of one querying thread.
struct Scratch {
  // One probed key range of a segment: where its offsets sit, the posting range they give, the
  // filter allowance left over and the chunk.
  struct Probe {
    std::size_t key_at = 0;  // index into Segment::offsets
    std::size_t lo = 0, hi = 0;
    std::int8_t allow = 0;
    std::uint8_t chunk = 0;
  };
  std::vector<std::uint32_t> positions;
  std::vector<std::uint32_t> cand_slots;
  std::vector<Probe> probes;
  std::vector<std::size_t> passing;
  std::vector<std::uint8_t> passing_chunk;
};
Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

void put_u16(PodVector<char>& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>(v >> 8));
}
template <class T>
void put_le(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));  // little-endian host (x86-64, aarch64)
  out.append(b, sizeof(T));
}
template <class T>
T get_le(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

constexpr char kMagic[8] = {'S', 'A', 'R', 'I', 'N', 'D', 'E', 'X'};
constexpr std::uint32_t kFormatVersion = 1;
constexpr std::size_t kHeaderBytes = 8 + 4 + 4 + 8;

}  // namespace

// ----------------------------------------------------------------------------------------------
// Storage

template <int W>
std::string_view Storage<W>::id_at(std::uint32_t slot) const {
  const char* p = arena.data() + id_ref[slot];
  const std::size_t len = static_cast<unsigned char>(p[0]) | (static_cast<std::size_t>(static_cast<unsigned char>(p[1])) << 8);
  return {p + 2, len};
}

template <int W>
std::uint32_t Storage<W>::find(std::string_view id) const {
  return find_hashed(id, id_hash(id));
}

template <int W>
std::uint32_t Storage<W>::find_hashed(std::string_view id, std::size_t h) const {
  if (table.empty()) return kDead;
  const std::size_t mask = table.size() - 1;
  const std::uint8_t tag = id_tag(h);
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    const std::uint8_t t = tags[i];
    if (t == kTagEmpty) return kDead;
    if (t == tag && id_at(table[i]) == id) return table[i];
  }
}

template <int W>
void Storage<W>::rebuild_table(std::size_t capacity) {
  capacity = std::bit_ceil(std::max<std::size_t>(capacity, 16));
  std::vector<std::uint32_t> fresh(capacity, kEmpty);
  std::vector<std::uint8_t> fresh_tags(capacity, 0);
  const std::size_t mask = capacity - 1;
  for (std::uint32_t s = 0; s < slots(); ++s) {
    if (id_ref[s] == kDead) continue;
    const std::size_t h = id_hash(id_at(s));
    std::size_t i = h & mask;
    while (fresh_tags[i] != kTagEmpty) i = (i + 1) & mask;
    fresh[i] = s;
    fresh_tags[i] = id_tag(h);
  }
  table.swap(fresh);
  tags.swap(fresh_tags);
  table_used = live;
}

template <int W>
void Storage<W>::append(std::string_view id, const std::uint64_t* words, UnixSeconds time) {
  append_hashed(id, id_hash(id), words, time);
}

template <int W>
void Storage<W>::append_hashed(std::string_view id, std::size_t h, const std::uint64_t* words, UnixSeconds time) {
  if (slots() >= kTomb - 1) {
    throw Error(ErrorCode::kLimitExceeded, "Hamming index: more than 4294967293 insertions without compaction");
  }
  if (arena.size() + 2 + id.size() > 0xfffffff0u) {
    throw Error(ErrorCode::kLimitExceeded, "Hamming index: ids exceed 4 GiB in total");
  }
  if ((table_used + 1) * 4 > table.size() * 3) rebuild_table((live + 1) * 2);
  const auto slot = slots();
  id_ref.push_back(static_cast<std::uint32_t>(arena.size()));
  put_u16(arena, static_cast<std::uint16_t>(id.size()));
  arena.append(id.begin(), id.end());
  hashes.append(words, words + W);
  times.push_back(time);
  const std::size_t mask = table.size() - 1;
  std::size_t i = h & mask;
  while (tags[i] > kTagTomb) i = (i + 1) & mask;
  if (tags[i] == kTagEmpty) ++table_used;
  table[i] = slot;
  tags[i] = id_tag(h);
  ++live;
}

template <int W>
void Storage<W>::kill(std::uint32_t slot) {
  const std::string_view id = id_at(slot);
  const std::size_t mask = table.size() - 1;
  const std::size_t h = id_hash(id);
  const std::uint8_t tag = id_tag(h);
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    if (tags[i] == tag && table[i] == slot) {
      table[i] = kTomb;
      tags[i] = kTagTomb;
      break;
    }
  }
  id_ref[slot] = kDead;
  --live;
  ++dead;
}

template <int W>
void Storage<W>::reserve(std::size_t n) {
  hashes.reserve(n * W);
  times.reserve(n);
  id_ref.reserve(n);
  if (n * 4 > table.size() * 3) rebuild_table(n * 4 / 3 + 1);
}

template <int W>
std::size_t Storage<W>::memory_bytes() const {
  return hashes.capacity() * 8 + times.capacity() * sizeof(UnixSeconds) + id_ref.capacity() * 4 +
         arena.capacity() + table.capacity() * 4 + tags.capacity();
}

// ----------------------------------------------------------------------------------------------
// Segments

template <class Hash>
Segment HammingIndexImpl<Hash>::build_segment(const PodVector<std::uint64_t>& hashes, std::uint32_t begin,
                                              std::uint32_t end) {
  Segment s;
  s.begin = begin;
  s.end = end;
  const std::uint32_t n = end - begin;
  s.key_bits = key_bits_for(n);
  const std::size_t keys = std::size_t{1} << s.key_bits;
  s.offsets.assign(kChunkCount * (keys + 1), 0);
  s.postings.resize_uninitialized(static_cast<std::size_t>(kChunkCount) * n);
  s.filters.resize_uninitialized(static_cast<std::size_t>(kChunkCount) * n);
  // Counting sort per chunk. With more than 2^10 keys the scatter runs in two passes: by the top 8
  // key bits into a staging array (256 write streams), then within each such bucket, whose cursors
  // and output stay in cache. One pass over 65,536 cursors missed the cache on almost every write.
  const bool two_pass = s.key_bits > 10;
  const int low_bits = s.key_bits - 8;
  PodVector<std::uint64_t> staged;
  if (two_pass) staged.resize_uninitialized(n);
  std::vector<std::uint32_t> cursor(keys);
  std::array<std::uint32_t, 256> bucket{};
  const std::uint64_t* rows = hashes.data() + std::size_t{begin} * W;
  for (int c = 0; c < kChunkCount; ++c) {
    const Chunk chunk = Traits::kChunks[c];
    const int shift = chunk.width - s.key_bits;
    const int fbits = std::min(8, shift);
    const std::uint32_t fmask = (1u << fbits) - 1;
    std::uint32_t* off = s.offsets.data() + c * (keys + 1);
    // In two-pass builds the staging pass of the previous chunk already counted this one.
    if (!two_pass || c == 0) {
      for (std::uint32_t i = 0; i < n; ++i) ++off[(extract_chunk<W>(rows + std::size_t{i} * W, chunk) >> shift) + 1];
    }
    for (std::size_t k = 0; k < keys; ++k) off[k + 1] += off[k];
    std::copy(off, off + keys, cursor.begin());
    std::uint32_t* post = s.postings.data() + static_cast<std::size_t>(c) * n;
    std::uint8_t* filt = s.filters.data() + static_cast<std::size_t>(c) * n;
    const auto place = [&](std::uint32_t v, std::uint32_t i) {
      const std::uint32_t pos = cursor[v >> shift]++;
      post[pos] = begin + i;
      filt[pos] = static_cast<std::uint8_t>((v >> (shift - fbits)) & fmask);
    };
    if (!two_pass) {
      for (std::uint32_t i = 0; i < n; ++i) place(extract_chunk<W>(rows + std::size_t{i} * W, chunk), i);
      continue;
    }
    // Bucket b holds keys [b << low_bits, (b + 1) << low_bits): its staged entries occupy exactly
    // the output range those keys fill.
    for (std::size_t b = 0; b < 256; ++b) bucket[b] = off[b << low_bits];
    std::uint64_t* st = staged.data();
    if (c + 1 < kChunkCount) {
      // Count the next chunk in the same pass over the rows.
      const Chunk next = Traits::kChunks[c + 1];
      const int next_shift = next.width - s.key_bits;
      std::uint32_t* next_off = off + (keys + 1);
      for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint64_t* row = rows + std::size_t{i} * W;
        const std::uint32_t v = extract_chunk<W>(row, chunk);
        st[bucket[v >> (shift + low_bits)]++] = (std::uint64_t{v} << 32) | i;
        ++next_off[(extract_chunk<W>(row, next) >> next_shift) + 1];
      }
    } else {
      for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint32_t v = extract_chunk<W>(rows + std::size_t{i} * W, chunk);
        st[bucket[v >> (shift + low_bits)]++] = (std::uint64_t{v} << 32) | i;
      }
    }
    for (std::uint32_t j = 0; j < n; ++j) place(static_cast<std::uint32_t>(st[j] >> 32), static_cast<std::uint32_t>(st[j]));
  }
  return s;
}

template <class Hash>
void HammingIndexImpl<Hash>::thresholds(int radius, int* t) const {
  // sum(t) = radius - m + 1, spread evenly; the wider chunks (listed first) take the remainder.
  const int total = radius - kChunkCount + 1;
  const int base = total >= 0 ? total / kChunkCount : -((-total + kChunkCount - 1) / kChunkCount);
  const int extra = total - base * kChunkCount;
  for (int c = 0; c < kChunkCount; ++c) t[c] = base + (c < extra ? 1 : 0);
}

template <class Hash>
bool HammingIndexImpl<Hash>::prefer_multi_index(const Segment& s, const int* t) const {
  if (options_.strategy == IndexStrategy::kLinearScan) return false;
  if (options_.strategy == IndexStrategy::kMultiIndex) return true;
  const double n = s.size();
  const double per_key = n / static_cast<double>(std::size_t{1} << s.key_bits);
  double cost = 0;
  for (int c = 0; c < kChunkCount; ++c) {
    if (t[c] < 0) continue;
    const int fbits = std::min(8, Traits::kChunks[c].width - s.key_bits);
    for (int p = 0; p <= std::min(t[c], s.key_bits); ++p) {
      const int allow = t[c] - p;
      double pass = 1.0;
      if (allow < fbits) {
        double within = 0;
        for (int j = 0; j <= allow; ++j) within += kChoose[fbits][j];
        pass = within / static_cast<double>(1u << fbits);
      }
      cost += kChoose[s.key_bits][p] *
              (kRangeNs + per_key * ((allow < fbits ? kFilterByteNs : 0.0) + pass * kCandidateNs));
    }
  }
  return cost < n * linear_ns_per_entry(W, s.size());
}

template <class Hash>
void HammingIndexImpl<Hash>::scan_linear(std::uint32_t begin, std::uint32_t end, const std::uint64_t* q, int radius,
                                         int variant, std::vector<Hit>& hits) const {
  const IndexKernels& k = active_kernels();
  auto& pos = scratch().positions;
  constexpr std::uint32_t kBlock = 4096;
  if (pos.size() < kBlock) pos.resize(kBlock);
  for (std::uint32_t b = begin; b < end; b += kBlock) {
    const std::uint32_t len = std::min(kBlock, end - b);
    const std::uint64_t* h = store_.hashes.data() + std::size_t{b} * W;
    std::size_t found;
    if constexpr (W == 4) {
      found = k.scan256(h, len, q, radius, pos.data());
    } else {
      found = k.scan64(h, len, q[0], radius, pos.data());
    }
    for (std::size_t j = 0; j < found; ++j) {
      const std::uint32_t slot = b + pos[j];
      if (store_.id_ref[slot] == kDead) continue;
      const std::uint64_t* e = store_.hashes.data() + std::size_t{slot} * W;
      const int d = W == 4 ? k.distance256(e, q) : k.distance64(e[0], q[0]);
      // Re-checked: a kernel may only over-report (see kernels.cpp on GCC's TSan mask spill).
      if (d <= radius) hits.push_back({slot, d, variant});
    }
  }
}

template <class Hash>
void HammingIndexImpl<Hash>::search_segment(const Segment& s, const std::uint64_t* q, int radius, const int* t,
                                            int variant, std::vector<Hit>& hits) const {
  // Memory latency dominates (each probed key range, posting and candidate hash is a likely cache
  // miss), so the work runs in stages over arrays with software prefetch a fixed distance ahead:
  // keys -> offsets -> filter bytes -> postings -> hashes. Each stage runs over the probes of all
  // chunks at once: staged per chunk, a stage had ~15 key ranges and ~5 postings to overlap at
  // radius 20 (too few for the prefetch distance), so at a million rows most of its loads waited
  // one after another.
  constexpr std::size_t kAhead = 16;
  const IndexKernels& k = active_kernels();
  Scratch& sc = scratch();
  const std::size_t n = s.size();
  const int kb = s.key_bits;
  const std::size_t keys = std::size_t{1} << kb;
  const std::uint64_t* base = store_.hashes.data();
  const std::uint32_t* off = s.offsets.data();
  const std::uint32_t* post = s.postings.data();  // chunk c's postings start at c * n
  const std::uint8_t* filt = s.filters.data();    // and so do its filter bytes

  // Stage 1: per chunk, every key within t bits of the query's key, with the filter allowance left over.
  auto& probes = sc.probes;
  probes.clear();
  std::uint8_t qf[kChunkCount] = {};
  int fbits[kChunkCount] = {};
  for (int c = 0; c < kChunkCount; ++c) {
    if (t[c] < 0) continue;
    const Chunk chunk = Traits::kChunks[c];
    const int shift = chunk.width - kb;
    fbits[c] = std::min(8, shift);
    const std::uint32_t qv = extract_chunk<W>(q, chunk);
    const std::uint32_t qkey = qv >> shift;
    qf[c] = static_cast<std::uint8_t>((qv >> (shift - fbits[c])) & ((1u << fbits[c]) - 1));
    const std::size_t key_base = static_cast<std::size_t>(c) * (keys + 1);
    const int pmax = std::min(t[c], kb);
    for (int p = 0; p <= pmax; ++p) {
      std::uint32_t mask = p == 0 ? 0 : (1u << p) - 1;
      const std::uint32_t limit = 1u << kb;
      while (mask < limit) {  // every kb-bit mask with p bits set (Gosper's hack)
        Scratch::Probe probe;
        probe.key_at = key_base + (qkey ^ mask);
        probe.allow = static_cast<std::int8_t>(std::min(t[c] - p, 8));
        probe.chunk = static_cast<std::uint8_t>(c);
        probes.push_back(probe);
        if (mask == 0) break;
        const std::uint32_t low = mask & (~mask + 1);
        const std::uint32_t ripple = mask + low;
        mask = (((ripple ^ mask) >> 2) / low) | ripple;
      }
    }
  }
  const std::size_t nprobes = probes.size();
  // Stage 2: key -> posting range [lo, hi) (positions in the chunk-major posting and filter arrays),
  // prefetching offsets ahead.
  for (std::size_t j = 0; j < nprobes; ++j) {
    if (j + kAhead < nprobes) __builtin_prefetch(off + probes[j + kAhead].key_at);
    Scratch::Probe& p = probes[j];
    const std::size_t chunk_base = std::size_t{p.chunk} * n;
    p.lo = chunk_base + off[p.key_at];
    p.hi = chunk_base + off[p.key_at + 1];
  }
  // Stage 3: filter bytes -> positions of passing postings (and their chunk), prefetching ranges ahead.
  auto& passing = sc.passing;
  auto& passing_chunk = sc.passing_chunk;
  passing.clear();
  passing_chunk.clear();
  for (std::size_t j = 0; j < nprobes; ++j) {
    if (j + kAhead < nprobes) {
      // Every line the range touches (a range of ~60 bytes at a million rows usually spans two).
      const Scratch::Probe& ahead = probes[j + kAhead];
      const auto last = reinterpret_cast<std::uintptr_t>(filt + ahead.hi);
      for (auto line = reinterpret_cast<std::uintptr_t>(filt + ahead.lo) & ~std::uintptr_t{63}; line < last; line += 64) {
        __builtin_prefetch(reinterpret_cast<const void*>(line));
      }
    }
    const Scratch::Probe& p = probes[j];
    if (p.lo == p.hi) continue;
    const std::size_t len = p.hi - p.lo;
    if (p.allow >= fbits[p.chunk]) {
      for (std::size_t x = p.lo; x < p.hi; ++x) {
        passing.push_back(x);
        passing_chunk.push_back(p.chunk);
      }
    } else {
      if (sc.positions.size() < len) sc.positions.resize(len);
      const std::size_t m = k.filter8(filt + p.lo, len, qf[p.chunk], p.allow, sc.positions.data());
      for (std::size_t x = 0; x < m; ++x) {
        passing.push_back(p.lo + sc.positions[x]);
        passing_chunk.push_back(p.chunk);
      }
    }
  }
  // Stage 4: postings -> candidate slots, prefetching postings and then the hashes.
  auto& cands = sc.cand_slots;
  cands.resize(passing.size());
  for (std::size_t j = 0; j < passing.size(); ++j) {
    if (j + kAhead < passing.size()) __builtin_prefetch(post + passing[j + kAhead]);
    cands[j] = post[passing[j]];
    __builtin_prefetch(base + std::size_t{cands[j]} * W);
  }
  // Stage 5: verify; report a hit only from the first chunk within its threshold (no duplicates).
  for (std::size_t j = 0; j < cands.size(); ++j) {
    const std::uint32_t slot = cands[j];
    const int c = passing_chunk[j];
    const std::uint64_t* e = base + std::size_t{slot} * W;
    const int d = W == 4 ? k.distance256(e, q) : k.distance64(e[0], q[0]);
    if (d > radius || store_.id_ref[slot] == kDead) continue;
    std::uint64_t x[W];
    for (int w = 0; w < W; ++w) x[w] = e[w] ^ q[w];
    int first = -1;
    for (int c2 = 0; c2 <= c; ++c2) {
      if (t[c2] >= 0 && std::popcount(extract_chunk<W>(x, Traits::kChunks[c2])) <= t[c2]) {
        first = c2;
        break;
      }
    }
    if (first == c) hits.push_back({slot, d, variant});
  }
}

template <class Hash>
void HammingIndexImpl<Hash>::collect(const std::uint64_t* q, int radius, int variant, std::vector<Hit>& hits) const {
  int t[kChunkCount];
  thresholds(radius, t);
  for (const Segment& s : segments_) {
    if (prefer_multi_index(s, t)) {
      search_segment(s, q, radius, t, variant, hits);
    } else {
      scan_linear(s.begin, s.end, q, radius, variant, hits);
    }
  }
  scan_linear(tail_begin(), store_.slots(), q, radius, variant, hits);
}

template <class Hash>
std::vector<IndexMatch> HammingIndexImpl<Hash>::to_matches(std::vector<Hit>& hits) const {
  std::sort(hits.begin(), hits.end(), [this](const Hit& a, const Hit& b) {
    if (a.distance != b.distance) return a.distance < b.distance;
    return store_.id_at(a.slot) < store_.id_at(b.slot);
  });
  std::vector<IndexMatch> out;
  out.reserve(hits.size());
  for (const Hit& h : hits) out.push_back({std::string(store_.id_at(h.slot)), h.distance, store_.times[h.slot]});
  return out;
}

template <class Hash>
std::vector<IndexMatch> HammingIndexImpl<Hash>::query_locked(const std::uint64_t* q, int radius) const {
  std::vector<Hit> hits;
  collect(q, radius, 0, hits);
  return to_matches(hits);
}

template <class Hash>
std::vector<IndexMatch> HammingIndexImpl<Hash>::nearest_locked(const std::uint64_t* q, std::size_t k) const {
  if (k == 0 || store_.live == 0) return {};
  std::vector<Hit> hits;
  // Growing radii while multi-index hashing is the cheaper method for the largest segment: once
  // k entries lie within r, the k nearest are among them (ties at r included).
  for (int r : {0, 2, 4, 8, 12, 16, 24, 32}) {
    if (r >= kBits) break;
    int t[kChunkCount];
    thresholds(r, t);
    const bool cheap = std::any_of(segments_.begin(), segments_.end(),
                                   [&](const Segment& s) { return prefer_multi_index(s, t); });
    if (!cheap) break;
    hits.clear();
    collect(q, r, 0, hits);
    if (hits.size() >= k) {
      auto out = to_matches(hits);
      out.resize(k);
      return out;
    }
  }
  // One linear pass with a shrinking bound: keep every hit within the current k-th distance.
  const IndexKernels& kern = active_kernels();
  auto& pos = scratch().positions;
  constexpr std::uint32_t kBlock = 4096;
  if (pos.size() < kBlock) pos.resize(kBlock);
  hits.clear();
  int bound = kBits;
  const auto cut = [&] {
    std::nth_element(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(k - 1), hits.end(),
                     [](const Hit& a, const Hit& b) { return a.distance < b.distance; });
    bound = hits[k - 1].distance;
    hits.erase(std::remove_if(hits.begin(), hits.end(), [&](const Hit& h) { return h.distance > bound; }),
               hits.end());
  };
  for (std::uint32_t b = 0; b < store_.slots(); b += kBlock) {
    const std::uint32_t len = std::min(kBlock, store_.slots() - b);
    const std::uint64_t* h = store_.hashes.data() + std::size_t{b} * W;
    const std::size_t found = W == 4 ? kern.scan256(h, len, q, bound, pos.data())
                                     : kern.scan64(h, len, q[0], bound, pos.data());
    for (std::size_t j = 0; j < found; ++j) {
      const std::uint32_t slot = b + pos[j];
      if (store_.id_ref[slot] == kDead) continue;
      const std::uint64_t* e = store_.hashes.data() + std::size_t{slot} * W;
      const int d = W == 4 ? kern.distance256(e, q) : kern.distance64(e[0], q[0]);
      if (d <= bound) hits.push_back({slot, d, 0});
    }
    if (hits.size() >= 2 * k + 64) cut();
  }
  auto out = to_matches(hits);
  if (out.size() > k) out.resize(k);
  return out;
}

// ----------------------------------------------------------------------------------------------
// Writers

template <class Hash>
void HammingIndexImpl<Hash>::check_id(std::string_view id) const {
  if (id.empty() || id.size() > kMaxIdBytes) {
    throw Error(ErrorCode::kInvalidArgument,
                "Hamming index: id must be 1..65535 bytes, got " + std::to_string(id.size()));
  }
}

template <class Hash>
void HammingIndexImpl<Hash>::append_locked(std::string_view id, const Hash& hash, UnixSeconds time) {
  const std::size_t h = id_hash(id);
  if (!store_.table.empty()) {
    // Both cells are likely cache misses: start the slot's (written below) while the tag is read.
    const std::size_t cell = h & (store_.table.size() - 1);
    __builtin_prefetch(store_.tags.data() + cell);
    __builtin_prefetch(store_.table.data() + cell, 1);
  }
  const std::uint32_t old = store_.find_hashed(id, h);
  if (old != kDead) store_.kill(old);
  std::uint64_t words[W];
  Traits::store(hash, words);
  store_.append_hashed(id, h, words, time);
}

template <class Hash>
void HammingIndexImpl<Hash>::after_write(std::unique_lock<std::mutex>& /*writer held*/) {
  if (store_.dead > store_.live && store_.dead >= kTailMax) {
    compact_locked();
    return;
  }
  // Flush a full tail into a segment that also absorbs the trailing segments no larger than what it
  // has gathered so far: the same end state as flushing and then merging like a binary counter,
  // but each row is indexed once per flush instead of once per merge step.
  // Segments are built under the shared lock, so queries keep running; only the swap is exclusive.
  if (store_.slots() - tail_begin() < kTailMax) return;
  std::size_t keep = segments_.size();
  std::uint32_t begin = tail_begin();
  while (keep > 0 && segments_[keep - 1].size() <=
                        static_cast<std::uint64_t>(options_.merge_ratio) * (store_.slots() - begin)) {
    --keep;
    begin = segments_[keep].begin;
  }
  Segment s;
  {
    auto lock = read_lock();
    s = build_segment(store_.hashes, begin, store_.slots());
  }
  auto lock = write_lock();
  segments_.resize(keep);
  segments_.push_back(std::move(s));
}

template <class Hash>
void HammingIndexImpl<Hash>::compact_locked() {
  Storage<W> fresh;
  std::vector<Segment> segs;
  {
    auto lock = read_lock();
    const std::size_t n = store_.live;
    fresh.hashes.reserve(n * W);
    fresh.times.reserve(n);
    fresh.id_ref.reserve(n);
    std::size_t arena_bytes = 0;
    for (std::uint32_t s = 0; s < store_.slots(); ++s) {
      if (store_.id_ref[s] != kDead) arena_bytes += 2 + store_.id_at(s).size();
    }
    fresh.arena.reserve(arena_bytes);
    fresh.rebuild_table(n * 4 / 3 + 2);
    for (std::uint32_t s = 0; s < store_.slots(); ++s) {
      if (store_.id_ref[s] == kDead) continue;
      fresh.append(store_.id_at(s), store_.hashes.data() + std::size_t{s} * W, store_.times[s]);
    }
    if (fresh.slots() >= kTailMax) segs.push_back(build_segment(fresh.hashes, 0, fresh.slots()));
  }
  auto lock = write_lock();
  store_ = std::move(fresh);
  segments_ = std::move(segs);
}

template <class Hash>
void HammingIndexImpl<Hash>::insert(std::string_view id, const Hash& hash, UnixSeconds time) {
  check_id(id);
  std::unique_lock writer(writer_mutex_);
  {
    auto lock = write_lock();
    append_locked(id, hash, time);
  }
  after_write(writer);
}

template <class Hash>
void HammingIndexImpl<Hash>::insert_batch(std::span<const std::string> ids, std::span<const Hash> hashes,
                                          std::span<const UnixSeconds> times) {
  if (ids.size() != hashes.size() || ids.size() != times.size()) {
    throw Error(ErrorCode::kInvalidArgument, "Hamming index insert_batch: " + std::to_string(ids.size()) + " ids, " +
                                                 std::to_string(hashes.size()) + " hashes, " +
                                                 std::to_string(times.size()) + " times");
  }
  for (const auto& id : ids) check_id(id);
  std::unique_lock writer(writer_mutex_);
  {
    // One allocation for the whole batch instead of one per piece (each copied the rows so far).
    std::size_t id_bytes = 0;
    for (const auto& id : ids) id_bytes += 2 + id.size();
    auto lock = write_lock();
    store_.reserve(store_.slots() + ids.size());
    store_.arena.reserve(store_.arena.size() + id_bytes);
  }
  // Pieces as large as the index so far: the exclusive hold stays bounded relative to the index,
  // and each piece's segment absorbs the older segments, so a row is indexed O(log) times.
  constexpr std::size_t kAhead = 8;  // prefetch the id table cells of the ids a few rows ahead
  std::size_t i = 0;
  while (i < ids.size()) {
    const std::size_t piece = std::max<std::size_t>(65536, store_.live);
    const std::size_t end = std::min(ids.size(), i + piece);
    {
      auto lock = write_lock();
      for (; i < end; ++i) {
        if (i + kAhead < end) {
          const std::size_t cell = id_hash(ids[i + kAhead]) & (store_.table.size() - 1);
          __builtin_prefetch(store_.table.data() + cell);
          __builtin_prefetch(store_.tags.data() + cell);
        }
        append_locked(ids[i], hashes[i], times[i]);
      }
    }
    after_write(writer);
  }
}

template <class Hash>
bool HammingIndexImpl<Hash>::erase(std::string_view id) {
  std::unique_lock writer(writer_mutex_);
  {
    auto lock = write_lock();
    const std::uint32_t slot = store_.find(id);
    if (slot == kDead) return false;
    store_.kill(slot);
  }
  after_write(writer);
  return true;
}

template <class Hash>
std::size_t HammingIndexImpl<Hash>::expire_before(UnixSeconds cutoff) {
  std::unique_lock writer(writer_mutex_);
  std::vector<std::uint32_t> doomed;
  {
    auto lock = read_lock();
    for (std::uint32_t s = 0; s < store_.slots(); ++s) {
      if (store_.id_ref[s] != kDead && store_.times[s] < cutoff) doomed.push_back(s);
    }
  }
  {
    auto lock = write_lock();
    for (const std::uint32_t s : doomed) store_.kill(s);
  }
  after_write(writer);
  return doomed.size();
}

template <class Hash>
void HammingIndexImpl<Hash>::compact() {
  std::unique_lock writer(writer_mutex_);
  compact_locked();
}

template <class Hash>
void HammingIndexImpl<Hash>::reserve(std::size_t n) {
  std::unique_lock writer(writer_mutex_);
  auto lock = write_lock();
  store_.reserve(n);
}

// ----------------------------------------------------------------------------------------------
// Readers

template <class Hash>
bool HammingIndexImpl<Hash>::contains(std::string_view id) const {
  auto lock = read_lock();
  return store_.find(id) != kDead;
}

template <class Hash>
std::size_t HammingIndexImpl<Hash>::size() const {
  auto lock = read_lock();
  return store_.live;
}

template <class Hash>
std::size_t HammingIndexImpl<Hash>::memory_bytes() const {
  auto lock = read_lock();
  std::size_t total = sizeof(*this) + store_.memory_bytes() + segments_.capacity() * sizeof(Segment);
  for (const Segment& s : segments_) total += s.memory_bytes();
  return total;
}

template <class Hash>
std::size_t HammingIndexImpl<Hash>::segment_count() const {
  auto lock = read_lock();
  return segments_.size();
}

namespace {
void check_radius(int radius, int bits) {
  if (radius < 0 || radius > bits) {
    throw Error(ErrorCode::kInvalidArgument,
                "Hamming index: radius " + std::to_string(radius) + " is outside 0.." + std::to_string(bits));
  }
}
}  // namespace

template <class Hash>
std::vector<IndexMatch> HammingIndexImpl<Hash>::query(const Hash& q, int radius) const {
  check_radius(radius, kBits);
  std::uint64_t w[W];
  Traits::store(q, w);
  auto lock = read_lock();
  return query_locked(w, radius);
}

template <class Hash>
std::vector<IndexMatch> HammingIndexImpl<Hash>::nearest(const Hash& q, std::size_t k) const {
  std::uint64_t w[W];
  Traits::store(q, w);
  auto lock = read_lock();
  return nearest_locked(w, k);
}

// Runs one search per query under a single read lock.
template <class Hash>
template <class Search>
std::vector<std::vector<IndexMatch>> HammingIndexImpl<Hash>::each_locked(std::span<const Hash> qs,
                                                                         Search&& search) const {
  std::vector<std::vector<IndexMatch>> out;
  out.reserve(qs.size());
  auto lock = read_lock();
  for (const Hash& q : qs) {
    std::uint64_t w[W];
    Traits::store(q, w);
    out.push_back(search(w));
  }
  return out;
}

template <class Hash>
std::vector<std::vector<IndexMatch>> HammingIndexImpl<Hash>::query_batch(std::span<const Hash> qs, int radius) const {
  check_radius(radius, kBits);
  return each_locked(qs, [&](const std::uint64_t* w) { return query_locked(w, radius); });
}

template <class Hash>
std::vector<std::vector<IndexMatch>> HammingIndexImpl<Hash>::nearest_batch(std::span<const Hash> qs,
                                                                           std::size_t k) const {
  return each_locked(qs, [&](const std::uint64_t* w) { return nearest_locked(w, k); });
}

template <class Hash>
std::vector<DihedralMatch> HammingIndexImpl<Hash>::query_dihedral(const std::array<Hash, 8>& variants,
                                                                  int radius) const {
  check_radius(radius, kBits);
  std::vector<Hit> hits;
  {
    auto lock = read_lock();
    for (int v = 0; v < 8; ++v) {
      std::uint64_t w[W];
      Traits::store(variants[v], w);
      collect(w, radius, v, hits);
    }
    // One row per entry: its smallest distance, and the lowest variant giving it.
    std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
      return std::tie(a.slot, a.distance, a.variant) < std::tie(b.slot, b.distance, b.variant);
    });
    hits.erase(std::unique(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.slot == b.slot; }),
               hits.end());
    std::sort(hits.begin(), hits.end(), [this](const Hit& a, const Hit& b) {
      if (a.distance != b.distance) return a.distance < b.distance;
      return store_.id_at(a.slot) < store_.id_at(b.slot);
    });
    std::vector<DihedralMatch> out;
    out.reserve(hits.size());
    for (const Hit& h : hits) {
      out.push_back({std::string(store_.id_at(h.slot)), h.distance, h.variant, store_.times[h.slot]});
    }
    return out;
  }
}

// ----------------------------------------------------------------------------------------------
// File format (little-endian): "SARINDEX", u32 version, u32 hash bits, u64 entry count, then per
// entry the hash words (u64 each, Hash256::words order), i64 time, u16 id length, id bytes; last a
// u32 CRC-32 of everything before it.

template <class Hash>
void HammingIndexImpl<Hash>::save(std::ostream& out) const {
  auto lock = read_lock();
  std::string buf;
  buf.append(kMagic, 8);
  put_le<std::uint32_t>(buf, kFormatVersion);
  put_le<std::uint32_t>(buf, kBits);
  put_le<std::uint64_t>(buf, store_.live);
  std::uint32_t crc = 0;
  const auto flush = [&] {
    crc = crc32_update(crc, buf.data(), buf.size());
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
    buf.clear();
  };
  for (std::uint32_t s = 0; s < store_.slots(); ++s) {
    if (store_.id_ref[s] == kDead) continue;
    for (int w = 0; w < W; ++w) put_le<std::uint64_t>(buf, store_.hashes[std::size_t{s} * W + w]);
    put_le<std::int64_t>(buf, store_.times[s]);
    const std::string_view id = store_.id_at(s);
    put_le<std::uint16_t>(buf, static_cast<std::uint16_t>(id.size()));
    buf.append(id);
    if (buf.size() >= (1u << 20)) flush();
  }
  flush();
  put_le<std::uint32_t>(buf, crc);
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  if (!out) throw Error(ErrorCode::kIo, "Hamming index: writing the index failed");
}

template <class Hash>
std::unique_ptr<HammingIndexImpl<Hash>> HammingIndexImpl<Hash>::load(std::istream& in, std::string_view name,
                                                                     HammingIndexOptions options) {
  const std::string where = "index file '" + std::string(name) + "'";
  std::string data;
  {
    char chunk[1 << 16];
    while (in.read(chunk, sizeof chunk) || in.gcount() > 0) data.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (in.bad()) throw Error(ErrorCode::kIo, where + ": read error");
  }
  const auto corrupt = [&](const std::string& what) { return Error(ErrorCode::kCorrupt, where + ": " + what); };
  if (data.size() < kHeaderBytes + 4) {
    throw corrupt("truncated: " + std::to_string(data.size()) + " bytes, a valid file has at least " +
                  std::to_string(kHeaderBytes + 4));
  }
  if (std::memcmp(data.data(), kMagic, 8) != 0) throw corrupt("not a saring index (bad magic)");
  const auto version = get_le<std::uint32_t>(data.data() + 8);
  if (version != kFormatVersion) {
    throw corrupt("unsupported format version " + std::to_string(version) + " (this build reads " +
                  std::to_string(kFormatVersion) + ")");
  }
  const auto bits = get_le<std::uint32_t>(data.data() + 12);
  if (bits != static_cast<std::uint32_t>(kBits)) {
    throw corrupt("holds " + std::to_string(bits) + "-bit hashes, expected " + std::to_string(kBits));
  }
  const std::size_t body_end = data.size() - 4;
  const auto stored_crc = get_le<std::uint32_t>(data.data() + body_end);
  if (crc32_update(0, data.data(), body_end) != stored_crc) {
    throw corrupt("checksum mismatch (the file is truncated or corrupted)");
  }
  const auto count = get_le<std::uint64_t>(data.data() + 16);
  constexpr std::size_t kMinEntry = W * 8 + 8 + 2 + 1;
  if (count > (body_end - kHeaderBytes) / kMinEntry) {
    throw corrupt("entry count " + std::to_string(count) + " does not fit in " + std::to_string(data.size()) + " bytes");
  }
  auto impl = std::make_unique<HammingIndexImpl<Hash>>(options);
  Storage<W>& st = impl->store_;
  st.reserve(count);
  std::size_t at = kHeaderBytes;
  for (std::uint64_t e = 0; e < count; ++e) {
    if (body_end - at < W * 8 + 8 + 2) throw corrupt("entry " + std::to_string(e) + " is truncated");
    std::uint64_t words[W];
    for (int w = 0; w < W; ++w) words[w] = get_le<std::uint64_t>(data.data() + at + 8 * w);
    at += W * 8;
    const auto time = get_le<std::int64_t>(data.data() + at);
    at += 8;
    const auto len = get_le<std::uint16_t>(data.data() + at);
    at += 2;
    if (len == 0) throw corrupt("entry " + std::to_string(e) + " has an empty id");
    if (body_end - at < len) throw corrupt("entry " + std::to_string(e) + " is truncated");
    const std::string_view id(data.data() + at, len);
    at += len;
    if (st.find(id) != kDead) throw corrupt("entry " + std::to_string(e) + " repeats id '" + std::string(id) + "'");
    st.append(id, words, time);
  }
  if (at != body_end) throw corrupt(std::to_string(body_end - at) + " unexpected bytes after the last entry");
  if (st.slots() >= kTailMax) impl->segments_.push_back(build_segment(st.hashes, 0, st.slots()));
  return impl;
}

template class HammingIndexImpl<Hash256>;
template class HammingIndexImpl<Hash64>;

}  // namespace detail

// ----------------------------------------------------------------------------------------------
// Public facade

template <class Hash>
HammingIndex<Hash>::HammingIndex(HammingIndexOptions options) {
  options.validate();
  impl_ = std::make_unique<detail::HammingIndexImpl<Hash>>(options);
}
template <class Hash>
HammingIndex<Hash>::~HammingIndex() = default;
template <class Hash>
HammingIndex<Hash>::HammingIndex(HammingIndex&&) noexcept = default;
template <class Hash>
HammingIndex<Hash>& HammingIndex<Hash>::operator=(HammingIndex&&) noexcept = default;

template <class Hash>
void HammingIndex<Hash>::insert(std::string_view id, const Hash& hash, UnixSeconds time) {
  impl_->insert(id, hash, time);
}
template <class Hash>
void HammingIndex<Hash>::insert_batch(std::span<const std::string> ids, std::span<const Hash> hashes,
                                      std::span<const UnixSeconds> times) {
  impl_->insert_batch(ids, hashes, times);
}
template <class Hash>
bool HammingIndex<Hash>::erase(std::string_view id) { return impl_->erase(id); }
template <class Hash>
std::size_t HammingIndex<Hash>::expire_before(UnixSeconds cutoff) { return impl_->expire_before(cutoff); }
template <class Hash>
void HammingIndex<Hash>::compact() { impl_->compact(); }
template <class Hash>
void HammingIndex<Hash>::reserve(std::size_t entries) { impl_->reserve(entries); }
template <class Hash>
bool HammingIndex<Hash>::contains(std::string_view id) const { return impl_->contains(id); }
template <class Hash>
std::size_t HammingIndex<Hash>::size() const { return impl_->size(); }
template <class Hash>
std::size_t HammingIndex<Hash>::memory_bytes() const { return impl_->memory_bytes(); }
template <class Hash>
std::vector<IndexMatch> HammingIndex<Hash>::query(const Hash& hash, int radius) const {
  return impl_->query(hash, radius);
}
template <class Hash>
std::vector<IndexMatch> HammingIndex<Hash>::nearest(const Hash& hash, std::size_t k) const {
  return impl_->nearest(hash, k);
}
template <class Hash>
std::vector<std::vector<IndexMatch>> HammingIndex<Hash>::query_batch(std::span<const Hash> hashes, int radius) const {
  return impl_->query_batch(hashes, radius);
}
template <class Hash>
std::vector<std::vector<IndexMatch>> HammingIndex<Hash>::nearest_batch(std::span<const Hash> hashes,
                                                                       std::size_t k) const {
  return impl_->nearest_batch(hashes, k);
}
template <class Hash>
std::vector<DihedralMatch> HammingIndex<Hash>::query_dihedral(const std::array<Hash, 8>& variants, int radius) const
  requires std::is_same_v<Hash, Hash256>
{
  return impl_->query_dihedral(variants, radius);
}
template <class Hash>
void HammingIndex<Hash>::save(const std::filesystem::path& path) const {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(ErrorCode::kIo, "index file '" + tmp.string() + "': cannot open for writing");
    impl_->save(out);
    out.close();
    if (!out) throw Error(ErrorCode::kIo, "index file '" + tmp.string() + "': write failed");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw Error(ErrorCode::kIo, "index file '" + path.string() + "': cannot rename into place: " + ec.message());
}
template <class Hash>
void HammingIndex<Hash>::save(std::ostream& out) const {
  impl_->save(out);
}
template <class Hash>
HammingIndex<Hash> HammingIndex<Hash>::load(const std::filesystem::path& path, HammingIndexOptions options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kIo, "index file '" + path.string() + "': cannot open for reading");
  return load(in, path.string(), options);
}
template <class Hash>
HammingIndex<Hash> HammingIndex<Hash>::load(std::istream& in, std::string_view name, HammingIndexOptions options) {
  options.validate();
  HammingIndex<Hash> index(options);
  index.impl_ = detail::HammingIndexImpl<Hash>::load(in, name, options);
  return index;
}

template class HammingIndex<Hash256>;
template class HammingIndex<Hash64>;

}  // namespace saring
