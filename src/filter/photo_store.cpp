#include "photo_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>  // renameat2
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <filesystem>

#include "core/hash_mix.hpp"
#include "saring/core/error.hpp"

namespace saring::detail {
namespace {

[[noreturn]] void io_error(const std::string& what, const std::string& path) {
  throw Error(ErrorCode::kIo, "photo store: " + what + " '" + path + "': " + std::strerror(errno));
}

std::string hex16(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

void fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) io_error("cannot open", path);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) io_error("cannot fsync", path);
}

}  // namespace

std::uint64_t photo_store_id_hash(std::string_view report_id) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : report_id) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return mix64(h);
}

std::string photo_store_name_prefix(std::string_view report_id) { return hex16(photo_store_id_hash(report_id)) + "-"; }

std::uint64_t photo_store_content_hash(std::span<const std::uint8_t> bytes) {
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ bytes.size();
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, bytes.data() + i, 8);
    h = (h ^ mix64(w)) * 0xff51afd7ed558ccdull;
  }
  std::uint64_t tail = 0;
  for (std::size_t k = 0; i < bytes.size(); ++i, ++k) tail |= static_cast<std::uint64_t>(bytes[i]) << (8 * k);
  return mix64(h ^ mix64(tail + 1));
}

PhotoStore::PhotoStore(std::string dir) : dir_(std::move(dir)), temporary_(dir_.empty()) {}

PhotoStore::~PhotoStore() {
  if (temporary_ && made_) {
    std::error_code ec;  // a destructor must not throw; a leftover temp dir is all that can go wrong
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string PhotoStore::ensure_dir_locked() {
  if (made_) return dir_;
  if (temporary_) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/saring-photos-XXXXXX";
    if (!::mkdtemp(pattern.data())) io_error("cannot make a private directory like", pattern);
    dir_ = pattern;
  } else if (::mkdir(dir_.c_str(), 0755) != 0 && errno != EEXIST) {
    io_error("cannot make directory", dir_);
  }
  made_ = true;
  return dir_;
}

std::string PhotoStore::put(const std::string& report_id, std::size_t index, std::span<const std::uint8_t> bytes,
                            std::string_view extension, bool durable) {
  // The lock covers the directory and the counters only: a commit (which asks owns() under the
  // filter's writer lock) must not wait for another thread's write and fsync.
  std::string dir;
  std::uint64_t unique;
  {
    std::lock_guard lock(mu_);
    dir = ensure_dir_locked();
    unique = next_tmp_++;
  }
  const std::string name = photo_store_name_prefix(report_id) + std::to_string(index) + "-" +
                           hex16(photo_store_content_hash(bytes)) + "." + std::string(extension);
  const std::string path = dir + "/" + name;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && static_cast<std::uint64_t>(st.st_size) == bytes.size()) return path;
  // Private to this call: two threads storing the same photo at once must not share a temporary.
  const std::string tmp = dir + "/." + name + "." + std::to_string(::getpid()) + "-" + std::to_string(unique) + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) io_error("cannot create", tmp);
  auto fail = [&](const char* what, const std::string& where) {
    const int saved = errno;
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    errno = saved;
    io_error(what, where);
  };
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot write", tmp);
    done += static_cast<std::size_t>(n);
  }
  if (durable && ::fsync(fd) != 0) fail("cannot fsync", tmp);
  ::close(fd);
  // Never over an existing file: a concurrent put of the same photo that won keeps its file (and
  // the count stays one).
  bool placed = true;
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno == EEXIST) {
      placed = false;
      ::unlink(tmp.c_str());
    } else if (errno != EINVAL || ::rename(tmp.c_str(), path.c_str()) != 0) {  // EINVAL: no NOREPLACE here
      const int saved = errno;
      ::unlink(tmp.c_str());
      errno = saved;
      io_error("cannot rename to", path);
    }
  }
  if (durable) fsync_path(dir, O_RDONLY | O_DIRECTORY);
  std::lock_guard lock(mu_);
  if (placed) {
    if (!durable) unsynced_.push_back(path);
    ++files_;
    bytes_ += bytes.size();
  }
  return path;
}

bool PhotoStore::owns(std::string_view path, std::string_view report_id) const {
  std::lock_guard lock(mu_);
  if (!made_ && temporary_) return false;
  const std::string prefix = dir_ + "/" + photo_store_name_prefix(report_id);
  return path.size() > prefix.size() && path.substr(0, prefix.size()) == prefix;
}

void PhotoStore::remove(const std::string& path) {
  std::lock_guard lock(mu_);
  struct stat st;
  // ENOENT: already gone (a sweep, or a second release)
  if (::stat(path.c_str(), &st) == 0 && ::unlink(path.c_str()) == 0) {
    files_ -= std::min<std::uint64_t>(files_, 1);
    bytes_ -= std::min<std::uint64_t>(bytes_, static_cast<std::uint64_t>(st.st_size));
  }
}

void PhotoStore::sweep(const std::unordered_set<std::string>& keep) {
  std::lock_guard lock(mu_);
  if (!made_ && temporary_) return;
  DIR* d = ::opendir(dir_.c_str());
  if (!d) {
    if (errno == ENOENT) return;  // no photo was ever stored
    io_error("cannot list", dir_);
  }
  std::vector<std::string> doomed;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    const std::string path = dir_ + "/" + name;
    struct stat st;
    if (!keep.count(path)) {
      doomed.push_back(path);
    } else if (::stat(path.c_str(), &st) == 0) {
      ++files_;
      bytes_ += static_cast<std::uint64_t>(st.st_size);
    }
  }
  ::closedir(d);
  for (const auto& p : doomed) ::unlink(p.c_str());
  made_ = true;
}

void PhotoStore::sync() {
  std::vector<std::string> pending;
  std::string dir;
  {
    std::lock_guard lock(mu_);
    pending.swap(unsynced_);
    dir = dir_;
  }
  if (pending.empty()) return;
  for (const auto& p : pending) {
    // A file deleted since (its report left the retention) needs no syncing.
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) io_error("cannot fsync", p);
  }
  fsync_path(dir, O_RDONLY | O_DIRECTORY);
}

std::uint64_t PhotoStore::files() const {
  std::lock_guard lock(mu_);
  return files_;
}

std::uint64_t PhotoStore::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

std::string PhotoStore::dir() const {
  std::lock_guard lock(mu_);
  return made_ || !temporary_ ? dir_ : std::string();
}

}  // namespace saring::detail
