// Readers query while one writer inserts, erases, expires and compacts. Run under
// ThreadSanitizer in CI; here it also checks that every reader sees a consistent index: an entry
// that was inserted before the readers started and is never touched is always found exactly.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "saring/index/hamming_index.hpp"

namespace saring {
namespace {

TEST(HammingIndexConcurrent, QueriesWhileOneWriterMutates) {
  PdqIndex index;
  std::mt19937_64 seed_rng(1);
  std::vector<Hash256> pinned;
  for (int i = 0; i < 50; ++i) {
    pinned.push_back(Hash256({seed_rng(), seed_rng(), seed_rng(), seed_rng()}));
    index.insert("pinned-" + std::to_string(i), pinned.back(), 1'000'000'000);  // never expires
  }
  std::atomic<bool> stop{false};
  std::atomic<long> checks{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] {
      std::mt19937_64 rng(100 + r);
      while (!stop.load()) {
        const int i = static_cast<int>(rng() % pinned.size());
        Hash256 q = pinned[i];
        q.set_bit(static_cast<int>(rng() % 256), true);
        const auto hits = index.query(q, 8);
        bool found = false;
        for (const auto& h : hits) found |= h.id == "pinned-" + std::to_string(i);
        EXPECT_TRUE(found);
        const auto nn = index.nearest(pinned[i], 1);
        EXPECT_EQ(nn.size(), 1u);
        if (!nn.empty()) EXPECT_EQ(nn[0].distance, 0);
        std::array<Hash256, 8> variants;
        variants.fill(q);
        EXPECT_FALSE(index.query_dihedral(variants, 8).empty());
        (void)index.size();
        (void)index.memory_bytes();
        checks.fetch_add(1);
      }
    });
  }
  std::thread writer([&] {
    std::mt19937_64 rng(7);
    for (int round = 0; round < 6; ++round) {
      for (int i = 0; i < 6000; ++i) {
        index.insert("w" + std::to_string(round) + "-" + std::to_string(i), Hash256({rng(), rng(), rng(), rng()}),
                     round);
      }
      for (int i = 0; i < 500; ++i) index.erase("w" + std::to_string(round) + "-" + std::to_string(i * 3));
      index.expire_before(round);  // drops the previous round
      if (round == 3) index.compact();
    }
    stop.store(true);
  });
  writer.join();
  for (auto& t : readers) t.join();
  EXPECT_GT(checks.load(), 0);
  EXPECT_EQ(index.size(), 50u + 6000u - 500u);
}

TEST(HammingIndexConcurrent, WritersTakeTurns) {
  Hash64Index index;
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 5000; ++i) index.insert(std::to_string(w) + ":" + std::to_string(i), Hash64(i * 2654435761u), i);
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(index.size(), 15000u);
  std::vector<std::string> ids;
  for (const auto& m : index.query(Hash64(7 * 2654435761u), 0)) ids.push_back(m.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"0:7", "1:7", "2:7"}));
}

}  // namespace
}  // namespace saring
