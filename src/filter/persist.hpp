// Crash-safe files of the filter's state (private).
//
// journal.log: "SARJRNL\0", u32 version, u64 base_seq, then records
//   [u32 payload length][u32 CRC-32 of payload][payload]
// Record k has sequence number base_seq + k + 1. Writes are appends; a kill -9 leaves a prefix of
// what was written, so an incomplete last record (short header or short payload) is a torn write:
// it is dropped and the file truncated before it. A complete record whose CRC does not match is
// corruption (not a torn write) and refuses to load.
//
// snapshot.bin: "SARSNAP\0", u32 version, u64 covered_seq, u64 payload length, u32 CRC-32, payload.
// Written to a temporary file, fsynced, renamed over the old one, directory fsynced.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "saring/core/error.hpp"

namespace saring::detail {

inline constexpr std::uint32_t kJournalVersion = 1;
// Snapshot version 2 holds each retained report's verdict in the binary form of
// encode_verdict (state.hpp); version 1 held its JSON. Both load.
inline constexpr std::uint32_t kSnapshotVersion = 2;
inline constexpr std::uint32_t kSnapshotMinVersion = 1;
inline constexpr std::uint32_t kMaxRecordBytes = 64u << 20;

std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc = 0);

class ByteWriter {
 public:
  void u8(std::uint8_t v) { buf_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) { raw(&v, 4); }
  void u64(std::uint64_t v) { raw(&v, 8); }
  void i64(std::int64_t v) { raw(&v, 8); }
  void f64(double v) { raw(&v, 8); }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    buf_.append(s.data(), s.size());
  }
  void raw(const void* p, std::size_t n) { buf_.append(static_cast<const char*>(p), n); }
  std::string& data() { return buf_; }

 private:
  std::string buf_;  // little-endian host layout: saring targets x86-64 and aarch64 little-endian
};

// Reads what ByteWriter wrote; any overrun throws Error(kCorrupt) naming `what`.
class ByteReader {
 public:
  ByteReader(std::string_view data, std::string what) : data_(data), what_(std::move(what)) {}
  std::uint8_t u8() { return static_cast<std::uint8_t>(*take(1)); }
  std::uint32_t u32() { std::uint32_t v; std::memcpy(&v, take(4), 4); return v; }
  std::uint64_t u64() { std::uint64_t v; std::memcpy(&v, take(8), 8); return v; }
  std::int64_t i64() { std::int64_t v; std::memcpy(&v, take(8), 8); return v; }
  double f64() { double v; std::memcpy(&v, take(8), 8); return v; }
  std::string str() {
    const std::uint32_t n = u32();
    const char* p = take(n);
    return std::string(p, n);
  }
  void raw(void* out, std::size_t n) { std::memcpy(out, take(n), n); }
  // A count of items each at least `min_item_bytes` long must fit in what is left.
  std::uint32_t count(std::size_t min_item_bytes) {
    const std::uint32_t n = u32();
    if (min_item_bytes && n > remaining() / min_item_bytes) fail("count " + std::to_string(n) + " exceeds the data left");
    return n;
  }
  std::size_t remaining() const { return data_.size() - pos_; }
  bool done() const { return pos_ == data_.size(); }
  [[noreturn]] void fail(const std::string& why) const {
    throw Error(ErrorCode::kCorrupt, what_ + ": " + why + " at byte " + std::to_string(pos_));
  }

 private:
  const char* take(std::size_t n) {
    if (n > remaining()) fail("truncated (needs " + std::to_string(n) + " bytes, " + std::to_string(remaining()) + " left)");
    const char* p = data_.data() + pos_;
    pos_ += n;
    return p;
  }
  std::string_view data_;
  std::size_t pos_ = 0;
  std::string what_;
};

struct JournalContents {
  std::uint64_t base_seq = 0;
  std::vector<std::string> records;  // payloads, in order
  std::uint64_t valid_bytes = 0;     // where the good prefix ends
  bool torn_tail = false;            // an incomplete last record was dropped
};

// Parses journal bytes. Throws Error(kCorrupt) for a bad header, wrong version or a complete
// record with a bad CRC; an incomplete last record is reported in torn_tail.
JournalContents parse_journal(std::string_view bytes, const std::string& what);

// Parses snapshot bytes into (covered_seq, payload); `version` (when given) receives the
// payload's format version. Throws Error(kCorrupt) on any fault.
std::pair<std::uint64_t, std::string> parse_snapshot(std::string_view bytes, const std::string& what,
                                                     std::uint32_t* version = nullptr);
std::string encode_snapshot(std::uint64_t covered_seq, std::string_view payload);
std::string encode_journal_header(std::uint64_t base_seq);
std::string encode_record(std::string_view payload);

// An open, exclusively locked journal file for appending.
class JournalFile {
 public:
  JournalFile() = default;
  ~JournalFile();
  JournalFile(const JournalFile&) = delete;
  JournalFile& operator=(const JournalFile&) = delete;

  // Opens dir/journal.log (creating it with base_seq 0), truncating a torn tail. Returns contents.
  JournalContents open(const std::string& dir);
  void append(std::string_view payload);  // write(2) of one whole record
  void sync();                            // fdatasync
  // Replaces the journal with an empty one starting after `base_seq` (after a snapshot).
  void restart(std::uint64_t base_seq);
  bool is_open() const { return fd_ >= 0; }

 private:
  std::string dir_;
  int fd_ = -1;
  int lock_fd_ = -1;
};

std::string read_file_bytes(const std::string& path);  // throws kIo
bool file_exists(const std::string& path);
// temp + fsync + rename + fsync(dir)
void write_file_atomic(const std::string& dir, const std::string& name, std::string_view bytes);

}  // namespace saring::detail
