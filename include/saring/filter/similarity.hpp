// Pairwise evidence the filter computes itself: text similarity of two descriptions and a
// geometric check that two photos show one scene (OpenCV ORB features matched with a ratio test,
// then a RANSAC homography whose inliers count the shared, consistently moved points). The
// geometric check catches a pothole photographed twice from different angles, which a perceptual
// hash (PDQ) does not.
//
//   double s = saring::text_similarity("jalan berlubang besar", "jalan rusak berlubang besar");
//   auto m = saring::geometric_match("a.jpg", "b.jpg");   // m.inliers, m.same_scene
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace saring {

// Sorted, de-duplicated 32-bit hashes of a text's words (1-grams) and word pairs (2-grams) after
// lowercasing ASCII and splitting on anything that is not a letter or digit (bytes >= 0x80 count
// as letters, so Indonesian and other scripts survive). At most `max_shingles` are kept (the
// smallest hashes: a bottom-k sketch, so two long texts are still compared fairly).
std::vector<std::uint32_t> text_shingles(std::string_view text, std::size_t max_shingles = 64);
// Jaccard similarity of two shingle sets, in [0, 1]; 0 when either is empty.
double shingle_similarity(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b);
inline double text_similarity(std::string_view a, std::string_view b) {
  return shingle_similarity(text_shingles(a), text_shingles(b));
}

struct GeometricOptions {
  int max_side = 640;          // photos are downscaled so the longer side is at most this
  int max_features = 500;      // ORB keypoints per photo
  double ratio = 0.8;          // Lowe's ratio test between the two nearest descriptors
  double ransac_px = 6.0;      // RANSAC reprojection threshold at the downscaled size
  int min_inliers = 20;        // inliers that make two photos one scene
  void validate() const;
};

struct GeometricMatch {
  int keypoints_a = 0;
  int keypoints_b = 0;
  int good_matches = 0;   // matches that passed the ratio test
  int inliers = 0;        // homography inliers among them
  bool same_scene = false;
};

// ORB features of one photo; opaque, cheap to share (the filter caches them per path).
class OrbFeatures {
 public:
  OrbFeatures();
  ~OrbFeatures();
  OrbFeatures(OrbFeatures&&) noexcept;
  OrbFeatures& operator=(OrbFeatures&&) noexcept;
  int keypoints() const;
  std::size_t memory_bytes() const;
  struct Impl;
  const Impl& impl() const { return *impl_; }
  Impl& impl() { return *impl_; }

 private:
  Impl* impl_;
};

// Reads and decodes `path` (throws Error(kIo) when unreadable, kDecode when not an image).
OrbFeatures orb_features(const std::string& path, const GeometricOptions& options = {});
// From encoded image bytes (JPEG, PNG, ...).
OrbFeatures orb_features_from_bytes(const std::vector<std::uint8_t>& bytes, const GeometricOptions& options = {});
GeometricMatch geometric_match(const OrbFeatures& a, const OrbFeatures& b, const GeometricOptions& options = {});
GeometricMatch geometric_match(const std::string& path_a, const std::string& path_b,
                               const GeometricOptions& options = {});

}  // namespace saring
