// The geometric check's economy: checks run only while they can change the decision
// (duplicate.geometric_only_if_decisive), the ORB cache (bounded LRU, same results as a fresh
// extraction), features from the photo hashing decoded, and unreadable photos.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "filter/filter_test_util.hpp"
#include "filter/orb_cache.hpp"
#include "saring/core/error.hpp"
#include "saring/core/json.hpp"
#include "saring/core/report.hpp"
#include "saring/filter/demo.hpp"
#include "saring/filter/filter.hpp"
#include "saring/filter/similarity.hpp"
#include "saring/image/image.hpp"

namespace saring {
namespace {

using test::fresh_dir;
using test::make_report;
using test::scene_reports;

const std::string kDir = std::string(SARING_TEST_DATA_DIR) + "/filter/";
const std::string kDemo = std::string(SARING_TEST_DATA_DIR) + "/../../data/demo";

FilterOptions quiet(bool only_if_decisive = true) {
  FilterOptions o;
  o.journal.sync = "none";
  o.duplicate.geometric_only_if_decisive = only_if_decisive;
  return o;
}

const Reason* reason(const Verdict& v, const std::string& code) {
  for (const auto& r : v.reasons) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

// What the skip rule must never change: the decision and the incident the report joins.
std::string outcome(const Verdict& v) {
  return std::string(decision_name(v.decision)) + " dup_of=" + v.duplicate_of.value_or("-") + " incident=" + v.incident.value_or("-");
}

TEST(GeometricSkip, NeverChangesADecisionOnTheDemo) {
  const auto reports = load_demo_reports(kDemo);
  ASSERT_GT(reports.size(), 200u);
  Filter all(quiet(false)), decisive(quiet(true));
  int skipped = 0;
  std::vector<Verdict> verdicts;
  for (const auto& r : reports) {
    const ReportFeatures f = compute_features(r);
    const Verdict a = all.submit(r, f);
    const Verdict d = decisive.submit(r, f);
    EXPECT_EQ(outcome(a), outcome(d)) << r.id;
    if (reason(d, "DUP_GEOMETRIC_NOT_NEEDED")) {
      ++skipped;
      EXPECT_EQ(reason(a, "DUP_GEOMETRIC_NOT_NEEDED"), nullptr);
      // Left out, the evidence can only have been lower.
      EXPECT_LE(d.scores.duplicate, a.scores.duplicate + 1e-12) << r.id;
    } else {
      EXPECT_EQ(verdict_to_json(a), verdict_to_json(d)) << r.id;
    }
    verdicts.push_back(d);
  }
  EXPECT_GE(skipped, 1);  // the rule is exercised on the demo
  EXPECT_LT(decisive.stats().geometric_matches, all.stats().geometric_matches);
  EXPECT_LE(decisive.stats().orb_extractions, all.stats().orb_extractions);
  // Every planted "same scene, other angle" duplicate is found, pointing at its incident.
  const auto truth = load_demo_truth(kDemo);
  std::map<std::string, const Verdict*> by_id;
  for (const auto& v : verdicts) by_id[v.id] = &v;
  int other_angle = 0;
  for (const auto& c : truth) {
    if (c.kind != "duplicate_other_angle") continue;
    ++other_angle;
    const Verdict& v = *by_id.at(c.id);
    EXPECT_TRUE(reason(v, "DUP_SAME_SCENE") || reason(v, "DUP_SAME_PHOTO")) << c.id << " " << verdict_to_json(v);
    if (c.expected == Decision::kDuplicate) {
      EXPECT_EQ(v.decision, Decision::kDuplicate) << c.id;
      EXPECT_EQ(v.duplicate_of, c.duplicate_of) << c.id;
    }
  }
  EXPECT_GE(other_angle, 10);
}

TEST(GeometricSkip, RejectedOnRiskNeedsNoCheck) {
  // b is rejected whatever its photo shows (mock location and a loan advert), so the check
  // against a's photo nearby is not run, and the verdict says so.
  Report a = make_report("a", "2026-10-01T08:00:00+07:00", -6.20012, 106.80021);
  a.photos = {kDir + "scene.jpg"};
  Report b = make_report("b", "2026-10-01T09:00:00+07:00", -6.20043, 106.80017, "jalan_rusak",
                         "PROMO pinjaman online cair cepat tanpa jaminan, hubungi WA 0812-3456-7890 atau klik https://bit.ly/pinjam-cepat", "u9");
  b.client.mock_location = true;
  b.photos = {kDir + "other.jpg"};
  for (bool decisive : {true, false}) {
    Filter f(quiet(decisive));
    f.submit(a);
    const Verdict vb = f.submit(b);
    ASSERT_EQ(vb.decision, Decision::kReject) << verdict_to_json(vb);
    if (decisive) {
      EXPECT_EQ(f.stats().geometric_matches, 0u);
      EXPECT_EQ(f.stats().orb_extractions, 0u);
      const Reason* r = reason(vb, "DUP_GEOMETRIC_NOT_NEEDED");
      ASSERT_NE(r, nullptr) << verdict_to_json(vb);
      EXPECT_NE(r->detail.find("rejected"), std::string::npos) << r->detail;
      EXPECT_EQ(r->score, 0.0);
    } else {
      EXPECT_EQ(f.stats().geometric_matches, 1u);
      EXPECT_EQ(reason(vb, "DUP_GEOMETRIC_NOT_NEEDED"), nullptr);
    }
  }
}

TEST(GeometricSkip, SameSceneStillFoundAndReplayIsIdentical) {
  const std::string state = fresh_dir("geometric_replay");
  auto [a, b, c] = scene_reports(kDir);
  std::vector<std::string> first;
  {
    Filter f(quiet(), state);
    for (const auto* r : {&a, &b, &c}) first.push_back(verdict_to_json(f.submit(*r)));
  }
  const Verdict vb = parse_verdict_json(first[1]);
  EXPECT_EQ(vb.decision, Decision::kDuplicate);
  EXPECT_NE(reason(vb, "DUP_SAME_SCENE"), nullptr);
  // Reopened (empty ORB cache): a replay of the same input gets the same verdicts back.
  Filter g(quiet(), state);
  int k = 0;
  for (const auto* r : {&a, &b, &c}) EXPECT_EQ(verdict_to_json(g.submit(*r)), first[k++]);
  // And a fresh filter judging the same stream reaches the same verdicts.
  Filter h(quiet());
  k = 0;
  for (const auto* r : {&a, &b, &c}) EXPECT_EQ(verdict_to_json(h.submit(*r)), first[k++]);
}

std::vector<std::string> test_photos() {
  return {kDir + "scene.jpg", kDir + "scene_other_angle.jpg", kDir + "scene_crop.jpg", kDir + "other.jpg"};
}

int fresh_inliers(const std::string& a, const std::string& b, const GeometricOptions& g) {
  // In the cache's order (by key), as the cache matches them.
  const std::string ka = detail::OrbPhoto{a}.key(), kb = detail::OrbPhoto{b}.key();
  const auto fa = orb_features(kb < ka ? b : a, g);
  const auto fb = orb_features(kb < ka ? a : b, g);
  return detail::geometric_same_scene(fa, fb, g).inliers;
}

TEST(OrbCache, SameResultsAsFreshExtractionAndBounded) {
  GeometricOptions g;
  const auto photos = test_photos();
  // Room for about two photos' features: every further photo evicts the least recently used.
  const std::size_t one = orb_features(photos[0], g).memory_bytes();
  detail::OrbCache cache(detail::OrbCacheLimits{2 * one + 1024, 600});
  std::map<std::pair<int, int>, int> expected;
  for (int round = 0; round < 2; ++round) {
    for (std::size_t i = 0; i < photos.size(); ++i) {
      for (std::size_t j = 0; j < photos.size(); ++j) {
        if (i == j) continue;
        const int n = cache.inliers({photos[i]}, {photos[j]}, g);
        const auto key = std::make_pair(static_cast<int>(std::min(i, j)), static_cast<int>(std::max(i, j)));
        if (!expected.count(key)) expected[key] = fresh_inliers(photos[i], photos[j], g);
        EXPECT_EQ(n, expected[key]) << photos[i] << " vs " << photos[j];
        EXPECT_LE(cache.feature_bytes(), 2 * one + 1024);
        EXPECT_LE(cache.pair_bytes(), 600u);
        EXPECT_LE(cache.feature_entries(), 2u);
      }
    }
  }
  EXPECT_GE(expected.at({0, 1}), g.min_inliers);  // the other-angle pair matches
  EXPECT_LT(expected.at({0, 3}), g.min_inliers);
  // A bound this tight re-extracts: more extractions than photos.
  EXPECT_GT(cache.extractions(), photos.size());

  // Unbounded enough: each photo is extracted once, however often it is a candidate.
  detail::OrbCache roomy;
  for (int round = 0; round < 3; ++round) {
    for (std::size_t i = 1; i < photos.size(); ++i) EXPECT_EQ(roomy.inliers({photos[0]}, {photos[i]}, g), expected.at({0, static_cast<int>(i)}));
  }
  EXPECT_EQ(roomy.extractions(), photos.size());
  EXPECT_EQ(roomy.matches(), photos.size() - 1);
  EXPECT_EQ(roomy.feature_entries(), photos.size());
  EXPECT_LE(roomy.feature_bytes(), detail::OrbCacheLimits{}.feature_bytes);
}

TEST(OrbCache, KeyTellsAReplacedFileApart) {
  const Hash256 h1 = test::random_hash(1), h2 = test::random_hash(2);
  const std::string p = "photos/a.jpg";
  EXPECT_NE((detail::OrbPhoto{p, &h1}.key()), (detail::OrbPhoto{p, &h2}.key()));
  EXPECT_NE((detail::OrbPhoto{p, &h1}.key()), (detail::OrbPhoto{p}.key()));
  EXPECT_EQ((detail::OrbPhoto{p, &h1}.key()), (detail::OrbPhoto{p, &h1}.key()));
}

detail::PreparedPhoto prepare(const std::string& path) {
  detail::PreparedPhoto p;
  p.path = path;
  p.bytes = read_file_bytes(path, DecodeOptions{}.max_input_bytes);
  p.image = decode_image_bytes(p.bytes, path);
  return p;
}

TEST(OrbCache, FeaturesFromHashingsDecodeEqualAFreshRead) {
  GeometricOptions g;
  // A small JPEG (decoded at full size either way: the pixels are reused) and a large one
  // (reduced decode from the kept bytes), each against its own features from the file.
  const std::string dir = fresh_dir("orb_prepared");
  const Image small = decode_image_file(kDir + "scene.jpg");
  Image large(small.width() * 3, small.height() * 3, PixelFormat::kRgb);
  for (int y = 0; y < large.height(); ++y) {
    for (int x = 0; x < large.width(); ++x) {
      for (int c = 0; c < 3; ++c) {
        large.data()[(static_cast<std::size_t>(y) * large.width() + x) * 3 + c] =
            small.data()[(static_cast<std::size_t>(y / 3) * small.width() + x / 3) * 3 + c];
      }
    }
  }
  const std::string large_path = dir + "/large.jpg";
  {
    const auto bytes = encode_image(large.view(), ImageFormat::kJpeg, 90);
    std::ofstream(large_path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  ASSERT_GE(std::min(large.width(), large.height()), 512);
  for (const std::string& path : {kDir + "scene.jpg", kDir + "other.jpg", large_path}) {
    const OrbFeatures from_file = orb_features(path, g);
    const OrbFeatures from_prepared = detail::orb_features_prepared(prepare(path), g);
    EXPECT_TRUE(detail::orb_features_equal(from_file, from_prepared)) << path;
    // Filter::submit keeps only the bytes of a photo ORB decodes at reduced scale: same features.
    detail::PreparedPhoto bytes_only = prepare(path);
    const bool full_size = detail::orb_decode_is_full_size(probe_image(bytes_only.bytes, path), g);
    EXPECT_EQ(full_size, path != large_path) << path;
    bytes_only.image = Image();
    EXPECT_TRUE(detail::orb_features_equal(from_file, detail::orb_features_prepared(bytes_only, g))) << path;
    const std::string other = kDir + "scene_other_angle.jpg";
    EXPECT_EQ(geometric_match(from_file, orb_features(other, g), g).inliers,
              geometric_match(from_prepared, orb_features(other, g), g).inliers) << path;
    // Through the cache, with the prepared photo in scope: the same match, no second read needed.
    std::vector<detail::PreparedPhoto> prepared{prepare(path)};
    detail::OrbCache cache;
    detail::OrbCache::Prepared scope(&prepared);
    EXPECT_EQ(cache.inliers({path}, {other}, g), fresh_inliers(path, other, g)) << path;
  }
}

TEST(Filter, UnreadablePhotoGivesAClearReason) {
  const std::string dir = fresh_dir("unreadable_photo");
  const std::string garbage = dir + "/garbage.jpg", truncated = dir + "/truncated.jpg";
  std::ofstream(garbage) << "this is not a photo";
  {
    const auto bytes = read_file_bytes(kDir + "scene.jpg", 1 << 24);
    std::ofstream(truncated, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size() / 2));
  }
  Filter f(quiet());
  Report a = make_report("a", "2026-10-01T08:00:00+07:00", -6.2, 106.8);
  a.photos = {kDir + "scene.jpg"};
  f.submit(a);
  int k = 0;
  for (const std::string& path : {garbage, truncated, dir + "/missing.jpg"}) {
    Report b = make_report("b" + std::to_string(k++), "2026-10-01T09:00:00+07:00", -6.2003, 106.8);
    b.photos = {path};
    const Verdict v = f.submit(b);
    const Reason* r = reason(v, "IMG_UNREADABLE");
    ASSERT_NE(r, nullptr) << verdict_to_json(v);
    EXPECT_NE(r->detail.find(path), std::string::npos) << r->detail;
    EXPECT_EQ(r->group, "image");
    EXPECT_NE(v.decision, Decision::kDuplicate) << verdict_to_json(v);  // no evidence from it
  }
  // A photo that became unreadable after hashing: the geometric check gives no evidence, no throw.
  detail::OrbCache cache;
  EXPECT_EQ(cache.inliers({kDir + "scene.jpg"}, {garbage}, GeometricOptions{}), -1);
  EXPECT_EQ(cache.matches(), 0u);
}

}  // namespace
}  // namespace saring
