#include "saring/index/hamming_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "index/hamming_index_impl.hpp"
#include "index/kernels.hpp"
#include "saring/core/error.hpp"

namespace saring {
namespace {

struct Entry256 {
  std::string id;
  Hash256 hash;
  UnixSeconds time;
};

Hash256 random_hash(std::mt19937_64& rng) { return Hash256(Hash256::Words{rng(), rng(), rng(), rng()}); }

Hash256 flip_bits(Hash256 h, int bits, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> pick(0, 255);
  for (int i = 0; i < bits; ++i) {
    const int b = pick(rng);
    h.set_bit(b, !h.bit(b));
  }
  return h;
}

// The index's result order: by distance, then id.
void sort_matches(std::vector<IndexMatch>& m) {
  std::sort(m.begin(), m.end(), [](const IndexMatch& a, const IndexMatch& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.id < b.id;
  });
}

// Brute force over the live entries: the reference every query is compared with.
std::vector<IndexMatch> brute(const std::vector<Entry256>& entries, const Hash256& q, int radius) {
  std::vector<IndexMatch> out;
  for (const auto& e : entries) {
    const int d = e.hash.distance(q);
    if (d <= radius) out.push_back({e.id, d, e.time});
  }
  sort_matches(out);
  return out;
}

std::vector<IndexMatch> brute_nearest(const std::vector<Entry256>& entries, const Hash256& q, std::size_t k) {
  auto all = brute(entries, q, 256);
  if (all.size() > k) all.resize(k);
  return all;
}

// Random haystack, or families: a few centres with many members a few bits away.
std::vector<Entry256> make_entries(std::size_t n, bool clustered, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Entry256> out;
  std::vector<Hash256> centres;
  for (int i = 0; i < 20; ++i) centres.push_back(random_hash(rng));
  std::uniform_int_distribution<int> bits(0, 40);
  for (std::size_t i = 0; i < n; ++i) {
    Hash256 h = clustered ? flip_bits(centres[i % centres.size()], bits(rng), rng) : random_hash(rng);
    out.push_back({"r" + std::to_string(i), h, static_cast<UnixSeconds>(1000 + i)});
  }
  return out;
}

// The entries as the three spans insert_batch takes.
std::tuple<std::vector<std::string>, std::vector<Hash256>, std::vector<UnixSeconds>> columns(
    const std::vector<Entry256>& entries) {
  std::tuple<std::vector<std::string>, std::vector<Hash256>, std::vector<UnixSeconds>> out;
  for (const auto& e : entries) {
    std::get<0>(out).push_back(e.id);
    std::get<1>(out).push_back(e.hash);
    std::get<2>(out).push_back(e.time);
  }
  return out;
}

template <class Index>
void insert_all(Index& index, const std::vector<Entry256>& entries) {
  for (const auto& e : entries) index.insert(e.id, e.hash, e.time);
}

class IndexVsBruteForce : public ::testing::TestWithParam<std::tuple<IndexStrategy, bool, int>> {
 protected:
  void TearDown() override { detail::set_active_kernel_level(detail::best_kernel_level()); }
};

TEST_P(IndexVsBruteForce, QueriesMatchBruteForce) {
  const auto [strategy, clustered, level] = GetParam();
  detail::set_active_kernel_level(static_cast<detail::KernelLevel>(level));
  // 55000 entries: two segments (32768 + 16384, after binary-counter merges) plus a tail.
  const auto entries = make_entries(55000, clustered, clustered ? 7 : 8);
  PdqIndex index(HammingIndexOptions{strategy});
  insert_all(index, entries);
  ASSERT_EQ(index.size(), entries.size());
  std::mt19937_64 rng(99);
  for (int trial = 0; trial < 12; ++trial) {
    // Queries near an entry (so there are hits) and random ones.
    const Hash256 q = trial % 3 == 2   ? random_hash(rng)
                      : trial % 3 == 0 ? entries[rng() % entries.size()].hash
                                       : flip_bits(entries[rng() % entries.size()].hash, static_cast<int>(rng() % 20), rng);
    for (int radius : {0, 1, 5, 15, 31, 47, 80}) {
      ASSERT_EQ(index.query(q, radius), brute(entries, q, radius)) << "radius " << radius << " trial " << trial;
    }
    for (std::size_t k : {std::size_t{1}, std::size_t{10}, std::size_t{100}}) {
      ASSERT_EQ(index.nearest(q, k), brute_nearest(entries, q, k)) << "k " << k;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllStrategiesKernels, IndexVsBruteForce,
    ::testing::Combine(::testing::Values(IndexStrategy::kAuto, IndexStrategy::kLinearScan, IndexStrategy::kMultiIndex),
                       ::testing::Bool(), ::testing::Values(0, 1, 2, 3)));

// The multi-index bound is tight: an entry at distance exactly r whose bits are spread so that
// all chunks but one miss their threshold by one must still be found, for every radius.
TEST(PdqIndex, FindsEntriesAtThePigeonholeBoundary) {
  using Traits = detail::HashTraits<Hash256>;
  constexpr int m = static_cast<int>(Traits::kChunks.size());
  std::mt19937_64 rng(41);
  const auto background = make_entries(17000, false, 40);  // > one tail (16384): a segment
  for (int radius : {0, 1, 5, 10, 11, 12, 21, 31, 32, 47}) {
    const int total = radius - m + 1;
    for (int lucky = 0; lucky < m; ++lucky) {
      // Threshold of chunk c as the index assigns them (wider chunks first take the remainder).
      const int base = total >= 0 ? total / m : -((-total + m - 1) / m);
      const int extra = total - base * m;
      Hash256 entry = random_hash(rng);
      Hash256 q = entry;
      int flipped = 0;
      bool possible = true;
      for (int c = 0; c < m; ++c) {
        const int t = base + (c < extra ? 1 : 0);
        int flips = c == lucky ? t : t + 1;
        if (flips < 0) flips = 0;
        if (c == lucky && t < 0) possible = false;
        for (int b = 0; b < flips; ++b) q.set_bit(Traits::kChunks[c].start + b, !q.bit(Traits::kChunks[c].start + b));
        flipped += flips;
      }
      if (!possible) continue;
      ASSERT_LE(flipped, radius);
      for (IndexStrategy strategy : {IndexStrategy::kMultiIndex, IndexStrategy::kAuto}) {
        PdqIndex index(HammingIndexOptions{strategy});
        index.insert("target", entry, 1);  // first, so it lands in a segment rather than the tail
        insert_all(index, background);
        const auto r = index.query(q, radius);
        ASSERT_TRUE(std::any_of(r.begin(), r.end(), [](const IndexMatch& x) { return x.id == "target"; }))
            << "radius " << radius << " lucky chunk " << lucky;
        auto all = background;
        all.push_back({"target", entry, 1});
        ASSERT_EQ(r, brute(all, q, radius));
      }
    }
  }
}

TEST(PdqIndex, RadiusZeroAndFullWidth) {
  const auto entries = make_entries(5000, false, 3);
  PdqIndex index;
  insert_all(index, entries);
  const auto exact = index.query(entries[1234].hash, 0);
  ASSERT_EQ(exact.size(), 1u);
  EXPECT_EQ(exact[0].id, "r1234");
  EXPECT_EQ(exact[0].distance, 0);
  EXPECT_EQ(exact[0].time, 1000 + 1234);
  EXPECT_EQ(index.query(entries[5].hash, 256).size(), entries.size());
  EXPECT_EQ(index.query(entries[5].hash, 256), brute(entries, entries[5].hash, 256));
  EXPECT_THROW(index.query(entries[5].hash, 257), Error);
  EXPECT_THROW(index.query(entries[5].hash, -1), Error);
}

TEST(PdqIndex, AllZeroAllOneAndManyIdenticalHashes) {
  for (IndexStrategy strategy : {IndexStrategy::kAuto, IndexStrategy::kMultiIndex, IndexStrategy::kLinearScan}) {
    PdqIndex index(HammingIndexOptions{strategy});
    const Hash256 zero;
    const Hash256 ones(Hash256::Words{~0ull, ~0ull, ~0ull, ~0ull});
    std::vector<Entry256> entries;
    for (int i = 0; i < 17000; ++i) entries.push_back({"z" + std::to_string(i), zero, i});
    entries.push_back({"one", ones, 5});
    Hash256 near = zero;
    near.set_bit(3);
    near.set_bit(200);
    entries.push_back({"near", near, 6});
    insert_all(index, entries);
    auto r = index.query(zero, 2);
    EXPECT_EQ(r, brute(entries, zero, 2));
    EXPECT_EQ(r.size(), 17001u);
    EXPECT_EQ(r.back().id, "near");
    EXPECT_EQ(index.query(ones, 0), brute(entries, ones, 0));
    EXPECT_EQ(index.query(ones, 255), brute(entries, ones, 255));
    EXPECT_EQ(index.query(ones, 256).size(), entries.size());
    const auto nn = index.nearest(ones, 2);
    ASSERT_EQ(nn.size(), 2u);
    EXPECT_EQ(nn[0].id, "one");
    EXPECT_EQ(nn[1].id, "near");
    EXPECT_EQ(nn[1].distance, 254);
  }
}

TEST(PdqIndex, EraseThenReinsertAndReplace) {
  auto entries = make_entries(20000, true, 11);
  PdqIndex index;
  insert_all(index, entries);
  EXPECT_TRUE(index.erase("r17"));
  EXPECT_FALSE(index.erase("r17"));
  EXPECT_FALSE(index.contains("r17"));
  EXPECT_EQ(index.size(), entries.size() - 1);
  const Hash256 h17 = entries[17].hash;
  for (const auto& m : index.query(h17, 256)) ASSERT_NE(m.id, "r17");
  index.insert("r17", h17, 42);
  EXPECT_TRUE(index.contains("r17"));
  auto r = index.query(h17, 0);
  ASSERT_FALSE(r.empty());
  EXPECT_TRUE(std::any_of(r.begin(), r.end(), [](const IndexMatch& m) { return m.id == "r17" && m.time == 42; }));
  // Inserting a present id replaces its hash and time.
  std::mt19937_64 rng(5);
  const Hash256 fresh = random_hash(rng);
  index.insert("r18", fresh, 77);
  EXPECT_EQ(index.size(), entries.size());
  entries[17].time = 42;
  entries[18].hash = fresh;
  entries[18].time = 77;
  for (int radius : {0, 10, 31}) {
    EXPECT_EQ(index.query(fresh, radius), brute(entries, fresh, radius));
    EXPECT_EQ(index.query(entries[100].hash, radius), brute(entries, entries[100].hash, radius));
  }
}

TEST(PdqIndex, ExpiryIsStrictlyBeforeTheCutoff) {
  auto entries = make_entries(12000, false, 12);  // times 1000..12999
  PdqIndex index;
  insert_all(index, entries);
  EXPECT_EQ(index.expire_before(1000), 0u);  // nothing is older than the oldest
  EXPECT_EQ(index.expire_before(6000), 5000u);
  EXPECT_EQ(index.size(), 7000u);
  EXPECT_FALSE(index.contains("r4999"));  // time 5999
  EXPECT_TRUE(index.contains("r5000"));   // time 6000: kept, the cutoff is exclusive
  std::vector<Entry256> kept(entries.begin() + 5000, entries.end());
  const Hash256 q = entries[6000].hash;
  EXPECT_EQ(index.query(q, 256), brute(kept, q, 256));
  // Expiring most of the rest triggers compaction; results must not change.
  EXPECT_EQ(index.expire_before(12000), 6000u);
  kept.assign(entries.begin() + 11000, entries.end());
  EXPECT_EQ(index.size(), 1000u);
  EXPECT_EQ(index.query(q, 256), brute(kept, q, 256));
  EXPECT_EQ(index.nearest(entries[11500].hash, 3), brute_nearest(kept, entries[11500].hash, 3));
}

TEST(PdqIndex, CompactKeepsResultsAndShrinksMemory) {
  auto entries = make_entries(30000, true, 13);
  PdqIndex index;
  insert_all(index, entries);
  std::vector<Entry256> kept;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i % 3 == 0) {
      ASSERT_TRUE(index.erase(entries[i].id));
    } else {
      kept.push_back(entries[i]);
    }
  }
  const std::size_t before = index.memory_bytes();
  index.compact();
  EXPECT_LT(index.memory_bytes(), before);
  for (int i = 0; i < 5; ++i) {
    const Hash256 q = kept[static_cast<std::size_t>(i) * 999].hash;
    EXPECT_EQ(index.query(q, 31), brute(kept, q, 31));
  }
}

// Segments of 2^16 rows or more use more than 2^10 keys per chunk, which builds them with a
// two-pass scatter; 150,000 rows give one of 131,072 rows (key bits 11) plus smaller ones. The
// haystack mixes random hashes and tight families so keys are both spread and repeated.
TEST(PdqIndex, LargeSegmentsMatchBruteForce) {
  auto entries = make_entries(75000, false, 31);
  auto families = make_entries(75000, true, 32);
  for (auto& e : families) {
    e.id = "f" + e.id;
    entries.push_back(e);
  }
  const auto [ids, hashes, times] = columns(entries);
  for (bool batch : {false, true}) {
    PdqIndex index(HammingIndexOptions{IndexStrategy::kMultiIndex});
    if (batch) {
      index.insert_batch(ids, hashes, times);
    } else {
      insert_all(index, entries);
    }
    ASSERT_EQ(index.size(), entries.size());
    std::mt19937_64 rng(33);
    for (int trial = 0; trial < 6; ++trial) {
      const Hash256 q = flip_bits(entries[rng() % entries.size()].hash, trial * 3, rng);
      for (int radius : {0, 12, 31}) {
        ASSERT_EQ(index.query(q, radius), brute(entries, q, radius)) << "radius " << radius << " batch " << batch;
      }
    }
  }
}

TEST(PdqIndex, BatchQueriesEqualSingleQueries) {
  const auto entries = make_entries(9000, true, 14);
  PdqIndex index;
  const auto [ids, hashes, times] = columns(entries);
  index.insert_batch(ids, hashes, times);
  EXPECT_EQ(index.size(), entries.size());
  std::vector<Hash256> qs(hashes.begin(), hashes.begin() + 20);
  const auto batch = index.query_batch(qs, 31);
  const auto near = index.nearest_batch(qs, 5);
  ASSERT_EQ(batch.size(), qs.size());
  for (std::size_t i = 0; i < qs.size(); ++i) {
    EXPECT_EQ(batch[i], brute(entries, qs[i], 31));
    EXPECT_EQ(near[i], brute_nearest(entries, qs[i], 5));
  }
  std::vector<UnixSeconds> short_times(3);
  EXPECT_THROW(index.insert_batch(ids, hashes, short_times), Error);
}

TEST(PdqIndex, DihedralQueryReportsBestVariant) {
  std::mt19937_64 rng(15);
  std::array<Hash256, 8> variants;
  for (auto& v : variants) v = random_hash(rng);
  PdqIndex index;
  std::vector<Entry256> entries = make_entries(6000, false, 16);
  // An archived photo that is the query's 90-degree rotation (variant 1), 3 bits off, and one
  // equal to both variant 4 and close to variant 6.
  entries.push_back({"rot90", flip_bits(variants[1], 3, rng), 1});
  entries.push_back({"mirror", variants[4], 2});
  insert_all(index, entries);
  const auto matches = index.query_dihedral(variants, 31);
  std::vector<DihedralMatch> expected;
  for (const auto& e : entries) {
    int best = 1000, which = -1;
    for (int v = 0; v < 8; ++v) {
      const int d = e.hash.distance(variants[v]);
      if (d < best) best = d, which = v;
    }
    if (best <= 31) expected.push_back({e.id, best, which, e.time});
  }
  std::sort(expected.begin(), expected.end(), [](const DihedralMatch& a, const DihedralMatch& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.id < b.id;
  });
  EXPECT_EQ(matches, expected);
  ASSERT_GE(matches.size(), 2u);
  EXPECT_EQ(matches[0].id, "mirror");
  EXPECT_EQ(matches[0].variant, 4);
  EXPECT_EQ(matches[1].id, "rot90");
  EXPECT_EQ(matches[1].variant, 1);
}

TEST(PdqIndex, RejectsBadIds) {
  PdqIndex index;
  EXPECT_THROW(index.insert("", Hash256(), 0), Error);
  EXPECT_THROW(index.insert(std::string(70000, 'x'), Hash256(), 0), Error);
  index.insert(std::string(65535, 'x'), Hash256(), 0);
  EXPECT_EQ(index.size(), 1u);
}

TEST(Hash64Index, MatchesBruteForce) {
  for (IndexStrategy strategy : {IndexStrategy::kAuto, IndexStrategy::kLinearScan, IndexStrategy::kMultiIndex}) {
    std::mt19937_64 rng(21);
    Hash64Index index(HammingIndexOptions{strategy});
    std::vector<std::pair<std::string, Hash64>> entries;
    const std::uint64_t centre = rng();
    for (int i = 0; i < 20000; ++i) {
      std::uint64_t bits = i % 2 ? rng() : centre;
      if (i % 2 == 0) {
        for (int f = 0; f < i % 9; ++f) bits ^= 1ull << (rng() % 64);
      }
      entries.emplace_back("p" + std::to_string(i), Hash64(bits));
      index.insert(entries.back().first, entries.back().second, i);
    }
    for (int trial = 0; trial < 8; ++trial) {
      const Hash64 q = trial % 2 ? Hash64(rng()) : Hash64(centre ^ (1ull << trial));
      for (int radius : {0, 3, 8, 12, 20, 64}) {
        std::vector<IndexMatch> want;
        for (std::size_t i = 0; i < entries.size(); ++i) {
          const int d = entries[i].second.distance(q);
          if (d <= radius) want.push_back({entries[i].first, d, static_cast<UnixSeconds>(i)});
        }
        sort_matches(want);
        ASSERT_EQ(index.query(q, radius), want) << "radius " << radius;
        if (radius == 64) {
          want.resize(7);
          ASSERT_EQ(index.nearest(q, 7), want);
        }
      }
    }
    EXPECT_THROW(index.query(Hash64(), 65), Error);
  }
}

TEST(Hash64Index, LargeSegmentsMatchBruteForce) {
  std::mt19937_64 rng(22);
  Hash64Index index(HammingIndexOptions{IndexStrategy::kMultiIndex});
  std::vector<Hash64> hashes;
  const std::uint64_t centre = rng();
  for (int i = 0; i < 140000; ++i) {
    std::uint64_t bits = i % 4 ? rng() : centre ^ (1ull << (rng() % 64)) ^ (1ull << (rng() % 64));
    hashes.emplace_back(bits);
    index.insert("h" + std::to_string(i), hashes.back(), i);
  }
  for (int trial = 0; trial < 6; ++trial) {
    const Hash64 q = trial % 2 ? hashes[rng() % hashes.size()] : Hash64(centre ^ (1ull << trial));
    for (int radius : {0, 4, 10}) {
      std::vector<IndexMatch> want;
      for (std::size_t i = 0; i < hashes.size(); ++i) {
        const int d = hashes[i].distance(q);
        if (d <= radius) want.push_back({"h" + std::to_string(i), d, static_cast<UnixSeconds>(i)});
      }
      sort_matches(want);
      ASSERT_EQ(index.query(q, radius), want) << "radius " << radius;
    }
  }
}

TEST(HammingIndexOptions, ValidateRejectsUnknownStrategy) {
  HammingIndexOptions o;
  o.strategy = static_cast<IndexStrategy>(17);
  EXPECT_THROW(o.validate(), Error);
  EXPECT_THROW(PdqIndex{o}, Error);
}

TEST(PdqIndex, MemoryPerEntryIsBounded) {
  const auto entries = make_entries(50000, false, 30);
  PdqIndex index;
  index.reserve(entries.size());
  insert_all(index, entries);
  index.compact();
  const double per_entry = static_cast<double>(index.memory_bytes()) / static_cast<double>(entries.size());
  // Hash 32 + time 8 + id ref 4 + id ~8 + table ~7 + 11 chunks x 5: about 115; offsets add more
  // at this small size (a 16-bit key table per chunk is 256 KiB, amortised over 50000 entries).
  EXPECT_LT(per_entry, 200.0);
  EXPECT_GT(per_entry, 100.0);
}


TEST(HammingIndexOptions, MergeRatioKeepsResultsExact) {
  // Enough rows for several tail flushes (16,384 rows each) and merges under either policy.
  const auto entries = make_entries(90000, true, 11);
  PdqIndex binary;
  PdqIndex merged(HammingIndexOptions{IndexStrategy::kAuto, 16});
  insert_all(binary, entries);
  insert_all(merged, entries);
  for (std::size_t i : {0u, 17u, 16384u, 40000u, 89999u}) {
    for (int radius : {0, 8, 20, 31}) {
      const auto expected = brute(entries, entries[i].hash, radius);
      ASSERT_EQ(merged.query(entries[i].hash, radius), expected) << "entry " << i << " radius " << radius;
      ASSERT_EQ(binary.query(entries[i].hash, radius), expected) << "entry " << i << " radius " << radius;
    }
  }
  HammingIndexOptions o;
  o.merge_ratio = 0;
  EXPECT_THROW(o.validate(), Error);
  o.merge_ratio = 1025;
  EXPECT_THROW(PdqIndex{o}, Error);
}

}  // namespace
}  // namespace saring
