#include "persist.hpp"

#include "core/crc32.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <fstream>
#include <iterator>

namespace saring::detail {
namespace {

constexpr char kJournalMagic[8] = {'S', 'A', 'R', 'J', 'R', 'N', 'L', '\0'};
constexpr char kSnapshotMagic[8] = {'S', 'A', 'R', 'S', 'N', 'A', 'P', '\0'};
constexpr std::size_t kJournalHeader = 8 + 4 + 8;
constexpr std::size_t kSnapshotHeader = 8 + 4 + 8 + 8 + 4;

[[noreturn]] void io_error(const std::string& what, const std::string& path) {
  throw Error(ErrorCode::kIo, what + " '" + path + "': " + std::strerror(errno));
}

void write_all(int fd, std::string_view bytes, const std::string& path) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      io_error("cannot write", path);
    }
    done += static_cast<std::size_t>(n);
  }
}

void fsync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) io_error("cannot open directory", dir);
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc) {
  return detail::crc32_update(crc, data, size);
}

std::string encode_journal_header(std::uint64_t base_seq) {
  ByteWriter w;
  w.raw(kJournalMagic, 8);
  w.u32(kJournalVersion);
  w.u64(base_seq);
  return std::move(w.data());
}

std::string encode_record(std::string_view payload) {
  ByteWriter w;
  w.u32(static_cast<std::uint32_t>(payload.size()));
  w.u32(crc32(payload.data(), payload.size()));
  w.raw(payload.data(), payload.size());
  return std::move(w.data());
}

JournalContents parse_journal(std::string_view bytes, const std::string& what) {
  JournalContents out;
  if (bytes.size() < kJournalHeader) {
    // Only a crash while creating the file leaves a short header (it is written before use).
    if (std::string_view(kJournalMagic, 8).substr(0, bytes.size()) == bytes.substr(0, std::min<std::size_t>(8, bytes.size()))) {
      out.torn_tail = !bytes.empty();
      return out;
    }
    throw Error(ErrorCode::kCorrupt, what + ": not a saring journal (bad magic)");
  }
  if (std::memcmp(bytes.data(), kJournalMagic, 8) != 0) throw Error(ErrorCode::kCorrupt, what + ": not a saring journal (bad magic)");
  ByteReader header(bytes.substr(8, kJournalHeader - 8), what);
  const std::uint32_t version = header.u32();
  if (version != kJournalVersion) {
    throw Error(ErrorCode::kCorrupt, what + ": journal version " + std::to_string(version) + " is not supported (expected " +
                                         std::to_string(kJournalVersion) + ")");
  }
  out.base_seq = header.u64();
  std::size_t pos = kJournalHeader;
  while (pos < bytes.size()) {
    if (bytes.size() - pos < 8) {
      out.torn_tail = true;
      break;
    }
    std::uint32_t len, crc;
    std::memcpy(&len, bytes.data() + pos, 4);
    std::memcpy(&crc, bytes.data() + pos + 4, 4);
    if (len > kMaxRecordBytes) {
      throw Error(ErrorCode::kCorrupt, what + ": record at byte " + std::to_string(pos) + " claims " + std::to_string(len) +
                                           " bytes, over the limit");
    }
    if (bytes.size() - pos - 8 < len) {
      out.torn_tail = true;
      break;
    }
    const std::string_view payload = bytes.substr(pos + 8, len);
    if (crc32(payload.data(), payload.size()) != crc) {
      throw Error(ErrorCode::kCorrupt, what + ": record " + std::to_string(out.records.size() + 1) + " at byte " +
                                           std::to_string(pos) + " fails its CRC check");
    }
    out.records.emplace_back(payload);
    pos += 8 + len;
  }
  out.valid_bytes = pos;
  return out;
}

std::string encode_snapshot(std::uint64_t covered_seq, std::string_view payload) {
  ByteWriter w;
  w.raw(kSnapshotMagic, 8);
  w.u32(kSnapshotVersion);
  w.u64(covered_seq);
  w.u64(payload.size());
  w.u32(crc32(payload.data(), payload.size()));
  w.raw(payload.data(), payload.size());
  return std::move(w.data());
}

std::pair<std::uint64_t, std::string> parse_snapshot(std::string_view bytes, const std::string& what,
                                                     std::uint32_t* version_out) {
  if (bytes.size() < kSnapshotHeader || std::memcmp(bytes.data(), kSnapshotMagic, 8) != 0) {
    throw Error(ErrorCode::kCorrupt, what + ": not a saring snapshot (bad magic or too short)");
  }
  ByteReader r(bytes.substr(8), what);
  const std::uint32_t version = r.u32();
  if (version < kSnapshotMinVersion || version > kSnapshotVersion) {
    throw Error(ErrorCode::kCorrupt, what + ": snapshot version " + std::to_string(version) + " is not supported (expected " +
                                         std::to_string(kSnapshotMinVersion) + " to " + std::to_string(kSnapshotVersion) + ")");
  }
  if (version_out) *version_out = version;
  const std::uint64_t seq = r.u64();
  const std::uint64_t len = r.u64();
  const std::uint32_t crc = r.u32();
  if (len != bytes.size() - kSnapshotHeader) {
    throw Error(ErrorCode::kCorrupt, what + ": snapshot payload is " + std::to_string(bytes.size() - kSnapshotHeader) +
                                         " bytes, header says " + std::to_string(len));
  }
  const std::string_view payload = bytes.substr(kSnapshotHeader);
  if (crc32(payload.data(), payload.size()) != crc) throw Error(ErrorCode::kCorrupt, what + ": snapshot fails its CRC check");
  return {seq, std::string(payload)};
}

std::string read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kIo, "cannot open '" + path + "'");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

void write_file_atomic(const std::string& dir, const std::string& name, std::string_view bytes) {
  const std::string tmp = dir + "/" + name + ".tmp";
  const std::string final_path = dir + "/" + name;
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) io_error("cannot create", tmp);
  try {
    write_all(fd, bytes, tmp);
    if (::fsync(fd) != 0) io_error("cannot fsync", tmp);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) io_error("cannot rename to", final_path);
  fsync_dir(dir);
}

JournalFile::~JournalFile() {
  if (fd_ >= 0) ::close(fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

JournalContents JournalFile::open(const std::string& dir) {
  dir_ = dir;
  ::mkdir(dir.c_str(), 0755);  // EEXIST is fine; other faults show up below
  const std::string lock_path = dir + "/LOCK";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) io_error("cannot open state lock", lock_path);
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    throw Error(ErrorCode::kIo, "state directory '" + dir + "' is in use by another saring process");
  }
  const std::string path = dir + "/journal.log";
  JournalContents contents;
  if (file_exists(path)) {
    contents = parse_journal(read_file_bytes(path), path);
  }
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) io_error("cannot open journal", path);
  if (contents.valid_bytes < 20) {
    // New (or torn while being created): write a fresh header.
    if (::ftruncate(fd_, 0) != 0) io_error("cannot truncate journal", path);
    write_all(fd_, encode_journal_header(contents.base_seq), path);
    contents.valid_bytes = 20;
    ::fdatasync(fd_);
    fsync_dir(dir);
  } else if (contents.torn_tail) {
    if (::ftruncate(fd_, static_cast<off_t>(contents.valid_bytes)) != 0) io_error("cannot truncate journal", path);
    ::fdatasync(fd_);
  }
  if (::lseek(fd_, static_cast<off_t>(contents.valid_bytes), SEEK_SET) < 0) io_error("cannot seek journal", path);
  return contents;
}

void JournalFile::append(std::string_view payload) {
  if (payload.size() > kMaxRecordBytes) throw Error(ErrorCode::kLimitExceeded, "journal record over 64 MiB");
  write_all(fd_, encode_record(payload), dir_ + "/journal.log");
}

void JournalFile::sync() {
  if (fd_ >= 0 && ::fdatasync(fd_) != 0) io_error("cannot fdatasync", dir_ + "/journal.log");
}

void JournalFile::restart(std::uint64_t base_seq) {
  write_file_atomic(dir_, "journal.log", encode_journal_header(base_seq));
  const std::string path = dir_ + "/journal.log";
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) io_error("cannot reopen journal", path);
  ::close(fd_);
  fd_ = fd;
}

}  // namespace saring::detail
