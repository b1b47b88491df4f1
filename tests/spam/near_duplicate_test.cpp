#include <gtest/gtest.h>

#include "saring/core/error.hpp"
#include "saring/spam/near_duplicate.hpp"
#include "saring/spam/text.hpp"

namespace saring {
namespace {

Hash64 hash_of(std::string_view text) {
  const auto h = text_simhash(normalize_text(text).normalized);
  EXPECT_TRUE(h.has_value()) << text;
  return h.value_or(Hash64{});
}

TEST(TextSimhash, CloseTextsCloseHashes) {
  const Hash64 a = hash_of("Promo spesial akhir tahun diskon 70 persen semua produk klik link di bio");
  const Hash64 b = hash_of("PROMO spesial akhir tahun diskon 70 persen semua produk, klik link di bio!!");
  const Hash64 c = hash_of("Lampu penerangan jalan mati di sepanjang jalan raya bogor dekat pasar");
  EXPECT_EQ(a, b);  // identical after normalisation
  const Hash64 d = hash_of("Promo spesial akhir tahun diskon 75 persen semua produk klik link di bio");
  EXPECT_LE(a.distance(d), 8);
  EXPECT_GT(a.distance(c), 12);
  EXPECT_FALSE(text_simhash("banjir").has_value());  // too short to call a copy
}

TEST(NearDuplicateTextIndex, CountsCopiesInsideTheWindow) {
  NearDuplicateTextIndex index;
  const Hash64 spam = hash_of("Slot gacor maxwin hari ini deposit 10rb bonus 100 persen daftar sekarang");
  const Hash64 other = hash_of("Sampah menumpuk di pinggir kali dekat pasar sudah tiga hari tidak diangkut");
  for (int i = 0; i < 5; ++i) index.add("s" + std::to_string(i), spam, 1000 + i);
  index.add("n1", other, 1000);
  EXPECT_EQ(index.size(), 6u);
  EXPECT_EQ(index.count_near(spam), 5u);
  EXPECT_EQ(index.count_near(spam, 1003), 2u);
  EXPECT_EQ(index.count_near(other), 1u);
  // A hash differing in max_distance bits still matches; one more bit does not.
  EXPECT_EQ(index.count_near(Hash64(spam.bits() ^ 0x7ull)), 5u);
  EXPECT_EQ(index.count_near(Hash64(spam.bits() ^ 0xFull)), 0u);
  const auto ids = index.find_near(spam, INT64_MIN, 3);
  EXPECT_EQ(ids.size(), 3u);
  index.remove_older_than(1003);
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.count_near(spam), 2u);
  EXPECT_EQ(index.count_near(other), 0u);
}

TEST(NearDuplicateTextIndex, MatchesBruteForce) {
  NearDuplicateOptions o;
  o.max_distance = 5;
  NearDuplicateTextIndex index(o);
  std::vector<Hash64> all;
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 2000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    // Clusters: every 10th hash is a fresh base, the others flip a few of its bits.
    const Hash64 h = (i % 10 == 0) ? Hash64(x) : Hash64(all[static_cast<std::size_t>(i - i % 10)].bits() ^ (x & x >> 11 & x >> 23 & x >> 37));
    all.push_back(h);
    index.add(std::to_string(i), h, i);
  }
  for (int q = 0; q < 2000; q += 37) {
    std::size_t brute = 0;
    for (const Hash64& h : all) brute += h.distance(all[static_cast<std::size_t>(q)]) <= 5;
    EXPECT_EQ(index.count_near(all[static_cast<std::size_t>(q)]), brute) << q;
  }
}

TEST(NearDuplicateOptions, Validate) {
  NearDuplicateOptions o;
  o.max_distance = 20;
  EXPECT_THROW(NearDuplicateTextIndex{o}, Error);
  o = NearDuplicateOptions{};
  o.shingle = 1;
  EXPECT_THROW(o.validate(), Error);
}

}  // namespace
}  // namespace saring
