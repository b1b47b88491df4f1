// Journal and snapshot: reopening restores exactly what was committed; torn tails are dropped,
// corruption is refused with Error(kCorrupt).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "filter/filter_test_util.hpp"
#include "filter/persist.hpp"
#include "saring/core/error.hpp"
#include "saring/core/json.hpp"
#include "saring/filter/filter.hpp"
#include "saring/filter/open311.hpp"

namespace saring {
namespace {

using test::make_report;
using test::random_hash;
using test::with_pdq;

// A sequence with duplicates, reuse and feedback, fed to any number of filters.
struct Script {
  std::vector<std::pair<Report, ReportFeatures>> reports;
  Script() {
    for (int i = 0; i < 40; ++i) {
      Report r = make_report("r" + std::to_string(i), "2026-10-01T08:00:00+07:00", -6.2 + 0.0005 * (i % 7),
                             106.8 + 0.0004 * (i % 5), i % 3 ? "sampah" : "banjir",
                             i % 2 ? "sampah menumpuk di pinggir jalan" : "banjir di jalan raya", "u" + std::to_string(i % 6));
      r.time.unix += i * 1800;
      reports.push_back({r, with_pdq(test::flip_bits(random_hash(i % 9), i % 4))});
    }
  }
};

std::string read(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
void write(const std::string& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

ErrorCode open_error(const std::string& dir) {
  try {
    Filter f(FilterOptions{}, dir);
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::kInternal;
}

TEST(FilterState, ReopenContinuesExactlyLikeAnUninterruptedFilter) {
  const Script s;
  const std::string dir = test::fresh_dir("reopen");
  FilterOptions o;
  o.journal.snapshot_every = 7;  // several snapshots and a journal tail
  Filter reference(FilterOptions{});
  std::vector<Verdict> expected;
  for (const auto& [r, f] : s.reports) expected.push_back(reference.submit(r, f));
  reference.feedback({FeedbackAction::kRejectSpam, "r3"});
  {
    Filter f(o, dir);
    for (int i = 0; i < 20; ++i) EXPECT_EQ(f.submit(s.reports[i].first, s.reports[i].second), expected[i]);
  }
  {
    Filter f(o, dir);
    EXPECT_EQ(f.stats().committed, 20u);
    for (int i = 0; i < 20; ++i) EXPECT_EQ(f.verdict_of(s.reports[i].first.id), expected[i]);
    f.feedback({FeedbackAction::kRejectSpam, "r3"});
  }
  Filter f(o, dir);
  // Replaying the whole input: held ids return their verdicts, the rest continue identically.
  for (std::size_t i = 0; i < s.reports.size(); ++i) {
    if (i < 20) {
      EXPECT_EQ(f.submit(s.reports[i].first, s.reports[i].second), expected[i]) << i;
    }
  }
  Filter ref2(FilterOptions{});
  for (int i = 0; i < 20; ++i) ref2.submit(s.reports[i].first, s.reports[i].second);
  ref2.feedback({FeedbackAction::kRejectSpam, "r3"});
  for (std::size_t i = 20; i < s.reports.size(); ++i) {
    EXPECT_EQ(f.submit(s.reports[i].first, s.reports[i].second), ref2.submit(s.reports[i].first, s.reports[i].second)) << i;
  }
  EXPECT_EQ(f.stats().incidents, ref2.stats().incidents);
  EXPECT_EQ(f.reporter("u3")->rejected, 1);
}

TEST(FilterState, TornTailIsDroppedEverythingBeforeKept) {
  const Script s;
  const std::string dir = test::fresh_dir("torn");
  FilterOptions o;
  o.journal.snapshot_every = 0;
  {
    Filter f(o, dir);
    for (int i = 0; i < 10; ++i) f.submit(s.reports[i].first, s.reports[i].second);
  }
  const std::string journal = dir + "/journal.log";
  const std::string good = read(journal);
  // Every cut inside the last record loses exactly that record.
  const std::string ten = good;
  {
    Filter f(o, dir);
    f.submit(s.reports[10].first, s.reports[10].second);
  }
  const std::string eleven = read(journal);
  ASSERT_GT(eleven.size(), ten.size());
  for (std::size_t cut : {ten.size() + 1, ten.size() + 7, ten.size() + 8, (ten.size() + eleven.size()) / 2, eleven.size() - 1}) {
    write(journal, eleven.substr(0, cut));
    Filter f(o, dir);
    EXPECT_EQ(f.stats().committed, 10u) << "cut at " << cut;
    EXPECT_TRUE(f.verdict_of("r9"));
    EXPECT_FALSE(f.verdict_of("r10"));
  }
  EXPECT_EQ(read(journal).size(), ten.size());  // truncated to the good prefix
}

TEST(FilterState, CorruptionIsRefused) {
  const Script s;
  const std::string dir = test::fresh_dir("corrupt");
  FilterOptions o;
  o.journal.snapshot_every = 0;
  {
    Filter f(o, dir);
    for (int i = 0; i < 5; ++i) f.submit(s.reports[i].first, s.reports[i].second);
  }
  const std::string journal = dir + "/journal.log";
  const std::string good = read(journal);
  std::string bad = good;
  bad[good.size() / 2] ^= 0x40;  // inside a complete record
  write(journal, bad);
  EXPECT_EQ(open_error(dir), ErrorCode::kCorrupt);
  bad = good;
  bad[8] = 9;  // version
  write(journal, bad);
  try {
    Filter f(o, dir);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCorrupt);
    EXPECT_NE(std::string(e.what()).find("version"), std::string::npos);
  }
  write(journal, "GARBAGE!GARBAGE!GARBAGE!");
  EXPECT_EQ(open_error(dir), ErrorCode::kCorrupt);
  write(journal, good);
  {
    Filter f(o, dir);
    f.snapshot();
  }
  const std::string snap = read(dir + "/snapshot.bin");
  write(dir + "/snapshot.bin", snap.substr(0, snap.size() - 3));
  EXPECT_EQ(open_error(dir), ErrorCode::kCorrupt);
  std::string flipped = snap;
  flipped[snap.size() - 10] ^= 1;
  write(dir + "/snapshot.bin", flipped);
  EXPECT_EQ(open_error(dir), ErrorCode::kCorrupt);
  std::string version = snap;
  version[8] = 9;
  write(dir + "/snapshot.bin", version);
  try {
    Filter f(o, dir);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCorrupt);
    EXPECT_NE(std::string(e.what()).find("snapshot version 9 is not supported"), std::string::npos) << e.what();
  }
  write(dir + "/snapshot.bin", snap);
  Filter f(o, dir);
  EXPECT_EQ(f.stats().committed, 5u);
}

// A state directory from before snapshot version 2 (verdicts kept as JSON) still opens: every
// held report replays the JSON it was given, and the next snapshot is written in version 2.
TEST(FilterState, VersionOneSnapshotStillLoads) {
  const std::string src = std::string(SARING_TEST_DATA_DIR) + "/filter/state_v1/";
  const std::string dir = test::fresh_dir("state_v1");
  for (const char* name : {"snapshot.bin", "journal.log"}) write(dir + "/" + name, read(src + name));
  ASSERT_EQ(static_cast<unsigned char>(read(dir + "/snapshot.bin")[8]), 1u);  // really version 1
  std::vector<std::string> reports, verdicts;
  {
    std::ifstream a(src + "reports.jsonl"), b(src + "verdicts.jsonl");
    for (std::string line; std::getline(a, line);) reports.push_back(line);
    for (std::string line; std::getline(b, line);) verdicts.push_back(line);
  }
  ASSERT_EQ(reports.size(), 5u);
  ASSERT_EQ(verdicts.size(), 5u);
  FilterOptions o;
  o.journal.snapshot_every = 0;
  for (int round = 0; round < 2; ++round) {
    Filter f(o, dir);
    EXPECT_EQ(f.stats().committed, 5u);
    for (std::size_t i = 0; i < reports.size(); ++i) {
      const Report r = parse_report_json(reports[i]);
      ASSERT_TRUE(f.verdict_of(r.id));
      EXPECT_EQ(verdict_to_json(*f.verdict_of(r.id)), verdicts[i]);
      EXPECT_EQ(verdict_to_json(f.submit(r)), verdicts[i]);  // idempotent replay
    }
    if (round == 0) {
      f.snapshot();
      EXPECT_EQ(static_cast<unsigned char>(read(dir + "/snapshot.bin")[8]), detail::kSnapshotVersion);
    }
  }
}

TEST(FilterState, SecondOpenOfADirectoryIsRefused) {
  const std::string dir = test::fresh_dir("lock");
  Filter a(FilterOptions{}, dir);
  EXPECT_EQ(open_error(dir), ErrorCode::kIo);
}

TEST(FilterState, EveryPrefixOfAJournalParsesOrIsTorn) {
  const Script s;
  const std::string dir = test::fresh_dir("prefix");
  FilterOptions o;
  o.journal.snapshot_every = 0;
  {
    Filter f(o, dir);
    for (int i = 0; i < 6; ++i) f.submit(s.reports[i].first, s.reports[i].second);
    f.feedback({FeedbackAction::kConfirm, "r1"});
  }
  const std::string bytes = read(dir + "/journal.log");
  std::size_t last = 0;
  for (std::size_t n = 0; n <= bytes.size(); ++n) {
    const auto c = detail::parse_journal(std::string_view(bytes).substr(0, n), "prefix");
    EXPECT_GE(c.records.size(), last);
    last = c.records.size();
    EXPECT_EQ(c.torn_tail, n != bytes.size() && n != c.valid_bytes) << n;
  }
  EXPECT_EQ(last, 7u);
}

TEST(FilterState, SnapshotAndJournalReplayGiveTheSameState) {
  const Script s;
  const std::string a = test::fresh_dir("snapA"), b = test::fresh_dir("snapB");
  FilterOptions snap_often, never;
  snap_often.journal.snapshot_every = 3;
  never.journal.snapshot_every = 0;
  {
    Filter fa(snap_often, a), fb(never, b);
    for (const auto& [r, f] : s.reports) EXPECT_EQ(fa.submit(r, f), fb.submit(r, f));
  }
  Filter fa(snap_often, a), fb(never, b);
  const auto sa = fa.stats(), sb = fb.stats();
  EXPECT_EQ(sa.committed, sb.committed);
  EXPECT_EQ(sa.incidents, sb.incidents);
  EXPECT_EQ(sa.retained_reports, sb.retained_reports);
  EXPECT_LT(sa.journal_records, 3u);
  EXPECT_EQ(sb.journal_records, s.reports.size());
  for (const auto& [r, f] : s.reports) EXPECT_EQ(fa.incident_members(r.id), fb.incident_members(r.id));
}

// A report the filter rejected and a moderator then confirmed is a duplicate candidate, in memory
// and after a reopen from a snapshot or from the journal alone (these once disagreed).
TEST(FilterState, ConfirmedRejectIsACandidateBeforeAndAfterReopen) {
  FilterOptions o;
  o.thresholds.reject = 0.75;  // the mock-location flag alone (risk 0.8) then rejects
  const Hash256 photo = random_hash(77);
  Report spoofed = make_report("c1", "2026-10-01T08:00:00+07:00", -6.2, 106.8, "sampah", "sampah menumpuk", "u1");
  spoofed.client.mock_location = true;
  auto later = [&](const std::string& id, int minutes) {
    Report r = make_report(id, "2026-10-01T08:00:00+07:00", -6.2, 106.8, "sampah", "sampah menumpuk", "u1");
    r.time.unix += minutes * 60;
    return r;
  };
  {
    // Control: without the confirmation the rejected report is no candidate.
    Filter f(o);
    EXPECT_EQ(f.submit(spoofed, with_pdq(photo)).decision, Decision::kReject);
    EXPECT_NE(f.submit(later("c2", 10), with_pdq(photo)).duplicate_of, std::optional<std::string>("c1"));
  }
  const std::string snap_dir = test::fresh_dir("confirm_snap"), journal_dir = test::fresh_dir("confirm_journal");
  FilterOptions snap = o, journal = o;
  snap.journal.snapshot_every = 1;
  journal.journal.snapshot_every = 0;
  for (const auto& [opts, dir] : {std::pair{snap, snap_dir}, std::pair{journal, journal_dir}}) {
    {
      Filter f(opts, dir);
      EXPECT_EQ(f.submit(spoofed, with_pdq(photo)).decision, Decision::kReject);
      f.feedback({FeedbackAction::kConfirm, "c1"});
      const Verdict v = f.submit(later("c2", 10), with_pdq(photo));
      EXPECT_EQ(v.decision, Decision::kDuplicate) << dir;
      EXPECT_EQ(v.duplicate_of, std::optional<std::string>("c1")) << dir;
    }
    Filter f(opts, dir);
    const Verdict v = f.submit(later("c3", 20), with_pdq(photo));
    EXPECT_EQ(v.decision, Decision::kDuplicate) << dir;
    EXPECT_EQ(v.duplicate_of, std::optional<std::string>("c1")) << dir;
    EXPECT_EQ(f.incident_members("c3"), (std::vector<std::string>{"c1", "c2", "c3"})) << dir;
  }
}

}  // namespace
// An Open311 request carrying a field named like a report field ("photos": 5) was journaled as
// report JSON that did not parse: the state directory could not be reopened.
TEST(Persist, Open311RequestWithReportFieldNamesReopens) {
  const std::string dir = test::fresh_dir("open311_fields");
  FilterOptions o;
  o.journal.snapshot_every = 0;  // replay from the journal, where the report JSON is stored
  o.journal.sync = "none";
  const Report r = parse_open311_request(
      R"({"service_request_id":"o1","lat":-6.2,"long":106.8,"requested_datetime":"2026-01-01T00:00:00+07:00",)"
      R"("description":"Sampah menumpuk","photos":5,"client":"web","accuracy_m":"x"})");
  Verdict first;
  {
    Filter f(o, dir);
    first = f.submit(r, ReportFeatures{});
  }
  Filter again(o, dir);
  const auto v = again.verdict_of("o1");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(verdict_to_json(*v), verdict_to_json(first));
}

}  // namespace saring
