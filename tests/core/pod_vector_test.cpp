#include "core/pod_vector.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

namespace saring::detail {
namespace {

// Past 2 MiB the storage moves from malloc to mappings grown by mremap; every value must survive
// each step, whichever path it took.
TEST(PodVector, GrowsAcrossTheMappingThresholdKeepingValues) {
  PodVector<std::uint64_t> v;
  for (std::uint64_t i = 0; i < 3'000'000; ++i) {
    v.push_back(i * 2654435761u);
    if (i == 1000 || i == 300'000 || i == 2'999'999) {
      for (std::uint64_t j = 0; j <= i; j += 997) ASSERT_EQ(v[j], j * 2654435761u) << "at size " << i + 1;
    }
  }
  EXPECT_EQ(v.size(), 3'000'000u);
  EXPECT_GE(v.capacity(), v.size());
  const std::uint64_t tail[3] = {7, 8, 9};
  v.append(tail, tail + 3);
  EXPECT_EQ(v[3'000'002], 9u);
  PodVector<std::uint64_t> copy = v;
  EXPECT_EQ(copy.size(), v.size());
  EXPECT_TRUE(std::equal(copy.begin(), copy.end(), v.begin()));
}

// Freed big blocks are kept and moved into later ones; what a new owner writes is what it reads,
// also when the new block is larger or smaller than the freed ones.
TEST(PodVector, ReusedBlocksHoldWhatTheNewOwnerWrites) {
  for (int round = 0; round < 3; ++round) {
    std::vector<PodVector<std::uint32_t>> blocks(4);
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      blocks[b].resize_uninitialized((b + 1) * 700'000 + round * 123'457);
      std::iota(blocks[b].begin(), blocks[b].end(), static_cast<std::uint32_t>(b * 10'000'000));
    }
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      for (std::size_t i = 0; i < blocks[b].size(); i += 4099) ASSERT_EQ(blocks[b][i], b * 10'000'000 + i);
    }
    blocks.clear();  // returned to the cache
    PodVector<std::uint32_t> big;
    big.assign(5'000'000, 0xabcdef01u);
    for (std::size_t i = 0; i < big.size(); i += 1009) ASSERT_EQ(big[i], 0xabcdef01u);
    PodVector<std::uint8_t> small;
    small.assign(3 << 20, 0x5a);
    for (std::size_t i = 0; i < small.size(); i += 4093) ASSERT_EQ(small[i], 0x5a);
  }
}

// A block assembled from several cached pieces spans several mappings, which mremap cannot grow
// or move; growing it must still keep every value (it once threw std::bad_alloc instead).
TEST(PodVector, GrowsABlockAssembledFromCachedPieces) {
  {
    std::vector<PodVector<std::uint64_t>> pieces(6);
    for (std::size_t b = 0; b < pieces.size(); ++b) {
      pieces[b].resize_uninitialized((b + 1) * 300'000);  // 2.3-14 MiB each, separate mappings
      std::fill(pieces[b].begin(), pieces[b].end(), b);
    }
  }  // all six go to the cache
  PodVector<std::uint64_t> v;
  v.resize_uninitialized(5'000'000);  // 38 MiB: more than any one cached block
  for (std::uint64_t i = 0; i < v.size(); ++i) v[i] = i ^ 0x5555;
  for (std::uint64_t i = 0; i < 4'000'000; ++i) v.push_back(i);  // grows past its capacity
  for (std::uint64_t i = 0; i < 5'000'000; i += 977) ASSERT_EQ(v[i], i ^ 0x5555);
  for (std::uint64_t i = 0; i < 4'000'000; i += 977) ASSERT_EQ(v[5'000'000 + i], i);
}

TEST(PodVector, EmptyAndSwap) {
  PodVector<int> a, b(5, 3);
  EXPECT_TRUE(a.empty());
  a.swap(b);
  EXPECT_EQ(a.size(), 5u);
  EXPECT_EQ(a[4], 3);
  EXPECT_TRUE(b.empty());
  a.clear();
  EXPECT_TRUE(a.empty());
  EXPECT_GE(a.capacity(), 5u);
}

}  // namespace
}  // namespace saring::detail
