#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <sstream>
#include <string>

#include "core/crc32.hpp"
#include "saring/core/error.hpp"
#include "saring/index/hamming_index.hpp"

namespace saring {
namespace {

PdqIndex make_index(int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  PdqIndex index;
  for (int i = 0; i < n; ++i) index.insert("id-" + std::to_string(i), Hash256({rng(), rng(), rng(), rng()}), 100 + i);
  return index;
}

std::string saved(const PdqIndex& index) {
  std::ostringstream out;
  index.save(out);
  return out.str();
}

ErrorCode load_error(const std::string& bytes, std::string* message = nullptr) {
  std::istringstream in(bytes);
  try {
    (void)PdqIndex::load(in, "test.sidx");
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  ADD_FAILURE() << "load accepted a bad file";
  return ErrorCode::kInternal;
}

TEST(Crc32, KnownVectors) {
  // The standard check value of CRC-32/ISO-HDLC, and incremental use.
  EXPECT_EQ(detail::crc32_update(0, "123456789", 9), 0xCBF43926u);
  EXPECT_EQ(detail::crc32_update(0, "", 0), 0u);
  const std::string text = "The quick brown fox jumps over the lazy dog";
  EXPECT_EQ(detail::crc32_update(0, text.data(), text.size()), 0x414FA339u);
  EXPECT_EQ(detail::crc32_update(detail::crc32_update(0, text.data(), 10), text.data() + 10, text.size() - 10),
            0x414FA339u);
}

TEST(IndexFile, RoundTripKeepsEveryEntry) {
  PdqIndex index = make_index(6000, 1);
  index.erase("id-7");
  index.insert("id-8", Hash256(), 5);  // replaced entry: only the new one is saved
  const std::string bytes = saved(index);
  std::istringstream in(bytes);
  PdqIndex back = PdqIndex::load(in, "mem");
  EXPECT_EQ(back.size(), index.size());
  EXPECT_FALSE(back.contains("id-7"));
  std::mt19937_64 rng(1);
  for (int i = 0; i < 50; ++i) {
    const Hash256 q({rng(), rng(), rng(), rng()});
    EXPECT_EQ(back.query(q, 100), index.query(q, 100));
  }
  EXPECT_EQ(back.query(Hash256(), 0), index.query(Hash256(), 0));
  EXPECT_EQ(back.query(Hash256(), 0).at(0).time, 5);
  // Saving the loaded index gives the same bytes.
  EXPECT_EQ(saved(back), bytes);
}

TEST(IndexFile, RoundTripThroughAFile) {
  const auto dir = std::filesystem::temp_directory_path() / ("saring_index_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  Hash64Index index;
  for (int i = 0; i < 100; ++i) index.insert("p" + std::to_string(i), Hash64(0x0123456789abcdefull * i), i);
  index.save(dir / "x.sidx");
  EXPECT_FALSE(std::filesystem::exists(dir / "x.sidx.tmp"));
  Hash64Index back = Hash64Index::load(dir / "x.sidx");
  EXPECT_EQ(back.size(), 100u);
  EXPECT_EQ(back.query(Hash64(0x0123456789abcdefull * 3), 0).at(0).id, "p3");
  // A PDQ index refuses a 64-bit file.
  try {
    (void)PdqIndex::load(dir / "x.sidx");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCorrupt);
    EXPECT_NE(std::string(e.what()).find("64-bit"), std::string::npos) << e.what();
  }
  try {
    (void)PdqIndex::load(dir / "missing.sidx");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
    EXPECT_NE(std::string(e.what()).find("missing.sidx"), std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

TEST(IndexFile, EveryTruncationIsCorrupt) {
  const std::string bytes = saved(make_index(40, 2));
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    std::string message;
    ASSERT_EQ(load_error(bytes.substr(0, len), &message), ErrorCode::kCorrupt) << len;
    EXPECT_NE(message.find("test.sidx"), std::string::npos) << message;
  }
}

TEST(IndexFile, EveryFlippedByteIsCorrupt) {
  const std::string bytes = saved(make_index(30, 3));
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    ASSERT_EQ(load_error(bad), ErrorCode::kCorrupt) << "byte " << i;
  }
}

TEST(IndexFile, MessagesNameTheFault) {
  const std::string bytes = saved(make_index(5, 4));
  std::string message;
  std::string bad = bytes;
  bad[0] = 'X';
  load_error(bad, &message);
  EXPECT_NE(message.find("bad magic"), std::string::npos) << message;
  bad = bytes;
  bad[8] = 9;  // version
  load_error(bad, &message);
  EXPECT_NE(message.find("version 9"), std::string::npos) << message;
  load_error(bytes.substr(0, bytes.size() - 10), &message);
  EXPECT_NE(message.find("checksum"), std::string::npos) << message;
  load_error("", &message);
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
}

// A file whose checksum is right but whose body lies (count, lengths, duplicate ids) is still refused.
TEST(IndexFile, ConsistentChecksumButBadBody) {
  const auto with_crc = [](std::string body) {
    const std::uint32_t crc = detail::crc32_update(0, body.data(), body.size());
    body.append(reinterpret_cast<const char*>(&crc), 4);
    return body;
  };
  std::string bytes = saved(make_index(3, 5));
  std::string body = bytes.substr(0, bytes.size() - 4);
  std::string message;
  std::string more = body;
  more[16] = 4;  // claims 4 entries, holds 3
  EXPECT_EQ(load_error(with_crc(more), &message), ErrorCode::kCorrupt);
  std::string extra = body + "zz";
  EXPECT_EQ(load_error(with_crc(extra), &message), ErrorCode::kCorrupt);
  EXPECT_NE(message.find("unexpected bytes"), std::string::npos) << message;
  // Duplicate: make the second id equal the first ("id-0" / "id-1" differ in their last byte).
  const std::size_t second = body.find("id-1");
  ASSERT_NE(second, std::string::npos);
  std::string dup = body;
  dup[second + 3] = '0';
  EXPECT_EQ(load_error(with_crc(dup), &message), ErrorCode::kCorrupt);
  EXPECT_NE(message.find("repeats id"), std::string::npos) << message;
  std::string huge = body;
  huge[23] = 0x7f;  // count far beyond the size
  EXPECT_EQ(load_error(with_crc(huge), &message), ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace saring
