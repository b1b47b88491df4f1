// Near-duplicate text across many reports: a 64-bit SimHash over character shingles of the
// normalised text, kept in an index that finds every stored hash within a Hamming distance by
// pigeonhole (the hash is cut into distance+1 bands; a near copy shares one band exactly).
//
//   saring::NearDuplicateTextIndex index;
//   auto h = saring::text_simhash(saring::normalize_text(text).normalized);
//   std::size_t copies = index.count_near(h, now - 7 * 86400);
//   index.add("r17", h, now);
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "saring/core/time.hpp"
#include "saring/hash/hash_types.hpp"

namespace saring {

struct NearDuplicateOptions {
  int max_distance = 3;        // Hamming distance (of 64) that still counts as a near copy (0..15)
  std::size_t min_chars = 20;  // shorter normalised texts get no hash ("banjir" is not a copy)
  int shingle = 4;             // character shingle length in bytes (2..16)
  void validate() const;       // throws Error(kInvalidArgument)
};

// SimHash of a normalised text, or nullopt when it is shorter than options.min_chars.
std::optional<Hash64> text_simhash(std::string_view normalized, const NearDuplicateOptions& options = {});

class NearDuplicateTextIndex {
 public:
  explicit NearDuplicateTextIndex(const NearDuplicateOptions& options = {});

  void add(std::string id, Hash64 hash, UnixSeconds time);
  // Stored items within max_distance of `hash` added at or after `since`.
  std::size_t count_near(Hash64 hash, UnixSeconds since = INT64_MIN) const;
  // Their ids, nearest first (at most `limit`).
  std::vector<std::string> find_near(Hash64 hash, UnixSeconds since = INT64_MIN, std::size_t limit = 10) const;
  // Forgets items added before `time` (the retention window).
  void remove_older_than(UnixSeconds time);
  std::size_t size() const { return live_; }
  const NearDuplicateOptions& options() const { return options_; }

 private:
  struct Entry {
    std::string id;
    Hash64 hash;
    UnixSeconds time;
    bool alive;
  };
  template <class F>
  void for_each_near(Hash64 hash, UnixSeconds since, F&& f) const;
  void rebuild();

  NearDuplicateOptions options_;
  int bands_ = 4;
  std::vector<Entry> entries_;
  std::vector<std::unordered_map<std::uint64_t, std::vector<std::uint32_t>>> band_maps_;
  std::size_t live_ = 0;
};

}  // namespace saring
