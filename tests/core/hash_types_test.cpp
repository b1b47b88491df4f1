#include "saring/hash/hash_types.hpp"

#include <gtest/gtest.h>

#include <random>
#include <unordered_set>

#include "saring/core/error.hpp"

namespace saring {
namespace {

TEST(Hash256, HexRoundTripsInPdqOrder) {
  // PDQ prints word 15 first: bit 0 (word 0, bit 0) is the last hex digit's low bit.
  Hash256 h;
  h.set_bit(0);
  EXPECT_EQ(h.hex(), std::string(63, '0') + "1");
  Hash256 top;
  top.set_bit(255);
  EXPECT_EQ(top.hex(), "8" + std::string(63, '0'));
  const std::string hex = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
  EXPECT_EQ(Hash256::from_hex(hex).hex(), hex);
  EXPECT_EQ(Hash256::from_hex("F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22").hex(), hex);
}

TEST(Hash256, DistanceCountsDifferingBits) {
  std::mt19937_64 rng(1);
  for (int trial = 0; trial < 100; ++trial) {
    Hash256 a(Hash256::Words{rng(), rng(), rng(), rng()});
    Hash256 b = a;
    const int flips = static_cast<int>(rng() % 257);
    std::vector<int> bits(256);
    for (int i = 0; i < 256; ++i) bits[i] = i;
    std::shuffle(bits.begin(), bits.end(), rng);
    for (int i = 0; i < flips; ++i) b.set_bit(bits[i], !b.bit(bits[i]));
    EXPECT_EQ(a.distance(b), flips);
    EXPECT_EQ(b.distance(a), flips);
  }
  EXPECT_EQ(Hash256(Hash256::Words{~0ull, ~0ull, ~0ull, ~0ull}).popcount(), 256);
}

TEST(Hash256, RejectsBadHex) {
  EXPECT_THROW(Hash256::from_hex("abc"), Error);
  EXPECT_THROW(Hash256::from_hex(std::string(63, '0') + "g"), Error);
  EXPECT_THROW(Hash256::from_hex(std::string(65, '0')), Error);
}

TEST(Hash64, HexDistanceOrdering) {
  const Hash64 a = Hash64::from_hex("00000000000000ff");
  const Hash64 b = Hash64::from_hex("000000000000000F");
  EXPECT_EQ(a.distance(b), 4);
  EXPECT_EQ(a.hex(), "00000000000000ff");
  EXPECT_LT(b, a);
  EXPECT_THROW(Hash64::from_hex("xyz"), Error);
  EXPECT_THROW(Hash64::from_hex("000000000000000z"), Error);
  std::unordered_set<Hash64> set{a, b, a};
  EXPECT_EQ(set.size(), 2u);
}

}  // namespace
}  // namespace saring
