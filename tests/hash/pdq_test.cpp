#include "saring/hash/pdq.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "hash/pdq_internal.hpp"
#include "saring/core/error.hpp"

namespace saring {
namespace {

const std::string kData = std::string(SARING_TEST_DATA_DIR) + "/hash/";

struct Golden {
  std::string hex;
  int quality;
  std::string path;
};

std::vector<Golden> read_golden(const std::string& file) {
  std::ifstream in(file);
  std::vector<Golden> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    Golden g;
    if (ls >> g.hex >> g.quality >> g.path) out.push_back(g);
  }
  return out;
}

void expect_golden(const std::string& dir, const std::vector<Golden>& golden) {
  for (const Golden& g : golden) {
    SCOPED_TRACE(g.path);
    const Image img = decode_image_file(dir + g.path);
    const PdqHash fast = pdq_hash(img.view());
    const PdqHash ref = detail::pdq_hash_reference(img.view());
    EXPECT_EQ(fast.hash.hex(), g.hex);
    EXPECT_EQ(fast.quality, g.quality);
    EXPECT_EQ(ref.hash.hex(), g.hex);
    EXPECT_EQ(ref.quality, g.quality);
  }
}

// The reference's own hashes of ThreatExchange's test images (see tests/data/hash/SOURCES.md).
TEST(Pdq, MatchesMetaReferenceBitForBit) {
  const auto golden = read_golden(kData + "expected_reference.txt");
  ASSERT_EQ(golden.size(), 42u);
  expect_golden(kData, golden);
}

// The 7 LabelMe photos of the reference's 49 are not redistributable here; when the shared data
// folder is present (SARING_PDQ_DATA or ../shared/data/pdq), check them too.
TEST(Pdq, MatchesMetaReferenceOnSharedLabelMeImages) {
  const char* env = std::getenv("SARING_PDQ_DATA");
  std::string dir = env ? env : std::string(SARING_TEST_DATA_DIR) + "/../../../shared/data/pdq";
  if (!std::filesystem::exists(dir + "/expected_reference.txt")) dir = "/work/shared/data/pdq";
  if (!std::filesystem::exists(dir + "/expected_reference.txt")) GTEST_SKIP() << "no shared PDQ data";
  auto golden = read_golden(dir + "/expected_reference.txt");
  ASSERT_EQ(golden.size(), 49u);
  expect_golden(dir + "/", golden);
}

Image random_image(int w, int h, PixelFormat f, unsigned seed) {
  Image img(w, h, f);
  std::mt19937 rng(seed);
  // Smooth structure plus noise, so the median has real work to do.
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      for (int c = 0; c < img.channels(); ++c) {
        const int base = (x * 255 / std::max(1, w - 1) + y * 97 / std::max(1, h - 1) + c * 40) & 255;
        img.data()[(static_cast<std::size_t>(y) * w + x) * img.channels() + c] =
            static_cast<std::uint8_t>((base + static_cast<int>(rng() % 61)) & 255);
      }
    }
  }
  return img;
}

TEST(Pdq, FastPathEqualsScalarReferencePath) {
  const int sizes[][2] = {{5, 5}, {6, 5}, {6, 200}, {200, 7}, {63, 65}, {64, 64}, {127, 129}, {300, 257},
                          {512, 512}, {513, 300}, {1024, 768}, {777, 1500}, {4000, 30}};
  unsigned seed = 1;
  for (const auto& s : sizes) {
    for (PixelFormat f : {PixelFormat::kRgb, PixelFormat::kBgr, PixelFormat::kGray}) {
      SCOPED_TRACE(std::to_string(s[0]) + "x" + std::to_string(s[1]));
      const Image img = random_image(s[0], s[1], f, seed++);
      const PdqHash a = pdq_hash(img.view());
      const PdqHash b = detail::pdq_hash_reference(img.view());
      EXPECT_EQ(a.hash, b.hash);
      EXPECT_EQ(a.quality, b.quality);
    }
  }
}

TEST(Pdq, BothKernelSetsAgree) {
  const Image img = random_image(700, 450, PixelFormat::kRgb, 99);
  std::vector<float> luma;
  int rows = 0, cols = 0;
  detail::pdq_fill_luma(img.view(), luma, rows, cols);
  const auto& sse = detail::pdq_kernels_sse2();
  const auto& avx = detail::pdq_kernels_avx2();
  std::vector<float> in(luma), o1(luma.size()), o2(luma.size()), sums(1024);
  sse.box_vertical(in.data(), cols, o1.data(), cols, rows, cols, 4, sums.data());
  avx.box_vertical(in.data(), cols, o2.data(), cols, rows, cols, 4, sums.data());
  EXPECT_EQ(o1, o2);
  sse.transpose(in.data(), cols, o1.data(), rows, rows, cols);
  avx.transpose(in.data(), cols, o2.data(), rows, rows, cols);
  EXPECT_EQ(o1, o2);
  EXPECT_EQ(o1[static_cast<std::size_t>(5) * rows + 7], in[static_cast<std::size_t>(7) * cols + 5]);
  float d1[256], d2[256];
  sse.dct64to16(in.data(), d1);
  avx.dct64to16(in.data(), d2);
  EXPECT_EQ(0, std::memcmp(d1, d2, sizeof d1));
}

TEST(Pdq, StrideAndChannelOrderDoNotChangeTheHash) {
  const Image rgb = random_image(300, 200, PixelFormat::kRgb, 7);
  Image bgr(300, 200, PixelFormat::kBgr);
  for (std::size_t i = 0; i < rgb.size_bytes(); i += 3) {
    bgr.data()[i] = rgb.data()[i + 2];
    bgr.data()[i + 1] = rgb.data()[i + 1];
    bgr.data()[i + 2] = rgb.data()[i];
  }
  // The same pixels inside a wider, padded buffer.
  std::vector<std::uint8_t> padded(static_cast<std::size_t>(200) * 1000, 0xAB);
  for (int y = 0; y < 200; ++y) std::memcpy(&padded[y * 1000], rgb.data() + y * 900, 900);
  const ImageView strided{padded.data(), 300, 200, 1000, PixelFormat::kRgb};
  const PdqHash a = pdq_hash(rgb.view());
  EXPECT_EQ(a.hash, pdq_hash(bgr.view()).hash);
  EXPECT_EQ(a.hash, pdq_hash(strided).hash);
  EXPECT_GT(a.hash.popcount(), 0);
}

TEST(Pdq, TooSmallImagesHashToZero) {
  const Image img = random_image(4, 100, PixelFormat::kRgb, 3);
  const PdqHash h = pdq_hash(img.view());
  EXPECT_EQ(h.hash, Hash256());
  EXPECT_EQ(h.quality, 0);
  EXPECT_EQ(pdq_hash_dihedral(img.view()).quality, 0);
}

TEST(Pdq, FlatImageHasLowQuality) {
  Image img(100, 100, PixelFormat::kGray);
  std::fill(img.data(), img.data() + img.size_bytes(), 128);
  EXPECT_EQ(pdq_hash(img.view()).quality, 0);
}

TEST(Pdq, BadViewThrows) {
  EXPECT_THROW(pdq_hash(ImageView{}), Error);
  std::uint8_t px[12] = {};
  EXPECT_THROW(pdq_hash(ImageView{px, 4, 1, 5, PixelFormat::kRgb}), Error);  // stride < row
}

const char* kDihFiles[8] = {"bridge-1-original.jpg", "bridge-2-rotate-90.jpg", "bridge-3-rotate-180.jpg",
                            "bridge-4-rotate-270.jpg", "bridge-5-flipx.jpg", "bridge-6-flipy.jpg",
                            "bridge-7-flip-plus-1.jpg", "bridge-8-flip-minus-1.jpg"};

// Variants computed from the original's DCT against hashing the actually transformed files.
TEST(PdqDihedral, VariantsMatchTransformedFiles) {
  const Image orig = decode_image_file(kData + "reg-test-input/dih/" + kDihFiles[0]);
  const PdqDihedralHashes v = pdq_hash_dihedral(orig.view());
  EXPECT_EQ(v.hashes[0], pdq_hash(orig.view()).hash);
  EXPECT_EQ(v.quality, pdq_hash(orig.view()).quality);
  for (int d = 0; d < 8; ++d) {
    SCOPED_TRACE(kDihFiles[d]);
    const PdqHash file = pdq_hash_file(kData + "reg-test-input/dih/" + kDihFiles[d]);
    const int own = v.hashes[static_cast<std::size_t>(d)].distance(file.hash);
    EXPECT_LE(own, 20);
    // ... and clearly closer than any other variant.
    for (int e = 0; e < 8; ++e) {
      if (e != d) EXPECT_GT(v.hashes[static_cast<std::size_t>(e)].distance(file.hash), 60);
    }
    EXPECT_LE(pdq_min_dihedral_distance(v, file.hash), 20);
  }
}

TEST(PdqDihedral, NamesAreStable) {
  EXPECT_EQ(dihedral_name(Dihedral::kRotate90), "rotate90");
  EXPECT_EQ(dihedral_name(Dihedral::kFlipMinus1), "flip_minus1");
}

}  // namespace
}  // namespace saring

namespace saring {
namespace {

// Each variant predicts the hash of the pixels actually transformed that way.
TEST(PdqDihedral, VariantsMatchPixelTransforms) {
  const Image img = decode_image_file(kData + "reg-test-input/dih/" + kDihFiles[0]);
  const PdqDihedralHashes v = pdq_hash_dihedral(img.view());
  // EXIF orientation codes and the dihedral transform each one performs.
  const std::pair<int, Dihedral> cases[] = {{2, Dihedral::kFlipY},     {3, Dihedral::kRotate180},
                                            {4, Dihedral::kFlipX},     {5, Dihedral::kFlipPlus1},
                                            {6, Dihedral::kRotate270}, {7, Dihedral::kFlipMinus1},
                                            {8, Dihedral::kRotate90}};
  for (const auto& [orientation, d] : cases) {
    SCOPED_TRACE(dihedral_name(d));
    const PdqHash h = pdq_hash(apply_orientation(img.view(), orientation).view());
    for (int e = 0; e < 8; ++e) {
      const int dist = v.hashes[static_cast<std::size_t>(e)].distance(h.hash);
      if (e == static_cast<int>(d)) EXPECT_LE(dist, 20);
      else EXPECT_GT(dist, 60);
    }
  }
}

}  // namespace
}  // namespace saring
