// The geometric check's memory: ORB features per photo and match results per photo pair, in
// least-recently-used caches bounded in bytes, so that a retained photo that is a candidate for
// many reports is extracted once. Results never depend on what the cache holds: extraction is a
// function of the photo's bytes and the options, and matching is deterministic (seeded RANSAC).
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "saring/filter/similarity.hpp"
#include "saring/hash/hash_types.hpp"
#include "saring/image/image.hpp"

namespace saring::detail {

// A photo as the geometric check names it. The cache key is the path plus the photo's PDQ hash
// when known, so a file replaced under the same path is not judged by its predecessor's features.
struct OrbPhoto {
  const std::string& path;
  const Hash256* pdq = nullptr;
  std::string key() const;
};

// What hashing already holds of a photo of the report being submitted: its bytes and, when the
// ORB decode would be the full size anyway (orb_decode_is_full_size), its pixels. Extraction then
// needs no second read and, with the pixels, no second decode. A large JPEG's full-size pixels
// (36 MB for 12 MP) are not kept: ORB decodes it again at reduced scale from the bytes, and
// holding them through the evaluation only keeps memory from the next decode.
struct PreparedPhoto {
  std::string path;
  std::vector<std::uint8_t> bytes;
  Image image;  // empty unless the ORB decode would give exactly these pixels
};

// Whether ORB's decode of a photo of this format and size is the full-size decode (not a JPEG,
// or a JPEG too small for DCT scaling at options.max_side).
bool orb_decode_is_full_size(const ImageInfo& info, const GeometricOptions& options);

// ORB features from a prepared photo, identical to orb_features_from_bytes(photo.bytes): the
// decoded pixels are used only when the reduced decode would give exactly them.
OrbFeatures orb_features_prepared(const PreparedPhoto& photo, const GeometricOptions& options);

// Same keypoints and descriptors, bit for bit.
bool orb_features_equal(const OrbFeatures& a, const OrbFeatures& b);

// geometric_match when only `same_scene` matters: RANSAC is skipped when fewer than
// min_inliers matches pass the ratio test (then `inliers` is 0). same_scene is always as
// geometric_match gives it.
GeometricMatch geometric_same_scene(const OrbFeatures& a, const OrbFeatures& b, const GeometricOptions& options);

struct OrbCacheLimits {
  // Features: about 12 KB per photo at 300 keypoints (32-byte descriptor + 8-byte point each),
  // so 32 MiB hold ~2,700 photos.
  std::size_t feature_bytes = std::size_t{32} << 20;
  std::size_t pair_bytes = std::size_t{4} << 20;  // pair results: two keys and a count each
};

class OrbCache {
 public:
  explicit OrbCache(OrbCacheLimits limits = {}) : limits_(limits) {}
  // Inliers of the homography between two photos (0 when too few matches pass the ratio test to
  // reach min_inliers); -1 when either cannot be read or decoded.
  int inliers(const OrbPhoto& a, const OrbPhoto& b, const GeometricOptions& options);
  // Null when the photo cannot be read or decoded.
  std::shared_ptr<const OrbFeatures> features(const OrbPhoto& photo, const GeometricOptions& options);

  std::uint64_t extractions() const { return extractions_.load(std::memory_order_relaxed); }
  std::uint64_t matches() const { return matches_.load(std::memory_order_relaxed); }
  // What the caches hold now (never above the limits).
  std::size_t feature_bytes() const;
  std::size_t pair_bytes() const;
  std::size_t feature_entries() const;

  // While alive, a feature miss for one of `photos` (by path) extracts from what hashing already
  // decoded on this thread instead of reading the file again. Not copied; `photos` must outlive it.
  class Prepared {
   public:
    explicit Prepared(const std::vector<PreparedPhoto>* photos);
    ~Prepared();
    Prepared(const Prepared&) = delete;
    Prepared& operator=(const Prepared&) = delete;

   private:
    const std::vector<PreparedPhoto>* previous_;
  };

 private:
  template <typename V>
  struct Lru {
    struct Entry {
      std::string key;
      V value;
      std::size_t bytes;
    };
    std::list<Entry> order;  // most recent first
    std::unordered_map<std::string_view, typename std::list<Entry>::iterator> at;  // views of Entry::key
    std::size_t bytes = 0;
    const V* find(const std::string& key);
    void put(std::string key, V value, std::size_t value_bytes, std::size_t limit);
  };

  OrbCacheLimits limits_;
  std::atomic<std::uint64_t> extractions_{0};
  std::atomic<std::uint64_t> matches_{0};
  mutable std::mutex mu_;
  Lru<std::shared_ptr<const OrbFeatures>> features_;
  Lru<int> pairs_;
};

}  // namespace saring::detail
