#include "saring/filter/filter.hpp"

#include <gtest/gtest.h>

#include <array>
#include <fstream>

#include "filter/filter_test_util.hpp"
#include "saring/core/error.hpp"

namespace saring {
namespace {

using test::make_report;
using test::random_hash;
using test::scene_reports;
using test::with_pdq;

FilterOptions quiet() {
  FilterOptions o;
  o.journal.sync = "none";
  return o;
}

bool has_reason(const Verdict& v, const std::string& code) {
  for (const auto& r : v.reasons) {
    if (r.code == code) return true;
  }
  return false;
}

TEST(Filter, FirstReportIsAcceptedAndOpensIncident) {
  Filter f(quiet());
  const Verdict v = f.submit(make_report("a", "2026-10-01T08:00:00+07:00", -6.20013, 106.80027, "sampah", "sampah menumpuk"));
  EXPECT_EQ(v.decision, Decision::kAccept);
  EXPECT_EQ(v.incident, "a");
  EXPECT_FALSE(v.duplicate_of);
  // Nothing against it: only the spam rules' prior (no model configured) remains.
  EXPECT_LT(v.scores.total, 0.1);
  EXPECT_LT(v.scores.spam, 0.1);
  // The geo module's area chain, widest first.
  ASSERT_EQ(v.areas.size(), 4u);
  EXPECT_EQ(v.areas.front().level, "provinsi");
  EXPECT_EQ(v.areas.back().level, "kelurahan");
}

TEST(Filter, SamePhotoNearbyIsDuplicateOfEarliest) {
  Filter f(quiet());
  const Hash256 h = random_hash(1);
  f.submit(make_report("a", "2026-10-01T08:00:00+07:00", -6.2000, 106.8000), with_pdq(h));
  const Verdict b = f.submit(make_report("b", "2026-10-01T09:00:00+07:00", -6.2003, 106.8002), with_pdq(test::flip_bits(h, 8)));
  EXPECT_EQ(b.decision, Decision::kDuplicate);
  EXPECT_EQ(b.duplicate_of, "a");
  EXPECT_TRUE(has_reason(b, "DUP_SAME_PHOTO"));
  // A third report matching only b still points at the incident's earliest report, a.
  const Verdict c = f.submit(make_report("c", "2026-10-01T10:00:00+07:00", -6.2005, 106.8004), with_pdq(test::flip_bits(h, 10)));
  EXPECT_EQ(c.duplicate_of, "a");
  EXPECT_EQ(f.incident_members("c"), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(Filter, DuplicateNeedsRadiusWindowAndCategory) {
  Filter f(quiet());
  const Hash256 h = random_hash(2);
  f.submit(make_report("a", "2026-10-01T08:00:00+07:00", -6.2, 106.8), with_pdq(h));
  // 1 km away: outside the 150 m radius, and the same photo far away is photo reuse.
  EXPECT_NE(f.submit(make_report("far", "2026-10-01T09:00:00+07:00", -6.209, 106.8), with_pdq(h)).decision, Decision::kDuplicate);
  // 10 days later: outside the 7-day window (the reuse check still sees it).
  EXPECT_NE(f.submit(make_report("late", "2026-10-11T09:00:00+07:00", -6.2, 106.8), with_pdq(h)).decision, Decision::kDuplicate);
  // Another, unrelated category at the same spot.
  EXPECT_NE(f.submit(make_report("cat", "2026-10-01T09:00:00+07:00", -6.2, 106.8, "sampah"), with_pdq(random_hash(3))).decision,
            Decision::kDuplicate);
}

TEST(Filter, RelatedCategoriesAndTextSimilarity) {
  Filter f(quiet());
  f.submit(make_report("a", "2026-10-01T08:00:00+07:00", -6.2, 106.8, "banjir", "banjir setinggi lutut di jalan kemang raya"));
  const Verdict b = f.submit(make_report("b", "2026-10-01T09:00:00+07:00", -6.2004, 106.8, "genangan",
                                         "masih banjir setinggi lutut di jalan kemang raya, tolong"));
  EXPECT_EQ(b.decision, Decision::kDuplicate);
  EXPECT_TRUE(has_reason(b, "DUP_SIMILAR_TEXT"));
  // Nearby (33 m), same category, unrelated text and no photos: a hint, not a duplicate.
  const Verdict c = f.submit(make_report("c", "2026-10-01T09:30:00+07:00", -6.2004, 106.8003, "banjir", "pompa air rusak"));
  EXPECT_EQ(c.decision, Decision::kAccept);
  EXPECT_TRUE(has_reason(c, "DUP_NEARBY_SAME_CATEGORY"));
}

TEST(Filter, DifferentPhotosNearbyStaySeparate) {
  Filter f(quiet());
  f.submit(make_report("a", "2026-10-01T08:00:00+07:00", -6.2, 106.8, "jalan_rusak", "jalan berlubang besar"), with_pdq(random_hash(4)));
  const Verdict b = f.submit(make_report("b", "2026-10-01T09:00:00+07:00", -6.2003, 106.8, "jalan_rusak", "jalan berlubang besar"),
                             with_pdq(random_hash(5)));
  EXPECT_EQ(b.decision, Decision::kAccept) << b.scores.duplicate;
}

TEST(Filter, GeometricCheckFindsSameSceneFromPaths) {
  Filter f(quiet());
  const std::string dir = std::string(SARING_TEST_DATA_DIR) + "/filter/";
  auto [a, b, c] = scene_reports(dir);
  f.submit(a, compute_features(a));
  const Verdict vb = f.submit(b, compute_features(b));
  EXPECT_EQ(vb.decision, Decision::kDuplicate);
  EXPECT_TRUE(has_reason(vb, "DUP_SAME_SCENE"));
  EXPECT_EQ(f.submit(c, compute_features(c)).decision, Decision::kAccept);
  // A missing photo is not an error: it just gives no geometric evidence.
  Report d = make_report("d", "2026-10-01T09:40:00+07:00", -6.2001, 106.8001);
  d.photos = {dir + "missing.jpg"};
  EXPECT_EQ(f.submit(d, compute_features(d)).decision, Decision::kAccept);
}

TEST(Filter, PhotoReuseFarAwayOrLongAgo) {
  Filter f(quiet());
  const Hash256 h = random_hash(6);
  f.submit(make_report("a", "2026-10-01T08:00:00+07:00", -6.2, 106.8, "sampah", "", "u1"), with_pdq(h));
  const Verdict far = f.submit(make_report("b", "2026-10-02T08:00:00+07:00", -6.3, 106.9, "sampah", "", "u2"), with_pdq(h));
  EXPECT_EQ(far.decision, Decision::kReview);
  EXPECT_TRUE(has_reason(far, "IMG_REUSED_PHOTO_DISTANT"));
  EXPECT_TRUE(has_reason(far, "IMG_REUSED_PHOTO_OTHER_REPORTER"));
  const Verdict old = f.submit(make_report("c", "2026-12-01T08:00:00+07:00", -6.2, 106.8, "sampah", "", "u1"), with_pdq(h));
  EXPECT_EQ(old.decision, Decision::kReview);
  EXPECT_TRUE(has_reason(old, "IMG_REUSED_PHOTO_OLD"));
}

TEST(Filter, PhotoReuseIsJudgedAgainstTheFirstAppearance) {
  Filter f(quiet());
  const Hash256 h = random_hash(8);
  f.submit(make_report("orig", "2026-10-01T08:00:00+07:00", -6.2, 106.8, "sampah", "", "u1"), with_pdq(h));
  EXPECT_EQ(f.submit(make_report("fake", "2026-10-01T09:00:00+07:00", -6.3, 106.9, "sampah", "", "u2"), with_pdq(h)).decision,
            Decision::kReview);
  // A re-upload next to the original, after the fake: a duplicate, not a distant reuse.
  const Verdict dup = f.submit(make_report("dup", "2026-10-01T10:00:00+07:00", -6.2002, 106.8, "sampah", "", "u1"),
                               with_pdq(test::flip_bits(h, 4)));
  EXPECT_EQ(dup.decision, Decision::kDuplicate);
  EXPECT_FALSE(has_reason(dup, "IMG_REUSED_PHOTO_DISTANT"));
}

TEST(Filter, RotatedCopyIsFoundThroughDihedralHashes) {
  Filter f(quiet());
  const Hash256 h = random_hash(9);
  f.submit(make_report("a", "2026-10-01T08:00:00+07:00", -6.2, 106.8), with_pdq(h));
  // The new photo is the old one rotated: its own hash differs, its 90-degree variant is h.
  ReportFeatures rotated;
  PhotoFeatures p;
  p.pdq = random_hash(10);
  std::array<Hash256, 8> variants;
  for (int k = 0; k < 8; ++k) variants[k] = random_hash(100 + k);
  variants[0] = *p.pdq;
  variants[1] = h;
  p.dihedral = variants;
  rotated.photos.push_back(p);
  const Verdict v = f.submit(make_report("b", "2026-10-01T09:00:00+07:00", -6.3, 106.9), rotated);
  EXPECT_TRUE(has_reason(v, "IMG_REUSED_PHOTO_DISTANT"));
}

TEST(Filter, GeotagChecksComeFromTheGeoModule) {
  Filter f(quiet());
  Report mock = make_report("m", "2026-10-01T08:00:00+07:00", -6.2, 106.8);
  mock.client.mock_location = true;
  EXPECT_EQ(f.submit(mock).decision, Decision::kReview);
  f.submit(make_report("t1", "2026-10-01T08:00:00+07:00", -6.2, 106.8, "sampah", "", "walker"));
  const Verdict jump = f.submit(make_report("t2", "2026-10-01T08:02:00+07:00", -6.1, 106.95, "sampah", "", "walker"));
  EXPECT_EQ(jump.decision, Decision::kReview);
  EXPECT_TRUE(has_reason(jump, "GEO_IMPOSSIBLE_TRAVEL"));
  const Verdict swapped = f.submit(make_report("s", "2026-10-01T08:05:00+07:00", 106.8, -6.2));
  EXPECT_EQ(swapped.decision, Decision::kReject);
  EXPECT_TRUE(has_reason(swapped, "GEO_SWAPPED_LATLON"));
  EXPECT_FALSE(swapped.incident);
  const Verdict nowhere = f.submit(make_report("n", "2026-10-01T08:05:00+07:00", 300, 500));
  EXPECT_TRUE(has_reason(nowhere, "GEO_INVALID_COORDINATES"));
  Report nan = make_report("nan", "2026-10-01T08:05:00+07:00", 0, 0);
  nan.lat = std::nan("");
  EXPECT_THROW(f.submit(nan), Error);
  EXPECT_THROW(f.submit(make_report("", "2026-10-01T08:05:00+07:00", 0, 0)), Error);
}

TEST(Filter, SubmitIsIdempotent) {
  Filter f(quiet());
  const Verdict v1 = f.submit(make_report("a", "2026-10-01T08:00:00+07:00", -6.2, 106.8, "sampah", "sampah"));
  // Same id, different content: the verdict given the first time comes back.
  const Verdict v2 = f.submit(make_report("a", "2026-10-05T08:00:00+07:00", 0, 0, "banjir", "other"));
  EXPECT_EQ(v1, v2);
  EXPECT_EQ(f.stats().retained_reports, 1u);
}

TEST(Filter, EvaluateDoesNotCommit) {
  Filter f(quiet());
  const Report r = make_report("a", "2026-10-01T08:00:00+07:00", -6.2, 106.8);
  EXPECT_EQ(f.evaluate(r, {}).decision, Decision::kAccept);
  EXPECT_FALSE(f.verdict_of("a"));
  EXPECT_EQ(f.stats().committed, 0u);
}

TEST(Filter, FeedbackUpdatesReputationAndIncidents) {
  FilterOptions o = quiet();
  o.reputation.min_feedback = 2;
  Filter f(o);
  const Hash256 h = random_hash(7);
  f.submit(make_report("a", "2026-10-01T08:00:00+07:00", -6.200013, 106.800027, "sampah", "", "spammer"), with_pdq(h));
  f.submit(make_report("b", "2026-10-01T09:00:00+07:00", -6.200213, 106.800027, "sampah", "", "honest"), with_pdq(h));
  EXPECT_EQ(f.incident_members("b"), (std::vector<std::string>{"a", "b"}));
  // a was spam: it leaves the incident, so b becomes its earliest open report.
  f.feedback({FeedbackAction::kRejectSpam, "a"});
  EXPECT_EQ(f.incident_members("b"), (std::vector<std::string>{"b"}));
  const Verdict c = f.submit(make_report("c", "2026-10-01T10:00:00+07:00", -6.200113, 106.800027, "sampah", "", "x"), with_pdq(h));
  EXPECT_EQ(c.duplicate_of, "b");
  f.feedback({FeedbackAction::kConfirm, "b"});
  EXPECT_EQ(f.reporter("honest")->confirmed, 1);
  // Unmark and re-mark.
  f.feedback({FeedbackAction::kUnmarkDuplicate, "c"});
  EXPECT_EQ(f.incident_members("b"), (std::vector<std::string>{"b"}));
  f.feedback({FeedbackAction::kMarkDuplicate, "c", "b"});
  EXPECT_EQ(f.incident_members("c"), (std::vector<std::string>{"b", "c"}));
  // Two rejections: the spammer's next report carries low reputation.
  f.submit(make_report("d", "2026-10-02T08:00:00+07:00", -6.25, 106.85, "banjir", "", "spammer"));
  f.feedback({FeedbackAction::kFakeLocation, "d"});
  EXPECT_EQ(f.reporter("spammer")->rejected, 2);
  const Verdict e = f.submit(make_report("e", "2026-10-03T08:00:00+07:00", -6.26, 106.86, "banjir", "", "spammer"));
  EXPECT_TRUE(has_reason(e, "REPORTER_LOW_REPUTATION"));
  EXPECT_THROW(f.feedback({FeedbackAction::kConfirm, "nope"}), Error);
  EXPECT_THROW(f.feedback({FeedbackAction::kMarkDuplicate, "c", "nope"}), Error);
  EXPECT_THROW(f.feedback({FeedbackAction::kMarkDuplicate, "c", "c"}), Error);
  EXPECT_EQ(parse_feedback_action("reject_spam"), FeedbackAction::kRejectSpam);
  EXPECT_THROW(parse_feedback_action("delete"), Error);
}

TEST(Filter, SpamRulesScoreTheText) {
  Filter f(quiet());
  const Verdict promo = f.submit(make_report("p", "2026-10-01T08:00:00+07:00", -6.200013, 106.800027, "sampah",
                                             "PROMO pinjaman online cepat cair tanpa jaminan! Hubungi WA 081234567890 "
                                             "klik bit.ly/pinjol sekarang"));
  const Verdict plain = f.submit(make_report("q", "2026-10-01T08:05:00+07:00", -6.250013, 106.850027, "sampah",
                                             "Sampah menumpuk di pinggir jalan sudah tiga hari"));
  EXPECT_GT(promo.scores.spam, plain.scores.spam + 0.3);
  bool spam_reason = false;
  for (const auto& r : promo.reasons) spam_reason = spam_reason || r.group == "spam";
  EXPECT_TRUE(spam_reason);
  EXPECT_NE(promo.decision, Decision::kAccept);
}

TEST(Filter, RetentionBoundsMemory) {
  FilterOptions o = quiet();
  o.duplicate.window_s = 86400;
  o.duplicate.retention_s = 2 * 86400;
  o.photo_reuse.retention_s = 10 * 86400;
  o.photo_reuse.long_ago_s = 5 * 86400;
  Filter f(o);
  const Timestamp t0 = parse_rfc3339("2026-10-01T00:00:00Z");
  for (int day = 0; day < 30; ++day) {
    for (int k = 0; k < 10; ++k) {
      Report r = make_report("d" + std::to_string(day) + "_" + std::to_string(k), "2026-10-01T00:00:00Z",
                             -6.2 + 0.01 * k, 106.8 + 0.001 * day, "sampah", "sampah menumpuk");
      r.time.unix = t0.unix + day * 86400 + k * 60;
      f.submit(r, with_pdq(random_hash(day * 100 + k)));
    }
  }
  const FilterStats s = f.stats();
  // Reports older than 10 days are gone; older than 2 days are shrunk.
  EXPECT_LE(s.retained_reports, 11u * 10u);
  EXPECT_GE(s.retained_reports, 10u * 10u);
  EXPECT_LE(s.duplicate_candidates, 3u * 10u);
  EXPECT_FALSE(f.verdict_of("d0_0"));
  EXPECT_TRUE(f.verdict_of("d29_0"));
  EXPECT_GT(s.memory_bytes, 0u);
}

// A deployment outside DKI Jakarta names its own areas in the config: the area chain and the
// service-area check follow the file, and the bundled Jakarta set is not used.
TEST(Filter, ConfiguredAreasReplaceTheBundledSet) {
  const std::string dir = test::fresh_dir("filter_areas");
  const std::string kota = dir + "/kota.geojson";
  {
    std::ofstream f(kota);
    f << R"({"type": "FeatureCollection", "features": [{"type": "Feature",
           "properties": {"kode": "32.73", "nama": "Kota Bandung"},
           "geometry": {"type": "Polygon", "coordinates": [[[107.55, -6.97], [107.72, -6.97], [107.72, -6.84],
                                                            [107.55, -6.84], [107.55, -6.97]]]}}]})";
  }
  FilterOptions o = quiet();
  o = apply_filter_override(R"(geotag.areas=[{"path": ")" + kota + R"(", "level": "kabupaten_kota"}])", o);
  Filter f(o);
  const Verdict in = f.submit(make_report("bdg", "2026-10-01T08:00:00+07:00", -6.9147, 107.6098, "sampah"));
  EXPECT_EQ(in.decision, Decision::kAccept);
  ASSERT_EQ(in.areas.size(), 1u);
  EXPECT_EQ(in.areas[0].code, "32.73");
  EXPECT_EQ(in.areas[0].name, "Kota Bandung");
  EXPECT_FALSE(has_reason(in, "GEO_OUTSIDE_SERVICE_AREA"));
  // Monas is far outside this service area.
  const Verdict monas = f.submit(make_report("jkt", "2026-10-01T08:05:00+07:00", -6.1754, 106.8272, "sampah"));
  EXPECT_TRUE(has_reason(monas, "GEO_OUTSIDE_SERVICE_AREA"));
  EXPECT_EQ(monas.decision, Decision::kReject);
  EXPECT_TRUE(monas.areas.empty());
  // The default filter still knows Jakarta and not Bandung.
  Filter jakarta(quiet());
  EXPECT_TRUE(has_reason(jakarta.submit(make_report("bdg", "2026-10-01T08:00:00+07:00", -6.9147, 107.6098, "sampah")),
                         "GEO_OUTSIDE_SERVICE_AREA"));
  // A file that cannot be read is an error naming the option and the file, when the filter opens.
  FilterOptions missing = quiet();
  missing = apply_filter_override(R"(geotag.areas=[{"path": ")" + dir + R"(/nope.geojson", "level": "kecamatan"}])", missing);
  try {
    Filter broken(missing);
    FAIL() << "a missing area file was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("geotag.areas[0]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("nope.geojson"), std::string::npos) << e.what();
  }
}

// Every GeotagOptions field reaches the checker, e.g. a per-category accuracy limit.
TEST(Filter, GeotagOptionsReachTheChecker) {
  Report r = make_report("acc", "2026-10-01T08:00:00+07:00", -6.20013, 106.80027, "banjir");
  r.accuracy_m = 250;
  Filter plain(quiet());
  EXPECT_TRUE(has_reason(plain.submit(r), "GEO_POOR_ACCURACY"));
  Filter lenient(apply_filter_override("geotag.category_max_accuracy_m.banjir=400", quiet()));
  EXPECT_FALSE(has_reason(lenient.submit(r), "GEO_POOR_ACCURACY"));
}

// The same spot (within duplicate.same_spot_m) and category is a duplicate without text or photos,
// as Qlue deduplicates "by the same location"; a little farther it is only a hint, photos that
// disagree keep two reports apart, and the rule can be turned off.
TEST(Filter, SameSpotAndCategoryIsADuplicate) {
  Filter f(quiet());
  f.submit(make_report("a", "2026-10-01T08:00:00+07:00", -6.2, 106.8, "lampu_mati"));
  const Verdict b = f.submit(make_report("b", "2026-10-02T19:00:00+07:00", -6.20005, 106.80004, "lampu_mati"));  // ~7 m
  EXPECT_EQ(b.decision, Decision::kDuplicate) << b.scores.duplicate;
  EXPECT_EQ(b.duplicate_of, "a");
  EXPECT_TRUE(has_reason(b, "DUP_SAME_SPOT"));
  EXPECT_GE(b.scores.duplicate, 0.6);
  // 25 m: beyond the same spot, a hint only.
  const Verdict c = f.submit(make_report("c", "2026-10-02T20:00:00+07:00", -6.20022, 106.8, "lampu_mati"));
  EXPECT_EQ(c.decision, Decision::kAccept) << c.scores.duplicate;
  EXPECT_TRUE(has_reason(c, "DUP_NEARBY_SAME_CATEGORY"));
  // Another category at the same spot is another incident.
  EXPECT_EQ(f.submit(make_report("d", "2026-10-02T20:00:00+07:00", -6.2, 106.8, "sampah")).decision, Decision::kAccept);
  // Both with photos that match neither by hash nor geometry: two incidents at one spot.
  Filter g(quiet());
  g.submit(make_report("p", "2026-10-01T08:00:00+07:00", -6.2, 106.8, "jalan_rusak"), with_pdq(random_hash(41)));
  EXPECT_EQ(g.submit(make_report("q", "2026-10-01T09:00:00+07:00", -6.2, 106.8, "jalan_rusak"), with_pdq(random_hash(42))).decision,
            Decision::kAccept);
  // Off.
  Filter off(apply_filter_override("duplicate.same_spot_m=0", quiet()));
  off.submit(make_report("a", "2026-10-01T08:00:00+07:00", -6.2, 106.8, "lampu_mati"));
  EXPECT_EQ(off.submit(make_report("b", "2026-10-01T09:00:00+07:00", -6.2, 106.8, "lampu_mati")).decision, Decision::kAccept);
  EXPECT_THROW(apply_filter_override("duplicate.same_spot_m=500", quiet()), Error);  // beyond radius_m
}

}  // namespace
}  // namespace saring
