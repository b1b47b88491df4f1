// Embedding saring's filter in a C++ backend: open a state directory, submit reports as they
// arrive, act on the verdicts, feed moderator decisions back, and survive restarts.
//
//   ./example_embed [demo data dir] [state dir]
// Exits non-zero when something does not behave as documented (it doubles as a test).
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "saring/core/error.hpp"
#include "saring/core/json.hpp"
#include "saring/filter/demo.hpp"
#include "saring/filter/filter.hpp"
#include "saring/image/image.hpp"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  try {
    const std::string demo = argc > 1 ? argv[1] : saring::find_demo_dir(argv[0]);
    const std::string state = argc > 2 ? argv[2] : (fs::temp_directory_path() / "saring_embed_example").string();
    fs::remove_all(state);

    // Built-in defaults, then overrides as a deployment would put them in its config.
    const saring::FilterOptions options = saring::load_filter_options({}, {"duplicate.radius_m=150", "journal.sync=always"});
    const auto reports = saring::load_demo_reports(demo);
    std::vector<saring::Verdict> first;
    {
      saring::Filter filter(options, state);
      for (std::size_t i = 0; i < 60 && i < reports.size(); ++i) {
        // Half the uploads arrive as bytes in memory rather than as files: the filter hashes them
        // and keeps them in <state>/photos for the geometric check of later reports.
        saring::Report report = reports[i];
        if (i % 2 == 1) {
          for (const auto& path : report.photos) {
            report.photo_bytes.push_back({saring::read_file_bytes(path, std::uint64_t{64} << 20), path});
          }
          report.photos.clear();
        }
        const saring::Verdict v = filter.submit(report);  // durable when it returns
        first.push_back(v);
        if (v.decision == saring::Decision::kDuplicate) {
          std::cout << v.id << " duplicates " << *v.duplicate_of << ": " << v.reasons.front().detail << "\n";
        } else if (v.decision != saring::Decision::kAccept) {
          std::cout << v.id << " -> " << saring::decision_name(v.decision) << " (" << v.reasons.front().code << ")\n";
        }
      }
      // A moderator confirms the first report.
      filter.feedback({saring::FeedbackAction::kConfirm, first.front().id, {}, "moderator-1"});
      const auto s = filter.stats();
      std::cout << s.retained_reports << " reports held, " << s.incidents << " incidents, ~" << s.memory_bytes / 1024
                << " KiB\n";
    }
    // The backend restarts and replays its queue: every held report gets its verdict back.
    saring::Filter reopened(options, state);
    for (std::size_t i = 0; i < first.size(); ++i) {
      if (reopened.submit(reports[i]) != first[i]) {
        std::cerr << "replayed verdict differs for " << first[i].id << "\n";
        return 1;
      }
    }
    std::cout << "replay after restart: " << first.size() << " verdicts identical\n";
    fs::remove_all(state);
    return 0;
  } catch (const saring::Error& e) {
    std::cerr << "example_embed: " << e.what() << "\n";
    return 2;
  }
}
