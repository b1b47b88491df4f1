#include "saring/filter/similarity.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <opencv2/calib3d.hpp>
#include <opencv2/core.hpp>
#include <opencv2/features2d.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "saring/core/error.hpp"
#include "saring/image/image.hpp"
#include "image/decode_internal.hpp"
#include "orb_cache.hpp"

namespace saring {
namespace {

std::uint32_t fnv1a(std::string_view s, std::uint32_t h = 2166136261u) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

bool word_byte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

}  // namespace

std::vector<std::uint32_t> text_shingles(std::string_view text, std::size_t max_shingles) {
  // One pass, no word strings: FNV-1a is a running hash, so each word's own hash and its bigram
  // with the previous word (seeded by the previous word's hash and a separator byte, which keeps
  // ("ab","c") apart from ("a","bc")) are computed byte by byte as the word is read. The result is
  // sorted and de-duplicated, so the order the hashes are found in does not matter. Built in a
  // per-thread buffer and copied out at its final size: one allocation per call (every submit
  // calls this).
  constexpr std::uint32_t kBasis = 2166136261u;
  thread_local std::vector<std::uint32_t> out;
  out.clear();
  bool in_word = false, have_prev = false;
  std::uint32_t word = kBasis, bigram = 0, prev_seed = 0;
  const auto end_word = [&] {
    out.push_back(word);
    if (have_prev) out.push_back(bigram);
    prev_seed = fnv1a("\x1f", word);
    have_prev = true;
    in_word = false;
  };
  for (unsigned char c : text) {
    if (word_byte(c)) {
      if (!in_word) {
        in_word = true;
        word = kBasis;
        bigram = prev_seed;
      }
      const auto b = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      word = (word ^ b) * 16777619u;
      bigram = (bigram ^ b) * 16777619u;
    } else if (in_word) {
      end_word();
    }
  }
  if (in_word) end_word();
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.size() > max_shingles) out.resize(max_shingles);
  return std::vector<std::uint32_t>(out.begin(), out.end());
}

double shingle_similarity(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
  if (a.empty() || b.empty()) return 0.0;
  std::size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      ++common;
      ++i;
      ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

void GeometricOptions::validate() const {
  if (max_side < 64 || max_side > 4096) throw Error(ErrorCode::kInvalidArgument, "GeometricOptions.max_side must be in [64, 4096]");
  if (max_features < 10) throw Error(ErrorCode::kInvalidArgument, "GeometricOptions.max_features must be >= 10");
  if (!(ratio > 0 && ratio < 1)) throw Error(ErrorCode::kInvalidArgument, "GeometricOptions.ratio must be in (0, 1)");
  if (!(ransac_px > 0)) throw Error(ErrorCode::kInvalidArgument, "GeometricOptions.ransac_px must be > 0");
  if (min_inliers < 4) throw Error(ErrorCode::kInvalidArgument, "GeometricOptions.min_inliers must be >= 4");
}

struct OrbFeatures::Impl {
  std::vector<cv::Point2f> points;
  cv::Mat descriptors;  // CV_8U, one 32-byte row per keypoint
};

OrbFeatures::OrbFeatures() : impl_(new Impl) {}
OrbFeatures::~OrbFeatures() { delete impl_; }
OrbFeatures::OrbFeatures(OrbFeatures&& o) noexcept : impl_(o.impl_) { o.impl_ = new Impl; }
OrbFeatures& OrbFeatures::operator=(OrbFeatures&& o) noexcept {
  std::swap(impl_, o.impl_);
  return *this;
}
int OrbFeatures::keypoints() const { return static_cast<int>(impl_->points.size()); }
std::size_t OrbFeatures::memory_bytes() const {
  return sizeof(Impl) + impl_->points.size() * sizeof(cv::Point2f) + impl_->descriptors.total();
}

namespace {

OrbFeatures features_of(const cv::Mat& decoded, const GeometricOptions& options) {
  options.validate();
  cv::Mat gray = decoded;
  const int longest = std::max(gray.cols, gray.rows);
  if (longest > options.max_side) {
    const double s = static_cast<double>(options.max_side) / longest;
    cv::resize(gray, gray, cv::Size(), s, s, cv::INTER_AREA);
  }
  OrbFeatures f;
  auto orb = cv::ORB::create(options.max_features);
  std::vector<cv::KeyPoint> kps;
  orb->detectAndCompute(gray, cv::noArray(), kps, f.impl().descriptors);
  f.impl().points.reserve(kps.size());
  for (const auto& k : kps) f.impl().points.push_back(k.pt);
  return f;
}

// The image module's decoder (libjpeg directly, with caps), scaled in the DCT for large JPEGs:
// ORB only needs max_side pixels, and a phone photo decoded at 1/4 or 1/8 costs a fraction.
DecodeOptions orb_decode_options(const GeometricOptions& options) {
  DecodeOptions decode;
  decode.jpeg_auto_min_side = options.max_side / 2;
  return decode;
}

OrbFeatures features_of_rgb(const Image& rgb, const GeometricOptions& options) {
  cv::Mat gray;
  const cv::Mat view(rgb.height(), rgb.width(), CV_8UC3, const_cast<std::uint8_t*>(rgb.data()));
  cv::cvtColor(view, gray, cv::COLOR_RGB2GRAY);
  return features_of(gray, options);
}

}  // namespace

OrbFeatures orb_features_from_bytes(const std::vector<std::uint8_t>& bytes, const GeometricOptions& options) {
  options.validate();
  if (bytes.empty()) throw Error(ErrorCode::kDecode, "photo bytes are empty");
  return features_of_rgb(decode_image_bytes(bytes, "photo", orb_decode_options(options)), options);
}

namespace detail {
bool orb_features_equal(const OrbFeatures& a, const OrbFeatures& b) {
  const auto& x = a.impl();
  const auto& y = b.impl();
  if (x.points != y.points || x.descriptors.size() != y.descriptors.size() || x.descriptors.type() != y.descriptors.type()) return false;
  return x.descriptors.empty() || cv::norm(x.descriptors, y.descriptors, cv::NORM_HAMMING) == 0;
}

bool orb_decode_is_full_size(const ImageInfo& info, const GeometricOptions& options) {
  return info.format != ImageFormat::kJpeg || detail::jpeg_scale_denominator(info, orb_decode_options(options)) == 1;
}

OrbFeatures orb_features_prepared(const PreparedPhoto& photo, const GeometricOptions& options) {
  options.validate();
  // When the ORB decode would be full size anyway (not a JPEG, or one too small to scale), it
  // gives exactly the pixels hashing decoded. Otherwise the reduced decode is cheaper than
  // shrinking the full-size image (and gives other pixels), so it runs again from the bytes
  // already read. Tests hold both paths equal.
  if (!photo.image.empty() && photo.image.format() == PixelFormat::kRgb && !photo.bytes.empty()) {
    const ImageInfo info = probe_image(photo.bytes, photo.path);
    if (orb_decode_is_full_size(info, options) && info.width == photo.image.width() && info.height == photo.image.height()) {
      return features_of_rgb(photo.image, options);
    }
  }
  try {
    return orb_features_from_bytes(photo.bytes, options);
  } catch (const Error& e) {
    throw Error(e.code(), "photo '" + photo.path + "': " + e.what());
  }
}
}  // namespace detail

OrbFeatures orb_features(const std::string& path, const GeometricOptions& options) {
  options.validate();
  std::vector<std::uint8_t> bytes = read_file_bytes(path, DecodeOptions{}.max_input_bytes);
  try {
    return orb_features_from_bytes(bytes, options);
  } catch (const Error& e) {
    throw Error(e.code(), "photo '" + path + "': " + e.what());
  }
}

namespace {
GeometricMatch match_impl(const OrbFeatures& a, const OrbFeatures& b, const GeometricOptions& options,
                          bool only_same_scene) {
  GeometricMatch m;
  m.keypoints_a = a.keypoints();
  m.keypoints_b = b.keypoints();
  if (m.keypoints_a < 4 || m.keypoints_b < 4) return m;
  cv::BFMatcher matcher(cv::NORM_HAMMING);
  std::vector<std::vector<cv::DMatch>> knn;
  matcher.knnMatch(a.impl().descriptors, b.impl().descriptors, knn, 2);
  std::vector<cv::Point2f> pa, pb;
  for (const auto& pair : knn) {
    if (pair.size() == 2 && pair[0].distance < options.ratio * pair[1].distance) {
      pa.push_back(a.impl().points[pair[0].queryIdx]);
      pb.push_back(b.impl().points[pair[0].trainIdx]);
    }
  }
  m.good_matches = static_cast<int>(pa.size());
  if (pa.size() < 4) return m;
  // Inliers are a subset of the good matches: fewer than min_inliers cannot make one scene, and
  // RANSAC (most of a match's cost for unrelated photos) need not run when only that is asked.
  if (only_same_scene && m.good_matches < options.min_inliers) return m;
  std::vector<unsigned char> mask;
  // RANSAC's sampling uses OpenCV's global RNG; seed it so a verdict never depends on the order
  // in which earlier matches ran (replay after a crash must reproduce verdicts exactly).
  cv::theRNG().state = 0x5a17ull;
  const cv::Mat h = cv::findHomography(pa, pb, cv::RANSAC, options.ransac_px, mask, 2000, 0.995);
  if (h.empty()) return m;
  m.inliers = static_cast<int>(std::count(mask.begin(), mask.end(), 1));
  m.same_scene = m.inliers >= options.min_inliers;
  return m;
}
}  // namespace

GeometricMatch geometric_match(const OrbFeatures& a, const OrbFeatures& b, const GeometricOptions& options) {
  return match_impl(a, b, options, false);
}

namespace detail {
GeometricMatch geometric_same_scene(const OrbFeatures& a, const OrbFeatures& b, const GeometricOptions& options) {
  return match_impl(a, b, options, true);
}
}  // namespace detail

GeometricMatch geometric_match(const std::string& path_a, const std::string& path_b, const GeometricOptions& options) {
  return geometric_match(orb_features(path_a, options), orb_features(path_b, options), options);
}

}  // namespace saring
