// Photos handed to the filter as bytes (Report::photo_bytes): judged as the same photos given by
// path would be, kept in the photo store for later geometric checks (across restarts and a moved
// state directory), deleted when their report leaves the duplicate retention, orphans swept.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "filter/filter_test_util.hpp"
#include "saring/core/error.hpp"
#include "saring/core/json.hpp"
#include "saring/filter/filter.hpp"
#include "saring/image/image.hpp"

namespace saring {
namespace {

namespace fs = std::filesystem;
using test::fresh_dir;
using test::make_report;
using test::scene_reports;

const std::string kDir = std::string(SARING_TEST_DATA_DIR) + "/filter/";

FilterOptions quiet() {
  FilterOptions o;
  o.journal.sync = "none";
  return o;
}

// The report with its photo paths handed over as bytes instead.
Report as_bytes(Report r) {
  for (const auto& path : r.photos) r.photo_bytes.push_back({read_file_bytes(path, 1 << 26), fs::path(path).filename().string()});
  r.photos.clear();
  return r;
}

std::vector<std::string> codes(const Verdict& v) {
  std::vector<std::string> out;
  for (const auto& r : v.reasons) out.push_back(r.code);
  return out;
}

bool has(const Verdict& v, const std::string& code) {
  for (const auto& r : v.reasons) {
    if (r.code == code) return true;
  }
  return false;
}

std::set<std::string> files_in(const std::string& dir) {
  std::set<std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

TEST(PhotoBytes, JudgedLikeTheSamePhotosByPath) {
  auto [a, b, c] = scene_reports(kDir);
  Filter by_path(quiet());
  Filter by_bytes(quiet());
  for (const Report* r : {&a, &b, &c}) {
    const Verdict p = by_path.submit(*r);
    const Verdict q = by_bytes.submit(as_bytes(*r));
    EXPECT_EQ(q.decision, p.decision) << r->id << ": " << verdict_to_json(q);
    EXPECT_EQ(q.duplicate_of, p.duplicate_of) << r->id;
    EXPECT_EQ(q.incident, p.incident) << r->id;
    EXPECT_EQ(q.scores, p.scores) << r->id;
    EXPECT_EQ(codes(q), codes(p)) << r->id;
  }
  // The other angle of the scene needs the geometric check, which reads a's photo from the store.
  const Verdict vb = *by_bytes.verdict_of("b");
  EXPECT_EQ(vb.decision, Decision::kDuplicate) << verdict_to_json(vb);
  EXPECT_TRUE(has(vb, "DUP_SAME_SCENE")) << verdict_to_json(vb);
  EXPECT_GT(by_bytes.stats().geometric_matches, 0u);
}

TEST(PhotoBytes, PathsAndBytesMixAndFeaturesFollowThatOrder) {
  auto [a, b, c] = scene_reports(kDir);
  Report mixed = b;  // a path and the same scene's other angle as bytes
  mixed.photos = {kDir + "other.jpg"};
  mixed.photo_bytes = as_bytes(b).photo_bytes;
  const ReportFeatures f = compute_features(mixed);
  ASSERT_EQ(f.photos.size(), 2u);
  EXPECT_EQ(f.photos[0].path, kDir + "other.jpg");
  EXPECT_TRUE(f.photos[1].path.empty());  // not stored yet: compute_features writes nothing
  ASSERT_TRUE(f.photos[1].pdq.has_value());
  EXPECT_EQ(*f.photos[1].pdq, *compute_features(b).photos[0].pdq);

  Filter filter(quiet());
  filter.submit(a);
  // Features that do not cover the bytes are refused, naming the report.
  ReportFeatures short_features = f;
  short_features.photos.pop_back();
  try {
    filter.submit(mixed, short_features);
    FAIL() << "features without the bytes' photo were accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("'b'"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(filter.verdict_of("b").has_value());
  // With compute_features' features the bytes are stored and compared as submit(report) would.
  const Verdict v = filter.submit(mixed, f);
  EXPECT_EQ(v.decision, Decision::kDuplicate) << verdict_to_json(v);
  EXPECT_EQ(v.duplicate_of, "a");
}

TEST(PhotoBytes, StoredInTheStateAndComparedAfterAMove) {
  const std::string root = fresh_dir("photo_bytes_state");
  const std::string state = root + "/state", moved = root + "/moved";
  auto [a, b, c] = scene_reports(kDir);
  {
    Filter f(quiet(), state);
    EXPECT_NE(f.submit(as_bytes(a)).decision, Decision::kDuplicate);
    f.snapshot();  // the snapshot holds a's stored path too
  }
  ASSERT_EQ(files_in(state + "/photos").size(), 1u);
  const auto a_bytes = fs::file_size(kDir + "scene.jpg");
  // The whole state directory moves (a restore elsewhere): a's photo is found in the new place.
  fs::rename(state, moved);
  Filter g(quiet(), moved);
  const Verdict vb = g.submit(as_bytes(b));
  EXPECT_EQ(vb.decision, Decision::kDuplicate) << verdict_to_json(vb);
  EXPECT_TRUE(has(vb, "DUP_SAME_SCENE")) << verdict_to_json(vb);
  EXPECT_EQ(files_in(moved + "/photos").size(), 2u);
  EXPECT_EQ(g.stats().stored_photos, 2u);
  EXPECT_EQ(g.stats().stored_photo_bytes, a_bytes + fs::file_size(kDir + "scene_other_angle.jpg"));
}

TEST(PhotoBytes, ReplayedIdStoresNothingAgain) {
  const std::string state = fresh_dir("photo_bytes_replay");
  auto [a, b, c] = scene_reports(kDir);
  Filter f(quiet(), state);
  const Report ab = as_bytes(a);
  const std::string first = verdict_to_json(f.submit(ab));
  const auto stored = files_in(state + "/photos");
  ASSERT_EQ(stored.size(), 1u);
  // The same id again, even with other bytes: the verdict it got, and no second file.
  Report again = as_bytes(c);
  again.id = "a";
  EXPECT_EQ(verdict_to_json(f.submit(again)), first);
  EXPECT_EQ(verdict_to_json(f.submit(again, compute_features(again))), first);
  EXPECT_EQ(files_in(state + "/photos"), stored);
}

TEST(PhotoBytes, FilesLeaveWithTheDuplicateRetentionAndOrphansAreSwept) {
  const std::string state = fresh_dir("photo_bytes_retention");
  auto [a, b, c] = scene_reports(kDir);
  FilterOptions o = quiet();
  o.duplicate.retention_s = 2 * 86400;
  o.duplicate.window_s = 86400;
  {
    Filter f(o, state);
    f.submit(as_bytes(a));
    f.submit(as_bytes(c));
    ASSERT_EQ(files_in(state + "/photos").size(), 2u);
    // Three days later, far away: a and c leave the duplicate retention, and their photos with them.
    Report later = make_report("later", "2026-10-04T10:00:00+07:00", -6.3, 106.9);
    EXPECT_EQ(f.stats().stored_photos, 2u);
    f.submit(later);
    EXPECT_TRUE(files_in(state + "/photos").empty());
    EXPECT_EQ(f.stats().stored_photos, 0u);
    EXPECT_EQ(f.stats().stored_photo_bytes, 0u);
    // Their hashes stay for photo reuse: the same photo again is still recognised.
    Report reuse = as_bytes(a);
    reuse.id = "reuse";
    reuse.time = parse_rfc3339("2026-10-04T11:00:00+07:00");
    reuse.lat = -6.1;  // ~11 km from a
    const Verdict v = f.submit(reuse);
    EXPECT_TRUE(has(v, "IMG_REUSED_PHOTO_DISTANT")) << verdict_to_json(v);
    EXPECT_EQ(files_in(state + "/photos").size(), 1u);  // reuse's own photo
  }
  // A file no retained report names (a submit that never committed) is deleted at open; the
  // retained report's photo stays.
  const auto kept = files_in(state + "/photos");
  std::ofstream(state + "/photos/0123456789abcdef-0-0123456789abcdef.jpg") << "orphan";
  std::ofstream(state + "/photos/.half-written.tmp") << "orphan";
  Filter g(o, state);
  EXPECT_EQ(files_in(state + "/photos"), kept);
  EXPECT_EQ(g.stats().stored_photos, 1u);
}

TEST(PhotoBytes, UndecodableBytesAreJudgedAndNotStored) {
  const std::string state = fresh_dir("photo_bytes_bad");
  Filter f(quiet(), state);
  Report r = make_report("bad", "2026-10-01T08:00:00+07:00", -6.2, 106.8);
  r.photo_bytes.push_back({{'n', 'o', 't', ' ', 'a', ' ', 'p', 'h', 'o', 't', 'o'}, "upload.jpg"});
  r.photo_bytes.push_back({{}, ""});
  const Verdict v = f.submit(r);
  int unreadable = 0;
  for (const auto& reason : v.reasons) {
    if (reason.code != "IMG_UNREADABLE") continue;
    ++unreadable;  // one reason per code: the first photo that did not decode
    EXPECT_NE(reason.detail.find("photo bytes 'upload.jpg' of report 'bad'"), std::string::npos) << reason.detail;
  }
  EXPECT_EQ(unreadable, 1) << verdict_to_json(v);
  Report empty = make_report("empty", "2026-10-01T08:00:00+07:00", -6.25, 106.85);
  empty.photo_bytes.push_back({{}, ""});
  const Verdict ve = f.submit(empty);
  EXPECT_NE(verdict_to_json(ve).find("photo bytes #1 of report 'empty'"), std::string::npos) << verdict_to_json(ve);
  EXPECT_TRUE(files_in(state + "/photos").empty());
}

TEST(PhotoBytes, InMemoryStoreGoesWithTheFilter) {
  const std::string tmp = fresh_dir("photo_bytes_tmpdir");
  const char* before = std::getenv("TMPDIR");
  const std::string saved = before ? before : "";
  ::setenv("TMPDIR", tmp.c_str(), 1);
  auto [a, b, c] = scene_reports(kDir);
  {
    Filter f(quiet());
    EXPECT_TRUE(files_in(tmp).empty());  // made on first use only
    f.submit(as_bytes(a));
    const auto dirs = files_in(tmp);
    ASSERT_EQ(dirs.size(), 1u);
    EXPECT_EQ(dirs.begin()->rfind("saring-photos-", 0), 0u) << *dirs.begin();
    EXPECT_EQ(files_in(tmp + "/" + *dirs.begin()).size(), 1u);
    EXPECT_EQ(f.submit(as_bytes(b)).decision, Decision::kDuplicate);
  }
  EXPECT_TRUE(files_in(tmp).empty());
  if (before) {
    ::setenv("TMPDIR", saved.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
}

}  // namespace
}  // namespace saring
