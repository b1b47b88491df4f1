#include "saring/hash/video_hash.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <unistd.h>
#include <fstream>

#include "image/video_internal.hpp"
#include "saring/core/error.hpp"

namespace saring {
namespace {

const std::string kData = std::string(SARING_TEST_DATA_DIR) + "/hash/";

Image resized(const Image& src, int w, int h) {
  Image out(w, h, PixelFormat::kRgb);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      std::memcpy(out.data() + (y * w + x) * 3,
                  src.data() + ((y * src.height() / h) * src.width() + x * src.width() / w) * 3, 3);
  return out;
}

class VideoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("saring_video_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    a_ = resized(decode_image_file(kData + "bridge-mods/aaa-orig.jpg"), 320, 240);
    b_ = resized(decode_image_file(kData + "reg-test-input/pen-and-coaster.png"), 320, 240);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // `seconds_a` seconds of photo A then `seconds_b` of photo B, at 10 frames per second.
  std::string make_video(const std::string& name, int seconds_a, int seconds_b) {
    std::vector<Image> frames;
    for (int i = 0; i < seconds_a * 10; ++i) frames.push_back(a_);
    for (int i = 0; i < seconds_b * 10; ++i) frames.push_back(b_);
    const std::string path = (dir_ / name).string();
    detail::write_video(path, frames, 10.0, "MJPG");
    return path;
  }

  std::filesystem::path dir_;
  Image a_, b_;
};

TEST_F(VideoTest, SamplesOneFramePerSecondWithTimes) {
  const std::string path = make_video("ab.avi", 3, 3);
  const auto frames = hash_video_file(path);
  ASSERT_EQ(frames.size(), 6u);
  for (std::size_t i = 0; i < frames.size(); ++i) EXPECT_NEAR(frames[i].time_seconds, static_cast<double>(i), 1e-6);
  const PdqHash pa = pdq_hash(a_.view()), pb = pdq_hash(b_.view());
  for (std::size_t i = 0; i < 3; ++i) EXPECT_LE(frames[i].hash.distance(pa.hash), 31);
  for (std::size_t i = 3; i < 6; ++i) EXPECT_LE(frames[i].hash.distance(pb.hash), 31);
  EXPECT_GT(frames[0].hash.distance(frames[5].hash), 31);

  VideoOptions half;
  half.interval_seconds = 0.5;
  EXPECT_EQ(hash_video_file(path, half).size(), 12u);
  VideoOptions capped;
  capped.max_frames = 2;
  EXPECT_EQ(hash_video_file(path, capped).size(), 2u);
}

TEST_F(VideoTest, PhotoAndVideoSimilarity) {
  const auto ab = hash_video_file(make_video("ab.avi", 3, 3));
  const auto aa = hash_video_file(make_video("aa.avi", 4, 0));
  const PdqHash pa = pdq_hash(a_.view());
  ASSERT_GE(pa.quality, 50);
  EXPECT_DOUBLE_EQ(photo_video_similarity(pa, ab), 0.5);
  EXPECT_DOUBLE_EQ(photo_video_similarity(pa, aa), 1.0);
  const VideoSimilarity s = video_similarity(aa, ab);
  EXPECT_DOUBLE_EQ(s.query_matched, 1.0);
  EXPECT_DOUBLE_EQ(s.target_matched, 0.5);
  // Low-quality frames and photos never match.
  PdqHash flat = pa;
  flat.quality = 10;
  EXPECT_DOUBLE_EQ(photo_video_similarity(flat, ab), 0.0);
  EXPECT_DOUBLE_EQ(video_similarity({}, ab).query_matched, 0.0);
}

TEST_F(VideoTest, SniffsContainers) {
  const std::string path = make_video("x.avi", 1, 0);
  const auto head = read_file_bytes(path, 1 << 30);
  EXPECT_TRUE(looks_like_video(head));
  EXPECT_FALSE(looks_like_video(read_file_bytes(kData + "misc-images/c.png", 1 << 30)));
}

TEST_F(VideoTest, BadInputsThrowNamingThePath) {
  EXPECT_THROW(hash_video_file((dir_ / "missing.mp4").string()), Error);
  const std::string text = (dir_ / "notes.mp4").string();
  std::ofstream(text) << "not a video at all";
  try {
    hash_video_file(text);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kDecode);
    EXPECT_NE(std::string(e.what()).find("notes.mp4"), std::string::npos);
  }
  const std::string path = make_video("big.avi", 1, 0);
  VideoOptions tiny;
  tiny.max_frame_pixels = 1000;
  try {
    hash_video_file(path, tiny);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kLimitExceeded);
  }
  VideoOptions bad;
  bad.interval_seconds = 0;
  EXPECT_THROW(bad.validate(), Error);
}

}  // namespace
}  // namespace saring
