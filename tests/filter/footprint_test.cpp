// What a commit records of its changes (Footprint) and when that may affect another report's
// evaluation (may_affect): the basis on which a concurrent submit keeps its verdict.
#include <gtest/gtest.h>

#include "filter/filter_test_util.hpp"
#include "filter/state.hpp"

namespace saring::detail {
namespace {

struct Fixture {
  FilterOptions o;
  State s;
  GeotagChecker geo = make_geotag_checker(o, nullptr);
  OrbCache orb;
  Fixture() { s.geo_history = make_geo_history(o); }
  Footprint commit(const Report& r, const ReportFeatures& f) {
    const Verdict v = evaluate(s, o, geo, r, f, orb);
    Footprint fp;
    apply_submit(s, o, r, f, v, &fp);
    return fp;
  }
};

TEST(Footprint, NewReportRecordsItsCellPhotoAndIncident) {
  Fixture x;
  const Hash256 h = test::random_hash(1);
  const Report a = test::make_report("a", "2026-10-01T08:00:00+07:00", -6.2, 106.8, "sampah", "", "u1");
  const Footprint fp = x.commit(a, test::with_pdq(h));
  EXPECT_FALSE(fp.everything);
  ASSERT_EQ(fp.cells.size(), 1u);
  EXPECT_EQ(fp.cells[0], grid_cell(a.lat, a.lon));
  ASSERT_EQ(fp.photos.size(), 1u);
  EXPECT_EQ(fp.photos[0], h);
  ASSERT_EQ(fp.incidents.size(), 1u);
  EXPECT_EQ(fp.incidents[0], "a");

  Verdict accept;
  accept.incident = "other";
  // 100 m away: its candidate block includes a's cell.
  const Report near = test::make_report("n", "2026-10-01T08:05:00+07:00", -6.2009, 106.8, "sampah");
  EXPECT_TRUE(may_affect(fp, x.o, near, {}, accept));
  // 5 km away, no photo: nothing it read changed.
  const Report far = test::make_report("f", "2026-10-01T08:05:00+07:00", -6.245, 106.8, "sampah");
  EXPECT_FALSE(may_affect(fp, x.o, far, {}, accept));
  // Far, but with a photo within the reuse distance of a's (also through a dihedral variant only).
  EXPECT_TRUE(may_affect(fp, x.o, far, test::with_pdq(test::flip_bits(h, 5)), accept));
  EXPECT_FALSE(may_affect(fp, x.o, far, test::with_pdq(test::random_hash(2)), accept));
  ReportFeatures dihedral = test::with_pdq(test::random_hash(3));
  std::array<Hash256, 8> variants;
  for (int k = 0; k < 8; ++k) variants[k] = test::random_hash(10 + k);
  variants[5] = test::flip_bits(h, 2);
  dihedral.photos[0].dihedral = variants;
  EXPECT_TRUE(may_affect(fp, x.o, far, dihedral, accept));
  // A low-quality photo is not queried, so it cannot be affected.
  ReportFeatures poor = test::with_pdq(h);
  poor.photos[0].quality = 10;
  EXPECT_FALSE(may_affect(fp, x.o, far, poor, accept));
  // Far, but a duplicate of a's incident: its duplicate_of depends on the incident's members.
  Verdict dup;
  dup.incident = "a";
  EXPECT_TRUE(may_affect(fp, x.o, far, {}, dup));
  // Feedback may change anything.
  EXPECT_TRUE(may_affect(Footprint{true, {}, {}, {}}, x.o, far, {}, accept));
}

TEST(Footprint, ShrinkAndEvictionRecordTheOldReports) {
  Fixture x;
  x.o.duplicate.window_s = 3600;
  x.o.duplicate.retention_s = 3600;
  x.o.photo_reuse.retention_s = 3 * 3600;
  const Hash256 h = test::random_hash(4);
  const Report old = test::make_report("old", "2026-10-01T08:00:00+07:00", -6.2, 106.8, "sampah");
  x.commit(old, test::with_pdq(h));
  // Two hours later, 5 km away: `old` leaves the duplicate window (shrunk out of its cell).
  const Report later = test::make_report("later", "2026-10-01T10:00:00+07:00", -6.245, 106.8, "sampah");
  Footprint fp = x.commit(later, {});
  EXPECT_NE(std::find(fp.cells.begin(), fp.cells.end(), grid_cell(old.lat, old.lon)), fp.cells.end());
  EXPECT_TRUE(fp.photos.empty());
  // Four hours after `old`: evicted entirely (its photo leaves the index, its incident a member).
  const Report last = test::make_report("last", "2026-10-01T12:00:00+07:00", -6.29, 106.8, "sampah");
  fp = x.commit(last, {});
  EXPECT_NE(std::find(fp.photos.begin(), fp.photos.end(), h), fp.photos.end());
  EXPECT_NE(std::find(fp.incidents.begin(), fp.incidents.end(), "old"), fp.incidents.end());
  EXPECT_EQ(x.s.find("old"), nullptr);
}

TEST(Footprint, ContextReadsSeeReporterAndCoordinateChanges) {
  Fixture x;
  const Report a = test::make_report("a", "2026-10-01T08:00:00+07:00", -6.2, 106.8, "sampah", "", "u1");
  const ContextReads before = read_context(x.s, x.o, a);
  EXPECT_EQ(read_context(x.s, x.o, a), before);
  // Another report of u1, elsewhere: its last position, flood count and report count change.
  x.commit(test::make_report("b", "2026-10-01T07:59:00+07:00", -6.3, 106.9, "sampah", "", "u1"), {});
  EXPECT_FALSE(read_context(x.s, x.o, a) == before);
  // Another reporter at a's exact coordinates: the shared-coordinate count changes.
  const ContextReads mid = read_context(x.s, x.o, a);
  x.commit(test::make_report("c", "2026-10-01T07:58:00+07:00", -6.2, 106.8, "banjir", "", "u2"), {});
  EXPECT_FALSE(read_context(x.s, x.o, a) == mid);
  // An unrelated reporter elsewhere changes nothing a reads.
  const ContextReads after = read_context(x.s, x.o, a);
  x.commit(test::make_report("d", "2026-10-01T07:57:00+07:00", -6.25, 106.85, "banjir", "", "u3"), {});
  EXPECT_EQ(read_context(x.s, x.o, a), after);
}

}  // namespace
}  // namespace saring::detail
