#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include "saring/core/error.hpp"
#include "saring/hash/image_hashes.hpp"
#include "saring/image/image.hpp"

namespace saring {
namespace {

const std::string kData = std::string(SARING_TEST_DATA_DIR) + "/hash/";

std::vector<std::uint8_t> file_bytes(const std::string& path) {
  return read_file_bytes(path, std::uint64_t{1} << 30);
}

ErrorCode code_of(const std::function<void()>& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  ADD_FAILURE() << "no saring::Error thrown";
  return ErrorCode::kInternal;
}

ImageFormat format_of(const std::string& ext) {
  if (ext == ".png") return ImageFormat::kPng;
  if (ext == ".jpg") return ImageFormat::kJpeg;
  if (ext == ".bmp") return ImageFormat::kBmp;
  if (ext == ".tiff") return ImageFormat::kTiff;
  if (ext == ".ppm") return ImageFormat::kPnm;
  return ImageFormat::kWebp;
}

std::vector<std::uint8_t> encode(const Image& m, const std::string& ext, int quality = 90) {
  return encode_image(m.view(), format_of(ext), quality);
}

Image gradient(int w, int h) {
  Image m(w, h, PixelFormat::kRgb);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      std::uint8_t* p = m.data() + (y * w + x) * 3;
      p[0] = static_cast<std::uint8_t>(x * 255 / w);
      p[1] = static_cast<std::uint8_t>(y * 255 / h);
      p[2] = static_cast<std::uint8_t>((x ^ y) & 255);
    }
  return m;
}

TEST(ImageProbe, ReadsDeclaredSizeOfEachFormat) {
  const Image m = gradient(37, 23);
  for (const std::string ext : {".png", ".jpg", ".bmp", ".tiff", ".ppm", ".webp"}) {
    SCOPED_TRACE(ext);
    const ImageInfo info = probe_image(encode(m, ext), "mem" + ext);
    EXPECT_EQ(info.width, 37);
    EXPECT_EQ(info.height, 23);
    const Image img = decode_image_bytes(encode(m, ext), "mem" + ext);
    EXPECT_EQ(img.width(), 37);
    EXPECT_EQ(img.height(), 23);
    EXPECT_EQ(img.format(), PixelFormat::kRgb);
  }
  const auto webp_lossless = encode(gradient(12, 10), ".webp", 101);
  EXPECT_EQ(probe_image(webp_lossless, "lossless.webp").width, 12);
  EXPECT_EQ(probe_image(file_bytes(kData + "misc-images/modes/F.webp"), "F.webp").format, ImageFormat::kWebp);
}

// Found by fuzz_image_decode: a 30-byte extended WebP header (VP8X) made the probe read 32 bits
// at offset 27, one byte past the end. The canvas size is two 24-bit fields at 24 and 27.
TEST(ImageProbe, ThirtyByteWebpExtendedHeader) {
  const std::vector<std::uint8_t> crash = {'R',  'I',  'F',  'F',  0x8e, 0x00, 0x00, 0x00, 'W',  'E',
                                           'B',  'P',  'V',  'P',  '8',  'X',  0x32, 0x59, 0x82, 0x89,
                                           0x50, 0x00, 0x00, 0x00, 0x89, 0x01, 0x00, 0x01, 0x60, 0x00};
  const ImageInfo info = probe_image(crash, "fuzz.webp");
  EXPECT_EQ(info.format, ImageFormat::kWebp);
  EXPECT_EQ(info.width, 0x189 + 1);
  EXPECT_EQ(info.height, 0x6001 + 1);
  std::string msg;
  EXPECT_EQ(code_of([&] { decode_image_bytes(crash, "fuzz.webp"); }, &msg), ErrorCode::kDecode) << msg;
  // The largest canvas a VP8X header can declare is refused by the pixel cap, not decoded.
  std::vector<std::uint8_t> huge = crash;
  for (std::size_t i = 24; i < 30; ++i) huge[i] = 0xff;
  EXPECT_EQ(probe_image(huge, "huge.webp").width, 1 << 24);
  EXPECT_EQ(code_of([&] { decode_image_bytes(huge, "huge.webp"); }), ErrorCode::kLimitExceeded);
  for (std::size_t n = 0; n < crash.size(); ++n) {  // every shorter prefix is refused by name
    const std::vector<std::uint8_t> cut(crash.begin(), crash.begin() + static_cast<long>(n));
    EXPECT_THROW(probe_image(cut, "cut.webp"), Error) << n;
  }
}

TEST(ImageDecode, DecodesToRgbInTheRightOrder) {
  Image rgb(8, 8, PixelFormat::kRgb);
  for (int i = 0; i < 64; ++i) {
    rgb.data()[3 * i] = 200;
    rgb.data()[3 * i + 1] = 20;
    rgb.data()[3 * i + 2] = 10;
  }
  const Image img = decode_image_bytes(encode(rgb, ".png"), "red.png");
  EXPECT_EQ(img.data()[0], 200);
  EXPECT_EQ(img.data()[1], 20);
  EXPECT_EQ(img.data()[2], 10);
}

// A tiny file declaring a huge image is refused from its header, without decoding.
TEST(ImageDecode, RefusesDecompressionBombQuickly) {
  std::vector<std::uint8_t> png = encode(gradient(16, 16), ".png");
  // Rewrite IHDR's width and height to 50000 (the CRC no longer matches: it never gets that far).
  const std::uint8_t big[4] = {0x00, 0x00, 0xC3, 0x50};
  std::memcpy(&png[16], big, 4);
  std::memcpy(&png[20], big, 4);
  std::string msg;
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(code_of([&] { decode_image_bytes(png, "bomb.png"); }, &msg), ErrorCode::kLimitExceeded);
  EXPECT_NE(msg.find("bomb.png"), std::string::npos);
  EXPECT_NE(msg.find("50000x50000"), std::string::npos);
  (void)t0;

  std::vector<std::uint8_t> jpg = encode(gradient(16, 16), ".jpg");
  for (std::size_t i = 2; i + 9 < jpg.size(); ++i) {
    if (jpg[i] == 0xFF && jpg[i + 1] == 0xC0) {  // SOF0: FF C0 len(2) precision(1) height(2) width(2)
      jpg[i + 5] = 0xC3; jpg[i + 6] = 0x50; jpg[i + 7] = 0xC3; jpg[i + 8] = 0x50;
      break;
    }
  }
  EXPECT_EQ(probe_image(jpg, "bomb.jpg").width, 50000);
  EXPECT_EQ(code_of([&] { decode_image_bytes(jpg, "bomb.jpg"); }), ErrorCode::kLimitExceeded);

  DecodeOptions small;
  small.max_pixels = 100;
  EXPECT_EQ(code_of([&] { decode_image_bytes(encode(gradient(11, 10), ".png"), "x.png", small); }),
            ErrorCode::kLimitExceeded);
  EXPECT_NO_THROW(decode_image_bytes(encode(gradient(10, 10), ".png"), "x.png", small));
}

TEST(ImageDecode, RefusesTooManyBytes) {
  DecodeOptions o;
  o.max_input_bytes = 100;
  const auto png = encode(gradient(64, 64), ".png");
  ASSERT_GT(png.size(), 100u);
  EXPECT_EQ(code_of([&] { decode_image_bytes(png, "big.png", o); }), ErrorCode::kLimitExceeded);
  EXPECT_EQ(code_of([&] { decode_image_file(kData + "bridge-mods/aaa-orig.jpg", o); }), ErrorCode::kLimitExceeded);
}

TEST(ImageDecode, TruncatedAndNonImageBytesNameTheInput) {
  const auto jpg = file_bytes(kData + "bridge-mods/aaa-orig.jpg");
  const auto png = file_bytes(kData + "misc-images/c.png");
  const auto webp = file_bytes(kData + "misc-images/modes/F.webp");
  for (const auto* whole : {&jpg, &png, &webp}) {
    for (double frac : {0.0005, 0.02, 0.5, 0.97}) {
      const std::vector<std::uint8_t> cut(whole->begin(), whole->begin() + static_cast<long>(whole->size() * frac));
      std::string msg;
      const ErrorCode c = code_of([&] { decode_image_bytes(cut, "cut-input"); }, &msg);
      EXPECT_EQ(c, ErrorCode::kDecode) << msg;
      EXPECT_NE(msg.find("cut-input"), std::string::npos) << msg;
    }
  }
  const std::string text = "hello, this is not an image at all";
  std::string msg;
  EXPECT_EQ(code_of([&] { decode_image_bytes(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), "notes.txt"); }, &msg),
            ErrorCode::kDecode);
  EXPECT_NE(msg.find("notes.txt"), std::string::npos);
  EXPECT_EQ(code_of([&] { decode_image_bytes({}, "empty"); }), ErrorCode::kDecode);
  EXPECT_EQ(code_of([&] { decode_image_file(kData + "no-such-file.jpg"); }), ErrorCode::kIo);
  EXPECT_EQ(code_of([&] { decode_image_file(kData); }), ErrorCode::kIo);
  // Corrupt entropy data after a valid header: still an error or an image, never a crash.
  std::vector<std::uint8_t> garbled = png;
  for (std::size_t i = 100; i < garbled.size(); i += 7) garbled[i] ^= 0x5a;
  EXPECT_EQ(code_of([&] { decode_image_bytes(garbled, "garbled.png"); }), ErrorCode::kDecode);
}

TEST(ImageDecode, OptionsAreValidated) {
  DecodeOptions o;
  o.jpeg_scale_denom = 3;
  EXPECT_EQ(code_of([&] { o.validate(); }), ErrorCode::kInvalidArgument);
  o = DecodeOptions{};
  o.max_pixels = 0;
  EXPECT_EQ(code_of([&] { o.validate(); }), ErrorCode::kInvalidArgument);
}

TEST(ImageDecode, ReducedScaleJpeg) {
  const auto jpg = file_bytes(kData + "reg-test-input/exif-rotn/exif-rotn-1.jpg");
  const ImageInfo info = probe_image(jpg, "rotn");
  const Image full = decode_image_bytes(jpg, "rotn");
  EXPECT_EQ(full.width(), info.width);
  for (int d : {2, 4, 8}) {
    DecodeOptions o;
    o.jpeg_scale_denom = d;
    const Image img = decode_image_bytes(jpg, "rotn", o);
    EXPECT_EQ(img.width(), (info.width + d - 1) / d);
    EXPECT_EQ(img.height(), (info.height + d - 1) / d);
    // A different decode, but the same picture.
    EXPECT_LE(pdq_hash(img.view()).hash.distance(pdq_hash(full.view()).hash), 40);
  }
  DecodeOptions autoscale;
  autoscale.jpeg_auto_min_side = 300;
  const Image a = decode_image_bytes(jpg, "rotn", autoscale);
  EXPECT_GE(std::min(a.width(), a.height()), 300);
  EXPECT_LT(std::min(a.width(), a.height()), 600);
  // Truncated JPEG on the libjpeg path is an error too.
  DecodeOptions o8;
  o8.jpeg_scale_denom = 8;
  const std::vector<std::uint8_t> cut(jpg.begin(), jpg.begin() + static_cast<long>(jpg.size() / 2));
  EXPECT_EQ(code_of([&] { decode_image_bytes(cut, "cut.jpg", o8); }), ErrorCode::kDecode);
}

// Large pixel buffers are recycled within a thread (see Image): a new image must still start
// zeroed, a decode into a recycled buffer must give the same pixels, and moves must leave an
// empty image behind. Run in a fresh thread so its spare buffer starts empty.
TEST(ImageBuffer, RecycledBuffersAreZeroedAndDecodesUnchanged) {
  std::thread([] {
    const std::uint8_t* first = nullptr;
    {
      Image a(1200, 1000, PixelFormat::kRgb);  // 3.6 MB: recycled when destroyed
      std::memset(a.data(), 0xAB, a.size_bytes());
      first = a.data();
    }
    Image b(1000, 1000, PixelFormat::kRgb);
    EXPECT_EQ(b.data(), first);  // the spare was reused
    bool zero = true;
    for (std::size_t i = 0; i < b.size_bytes(); ++i) zero = zero && b.data()[i] == 0;
    EXPECT_TRUE(zero);

    const std::vector<std::uint8_t> jpg = encode(gradient(1024, 768), ".jpg", 92);
    const Image once = decode_image_bytes(jpg, "g.jpg");
    const std::vector<std::uint8_t> expected(once.data(), once.data() + once.size_bytes());
    Image noise(1024, 768, PixelFormat::kRgb);
    std::memset(noise.data(), 0x5A, noise.size_bytes());
    Image again;
    again = std::move(noise);  // move-assign: `noise` is left empty
    EXPECT_TRUE(noise.empty());
    EXPECT_EQ(noise.width(), 0);
    again = Image();  // its buffer goes back to the spare, dirty
    EXPECT_TRUE(again.empty());
    const Image twice = decode_image_bytes(jpg, "g.jpg");
    ASSERT_EQ(twice.size_bytes(), expected.size());
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(), twice.data()));
    Image copy = twice;  // copies allocate their own buffer
    EXPECT_NE(copy.data(), twice.data());
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(), copy.data()));
  }).join();
}

// The four files are different photos taken with the phone held four ways; each carries its
// orientation tag.
TEST(ImageExif, OrientationIsReadAndApplied) {
  for (int o : {1, 3, 6, 8}) {
    const std::string path = kData + "reg-test-input/exif-rotn/exif-rotn-" + std::to_string(o) + ".jpg";
    EXPECT_EQ(exif_orientation(file_bytes(path)), o);
    DecodeOptions small;
    small.jpeg_scale_denom = 8;  // keeps the test quick; orientation is independent of scale
    const Image raw = decode_image_file(path, small);
    DecodeOptions with = small;
    with.apply_exif_orientation = true;
    const Image upright = decode_image_file(path, with);
    const bool swapped = o == 6 || o == 8;
    EXPECT_EQ(upright.width(), swapped ? raw.height() : raw.width()) << path;
    const Image expect = apply_orientation(raw.view(), o);
    ASSERT_EQ(upright.size_bytes(), expect.size_bytes());
    EXPECT_EQ(0, std::memcmp(upright.data(), expect.data(), expect.size_bytes())) << path;
    // Rotating the pixels by 180 degrees is what the DCT-domain rotate180 variant predicts.
    if (o == 3) {
      const PdqDihedralHashes v = pdq_hash_dihedral(raw.view());
      EXPECT_LE(v.hashes[static_cast<int>(Dihedral::kRotate180)].distance(pdq_hash(upright.view()).hash), 20);
    }
  }
  EXPECT_EQ(exif_orientation(file_bytes(kData + "misc-images/c.png")), 1);
}

TEST(ImageExif, ApplyOrientationMovesPixels) {
  // 3x2 image with distinct grey values: row 0 = 0 1 2, row 1 = 3 4 5.
  std::uint8_t px[6] = {0, 1, 2, 3, 4, 5};
  const ImageView v{px, 3, 2, 3, PixelFormat::kGray};
  const Image r6 = apply_orientation(v, 6);  // 90 degrees clockwise
  ASSERT_EQ(r6.width(), 2);
  ASSERT_EQ(r6.height(), 3);
  const std::uint8_t want6[6] = {3, 0, 4, 1, 5, 2};
  EXPECT_EQ(0, std::memcmp(r6.data(), want6, 6));
  const Image r3 = apply_orientation(v, 3);
  const std::uint8_t want3[6] = {5, 4, 3, 2, 1, 0};
  EXPECT_EQ(0, std::memcmp(r3.data(), want3, 6));
  const Image r8 = apply_orientation(v, 8);
  const std::uint8_t want8[6] = {2, 5, 1, 4, 0, 3};
  EXPECT_EQ(0, std::memcmp(r8.data(), want8, 6));
  EXPECT_THROW(apply_orientation(v, 9), Error);
}

// Golden values from OpenCV's img_hash::PHash (opencv_contrib 4.6) on the same files.
TEST(Phash, MatchesOpenCvImgHash) {
  const std::pair<const char*, const char*> golden[] = {
      {"bridge-mods/aaa-orig.jpg", "3545b9384c3fc6eb"},
      {"misc-images/c.png", "0cc9c306c1e47134"},
      {"reg-test-input/pen-and-coaster.png", "ecf34324190c8302"},
      {"misc-images/modes/L.png", "3545b9384c3fc6eb"},
      {"misc-images/wee.jpg", "7f5abc94b4ac66e4"},
  };
  for (const auto& [file, hex] : golden) {
    EXPECT_EQ(hash_image_file(kData + file).phash.hex(), hex) << file;
  }
}

TEST(Hashes, SurviveRecompressionAndResizeButSeparateDifferentImages) {
  const Image a = decode_image_file(kData + "bridge-mods/aaa-orig.jpg");
  const Image shrunk = decode_image_file(kData + "bridge-mods/shrink-a-lot.jpg");
  const Image other = decode_image_file(kData + "reg-test-input/pen-and-coaster.png");
  const ImageHashes ha = hash_image(a.view()), hs = hash_image(shrunk.view()), ho = hash_image(other.view());
  EXPECT_LE(ha.pdq.hash.distance(hs.pdq.hash), kPdqMatchDistance);
  EXPECT_LE(ha.phash.distance(hs.phash), kPhashMatchDistance);
  EXPECT_LE(ha.dhash.distance(hs.dhash), kDhashMatchDistance);
  EXPECT_GT(ha.pdq.hash.distance(ho.pdq.hash), 80);
  EXPECT_GT(ha.phash.distance(ho.phash), 15);
  EXPECT_GT(ha.dhash.distance(ho.dhash), 15);
  EXPECT_EQ(ha.width, a.width());
}

TEST(Dhash, BitOrderIsRowMajorMostSignificantFirst) {
  // Brightness rising to the right everywhere: every bit set. Falling: none.
  Image rising(90, 80, PixelFormat::kGray), falling(90, 80, PixelFormat::kGray);
  for (int y = 0; y < 80; ++y)
    for (int x = 0; x < 90; ++x) {
      rising.data()[y * 90 + x] = static_cast<std::uint8_t>(x * 2);
      falling.data()[y * 90 + x] = static_cast<std::uint8_t>(250 - x * 2);
    }
  EXPECT_EQ(dhash(rising.view()).hex(), "ffffffffffffffff");
  EXPECT_EQ(dhash(falling.view()).hex(), "0000000000000000");
  // Only the top row rising: the 8 most significant bits.
  Image top = falling;
  for (int y = 0; y < 10; ++y)
    for (int x = 0; x < 90; ++x) top.data()[y * 90 + x] = static_cast<std::uint8_t>(x * 2);
  EXPECT_EQ(dhash(top.view()).hex(), "ff00000000000000");
}

}  // namespace
}  // namespace saring
