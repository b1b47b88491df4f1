#include "core/flat_hash_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace saring::detail {
namespace {

// Keys live in the caller's array; the table maps their (deliberately weak) hashes to positions.
// Hashes with few distinct values force long probe runs, runs that wrap past the end of the
// table, and many entries sharing one hash, so erase's backward shift is exercised in every shape.
struct Model {
  std::vector<std::string> keys;
  std::map<std::string, std::uint32_t> live;  // key -> position in keys
};

template <class H>
void churn(std::uint32_t seed, std::uint32_t hash_values, std::size_t rounds) {
  FlatHashTable<H, std::uint32_t> t;
  Model m;
  std::mt19937 rng(seed);
  auto hash_of = [&](const std::string& k) {
    // A weak hash: few values, high bits set so the home index (low bits) differs from the value.
    const H h = static_cast<H>(std::hash<std::string>{}(k) % hash_values);
    return static_cast<H>(h * 0x9E3779B1u);
  };
  auto find = [&](const std::string& k) {
    return t.find(hash_of(k), [&](std::uint32_t v) { return m.keys[v] == k; });
  };
  for (std::size_t r = 0; r < rounds; ++r) {
    const std::string k = "k" + std::to_string(rng() % 4000);
    const auto it = m.live.find(k);
    if (rng() % 3 == 0 && it != m.live.end()) {
      ASSERT_TRUE(t.erase(hash_of(k), it->second)) << k;
      ASSERT_FALSE(t.erase(hash_of(k), it->second)) << "erased twice: " << k;
      m.live.erase(it);
    } else if (it == m.live.end()) {
      const auto pos = static_cast<std::uint32_t>(m.keys.size());
      m.keys.push_back(k);
      if (rng() % 2) {
        t.insert(hash_of(k), pos);
      } else {
        ASSERT_EQ(t.find_or_insert(hash_of(k), pos, [&](std::uint32_t v) { return m.keys[v] == k; }), pos);
      }
      m.live[k] = pos;
    } else {
      // Present: find_or_insert must return the held value and add nothing.
      const std::size_t before = t.size();
      ASSERT_EQ(t.find_or_insert(hash_of(k), 999999u, [&](std::uint32_t v) { return m.keys[v] == k; }), it->second);
      ASSERT_EQ(t.size(), before);
    }
    ASSERT_EQ(t.size(), m.live.size());
    if (r % 97 == 0) {
      for (const auto& [key, pos] : m.live) ASSERT_EQ(find(key), pos) << key << " at round " << r;
      for (int i = 0; i < 50; ++i) {
        const std::string k2 = "k" + std::to_string(rng() % 4000);
        if (!m.live.count(k2)) ASSERT_EQ(find(k2), (FlatHashTable<H, std::uint32_t>::kNoValue)) << k2;
      }
    }
  }
  for (const auto& [key, pos] : m.live) ASSERT_EQ(find(key), pos) << key;
}

TEST(FlatHashTable, ChurnMatchesAModelWithManyCollisions) {
  churn<std::uint32_t>(1, 7, 20'000);      // seven hash values: every run is long
  churn<std::uint64_t>(2, 300, 20'000);    // a few hundred: runs wrap and interleave
  churn<std::uint64_t>(3, 1u << 30, 30'000);  // nearly distinct: growth through several sizes
}

TEST(FlatHashTable, EraseRemovesOnlyTheGivenValueAmongEqualHashes) {
  FlatHashTable<std::uint64_t, std::uint64_t> t;
  for (std::uint64_t v = 0; v < 10; ++v) t.insert(42, v);
  EXPECT_TRUE(t.erase(42, 3));
  EXPECT_FALSE(t.erase(42, 3));
  EXPECT_FALSE(t.erase(43, 4));
  std::set<std::uint64_t> seen;
  for (std::uint64_t v = 0; v < 10; ++v) {
    const auto got = t.find(42, [&](std::uint64_t x) { return x == v; });
    if (v == 3) {
      EXPECT_EQ(got, (FlatHashTable<std::uint64_t, std::uint64_t>::kNoValue));
    } else {
      EXPECT_EQ(got, v);
    }
  }
  EXPECT_EQ(t.size(), 9u);
  // peek gives some entry of the hash without confirming it.
  EXPECT_NE(t.peek(42), (FlatHashTable<std::uint64_t, std::uint64_t>::kNoValue));
  EXPECT_EQ(t.peek(7), (FlatHashTable<std::uint64_t, std::uint64_t>::kNoValue));
}

// A probe run that wraps past the end of the 64-entry table: erasing at the last index must leave
// the entries whose home is index 0 where they are (moving one to the end would put it before its
// home, where lookups never look).
TEST(FlatHashTable, EraseKeepsEntriesOfARunThatWraps) {
  FlatHashTable<std::uint32_t, std::uint32_t> t;
  t.insert(63, 0);   // index 63
  t.insert(64, 1);   // home 0: index 0
  t.insert(128, 2);  // home 0: index 1
  t.insert(127, 3);  // home 63: taken, wraps to index 2
  ASSERT_TRUE(t.erase(63, 0));
  EXPECT_EQ(t.find(64, [](std::uint32_t v) { return v == 1; }), 1u);
  EXPECT_EQ(t.find(128, [](std::uint32_t v) { return v == 2; }), 2u);
  EXPECT_EQ(t.find(127, [](std::uint32_t v) { return v == 3; }), 3u);
  ASSERT_TRUE(t.erase(64, 1));
  EXPECT_EQ(t.find(128, [](std::uint32_t v) { return v == 2; }), 2u);
  EXPECT_EQ(t.find(127, [](std::uint32_t v) { return v == 3; }), 3u);
  EXPECT_EQ(t.size(), 2u);
}

TEST(FlatHashTable, EmptyTableAnswersEverything) {
  const FlatHashTable<std::uint32_t, std::uint32_t> t;
  EXPECT_EQ(t.find(5, [](std::uint32_t) { return true; }), (FlatHashTable<std::uint32_t, std::uint32_t>::kNoValue));
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.memory_bytes(), 0u);
  FlatHashTable<std::uint32_t, std::uint32_t> u(1000);
  EXPECT_GE(u.memory_bytes(), 2000u * 8u);  // room for 1000 entries at half load, reserved up front
  EXPECT_FALSE(u.erase(1, 1));
}

}  // namespace
}  // namespace saring::detail
