// The filter's grid cell table (open addressing with backward-shift deletion) against std::map:
// after any mix of inserts and erases every key is found exactly when the map has it.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "filter/state.hpp"

namespace saring {
namespace {

TEST(CellMap, MatchesStdMapUnderInsertsAndErases) {
  detail::CellMap cells;
  std::map<std::uint64_t, std::uint64_t> expected;  // key -> slot stored in its one entry
  std::mt19937_64 g(7);
  // Few distinct keys in a small range, so probe runs collide, wrap and get shifted back.
  const auto key = [&] { return ((g() % 40) << 32) | (g() % 40); };
  for (int step = 0; step < 20000; ++step) {
    const std::uint64_t k = key();
    if (g() % 3 == 0) {
      cells.erase(k);
      expected.erase(k);
    } else {
      detail::Cell& c = cells[k];
      c.entries.clear();
      c.blocks.clear();
      c.push_back({static_cast<std::uint64_t>(step), step, 0.0, 0.0, 0});
      expected[k] = static_cast<std::uint64_t>(step);
    }
    if (step % 97 == 0) {
      ASSERT_EQ(cells.size(), expected.size());
      for (std::uint64_t y = 0; y < 40; ++y) {
        for (std::uint64_t x = 0; x < 40; ++x) {
          const std::uint64_t probe = (y << 32) | x;
          const detail::Cell* c = std::as_const(cells).find(probe);
          const auto it = expected.find(probe);
          ASSERT_EQ(c != nullptr, it != expected.end()) << "step " << step << " key " << probe;
          if (c) {
            ASSERT_EQ(c->entries.size(), 1u);
            EXPECT_EQ(c->entries[0].slot, it->second);
          }
        }
      }
      std::size_t seen = 0;
      cells.for_each([&](std::uint64_t k2, const detail::Cell& c) {
        ++seen;
        ASSERT_TRUE(expected.count(k2));
        EXPECT_EQ(c.entries.at(0).slot, expected.at(k2));
      });
      EXPECT_EQ(seen, expected.size());
    }
  }
}

TEST(CellMap, BlocksTrackTimeRanges) {
  detail::Cell c;
  for (int i = 0; i < 100; ++i) c.push_back({static_cast<std::uint64_t>(i), 1000 - (i % 7) * 10 + i, 0.0, 0.0, 0});
  ASSERT_EQ(c.blocks.size(), (100 + detail::Cell::kBlock - 1) / detail::Cell::kBlock);
  for (std::size_t b = 0; b < c.blocks.size(); ++b) {
    std::int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (std::size_t i = b * detail::Cell::kBlock; i < std::min<std::size_t>(100, (b + 1) * detail::Cell::kBlock); ++i) {
      lo = std::min(lo, c.entries[i].time);
      hi = std::max(hi, c.entries[i].time);
    }
    EXPECT_EQ(c.blocks[b].first, lo);
    EXPECT_EQ(c.blocks[b].second, hi);
  }
  c.entries.erase(c.entries.begin() + 5);
  c.rebuild();
  EXPECT_EQ(c.entries.size(), 99u);
  EXPECT_EQ(c.blocks[0].first, std::min_element(c.entries.begin(), c.entries.begin() + 32, [](auto& a, auto& b) { return a.time < b.time; })->time);
}

}  // namespace
}  // namespace saring
