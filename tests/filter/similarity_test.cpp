#include "saring/filter/similarity.hpp"

#include <gtest/gtest.h>

#include "saring/core/error.hpp"

namespace saring {
namespace {

const std::string kDir = std::string(SARING_TEST_DATA_DIR) + "/filter/";

TEST(TextSimilarity, ParaphraseScoresAboveUnrelated) {
  const double para = text_similarity("Jalan berlubang besar di depan Pasar Minggu, bahaya",
                                      "Lapor, jalan berlubang besar depan pasar minggu");
  const double unrelated = text_similarity("Jalan berlubang besar di depan Pasar Minggu", "sampah menumpuk belum diangkut");
  EXPECT_GT(para, 0.3);
  EXPECT_LT(unrelated, 0.05);
  EXPECT_DOUBLE_EQ(text_similarity("Banjir!", "banjir"), 1.0);  // case and punctuation do not matter
  EXPECT_DOUBLE_EQ(text_similarity("", "banjir"), 0.0);
}

TEST(TextSimilarity, ShinglesAreBoundedSortedUnique) {
  std::string long_text;
  for (int i = 0; i < 500; ++i) long_text += "kata" + std::to_string(i) + " ";
  const auto s = text_shingles(long_text, 64);
  EXPECT_EQ(s.size(), 64u);
  EXPECT_TRUE(std::is_sorted(s.begin(), s.end()));
  EXPECT_EQ(std::adjacent_find(s.begin(), s.end()), s.end());
  // Bytes >= 0x80 are letters: non-Latin text still forms words.
  EXPECT_EQ(text_shingles("jalan \xe5\xa3\x8a\xe3\x82\x8c").size(), 3u);
}

TEST(GeometricMatch, SameSceneFromAnotherAngleMatches) {
  const auto m = geometric_match(kDir + "scene.jpg", kDir + "scene_other_angle.jpg");
  EXPECT_TRUE(m.same_scene) << "inliers " << m.inliers;
  EXPECT_GE(m.inliers, 20);
  const auto c = geometric_match(kDir + "scene.jpg", kDir + "scene_crop.jpg");
  EXPECT_TRUE(c.same_scene) << "inliers " << c.inliers;
}

TEST(GeometricMatch, DifferentScenesDoNotMatch) {
  const auto m = geometric_match(kDir + "scene.jpg", kDir + "other.jpg");
  EXPECT_FALSE(m.same_scene) << "inliers " << m.inliers;
  EXPECT_LT(m.inliers, 20);
}

TEST(GeometricMatch, BadInputThrowsClearly) {
  try {
    orb_features(kDir + "does_not_exist.jpg");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
    EXPECT_NE(std::string(e.what()).find("does_not_exist.jpg"), std::string::npos);
  }
  EXPECT_THROW(orb_features_from_bytes({}), Error);
  try {
    orb_features_from_bytes({'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kDecode);
  }
  GeometricOptions bad;
  bad.min_inliers = 2;
  EXPECT_THROW(bad.validate(), Error);
}

}  // namespace
}  // namespace saring
