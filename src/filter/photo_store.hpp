// Where the filter keeps the photos it was handed as bytes (Report::photo_bytes), so that the
// geometric check of later reports can read them like any photo path (private).
//
// One file per photo, named "<id hash>-<index>-<content hash>.<format>": a file belongs to exactly
// one report, so it can be deleted as soon as that report leaves the duplicate retention (the
// geometric check is its only later reader; photo reuse works from the hashes). The content hash
// keeps two first submits of one id with different photos apart. Files are written to a
// temporary name and renamed, so a reader never sees half a photo.
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace saring::detail {

class PhotoStore {
 public:
  // `dir` empty: a private directory under $TMPDIR (or /tmp), made on first use and removed,
  // with everything in it, when the store is destroyed (an in-memory filter's photos).
  explicit PhotoStore(std::string dir = {});
  ~PhotoStore();
  PhotoStore(const PhotoStore&) = delete;
  PhotoStore& operator=(const PhotoStore&) = delete;

  // Writes photo `index` of report `report_id` (when not there already) and returns its path.
  // `durable`: fsync the file and the directory before returning; otherwise sync() does it later.
  // Throws Error(kIo) when the directory or the file cannot be written.
  std::string put(const std::string& report_id, std::size_t index, std::span<const std::uint8_t> bytes,
                  std::string_view extension, bool durable);
  // Whether `path` is a file of this store that belongs to report `report_id`.
  bool owns(std::string_view path, std::string_view report_id) const;
  // Deletes one of this store's files (missing files are fine).
  void remove(const std::string& path);
  // Deletes every file of the store that is not in `keep`: at open, the photos of submits that
  // never committed (a crash, or a replayed id that was held already) and of reports that left
  // the retention while the journal was replayed.
  void sweep(const std::unordered_set<std::string>& keep);
  // fsyncs the files put without `durable` since the last call, and the directory.
  void sync();
  // The directory ("" for a private one not made yet).
  std::string dir() const;
  // What the store holds now: files and their bytes (counted from the sweep at open on).
  std::uint64_t files() const;
  std::uint64_t bytes() const;

 private:
  std::string ensure_dir_locked();

  mutable std::mutex mu_;
  std::string dir_;
  bool temporary_ = false;
  bool made_ = false;
  std::vector<std::string> unsynced_;
  std::uint64_t next_tmp_ = 0;
  std::uint64_t files_ = 0;
  std::uint64_t bytes_ = 0;
};

// Stable across builds and runs (it names files): FNV-1a of the id, finalised.
std::uint64_t photo_store_id_hash(std::string_view report_id);
// "<id hash>-": how the names of a report's stored photos start.
std::string photo_store_name_prefix(std::string_view report_id);
// Stable content hash, 8 bytes at a time.
std::uint64_t photo_store_content_hash(std::span<const std::uint8_t> bytes);

}  // namespace saring::detail
