// saring inspect: read-only lookups in a state directory that `saring run --state` keeps, the CLI
// side of Filter::verdict_of, Filter::reporter, Filter::incident_members and Filter::stats.
//   saring inspect --state DIR verdict r42 r43     one verdict JSON line per id
//   saring inspect --state DIR reporter u7         {"reporter","reports","confirmed","rejected","reputation"}
//   saring inspect --state DIR incident r42        {"id","members":[...]}
//   saring inspect --state DIR stats               the filter's statistics as one JSON object
// An id the state does not hold gives {"id", "error"} and exit 1 after the others (as `saring hash`).
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "context.hpp"
#include "saring/core/error.hpp"
#include "saring/core/json.hpp"
#include "saring/filter/filter.hpp"

namespace saring::cli {

namespace {

struct InspectArgs {
  std::string state, config, what;
  std::vector<std::string> overrides, ids;
};

int run_inspect(const InspectArgs& a) {
  if (a.what != "verdict" && a.what != "reporter" && a.what != "incident" && a.what != "stats") {
    throw Error(ErrorCode::kInvalidArgument, "unknown lookup '" + a.what + "' (expected verdict, reporter, incident or stats)");
  }
  if (a.what != "stats" && a.ids.empty()) throw Error(ErrorCode::kInvalidArgument, a.what + " needs at least one id");
  std::error_code ec;
  if (!std::filesystem::is_directory(a.state, ec)) {
    throw Error(ErrorCode::kNotFound, "state directory '" + a.state + "' does not exist (saring run --state DIR creates it)");
  }
  // Opening replays the journal into memory; inspect adds nothing to it (no submit, no feedback,
  // no snapshot). Like `run`, it takes the directory's lock while it reads.
  const Filter filter(load_filter_options(a.config, a.overrides), a.state);
  if (a.what == "stats") {
    const FilterStats s = filter.stats();
    nlohmann::ordered_json j = {{"retained_reports", s.retained_reports}, {"duplicate_candidates", s.duplicate_candidates},
                                {"incidents", s.incidents},               {"reporters", s.reporters},
                                {"photos", s.photos},                     {"journal_records", s.journal_records},
                                {"committed", s.committed},               {"memory_bytes", s.memory_bytes},
                                {"stored_photos", s.stored_photos},       {"stored_photo_bytes", s.stored_photo_bytes}};
    std::cout << j.dump() << "\n";
    return 0;
  }
  int status = 0;
  auto missing = [&](const std::string& id, const std::string& what) {
    nlohmann::ordered_json j = {{"id", id}, {"error", what}};
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    status = 1;
  };
  for (const std::string& id : a.ids) {
    if (a.what == "verdict") {
      if (const auto v = filter.verdict_of(id)) {
        std::cout << verdict_to_json(*v) << "\n";
      } else {
        missing(id, "no report with this id is held");
      }
    } else if (a.what == "reporter") {
      if (const auto r = filter.reporter(id)) {
        nlohmann::ordered_json j = {{"reporter", id},           {"reports", r->reports}, {"confirmed", r->confirmed},
                                    {"rejected", r->rejected}, {"reputation", r->reputation()}};
        std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      } else {
        missing(id, "no reporter with this id is known");
      }
    } else {  // incident
      const auto members = filter.incident_members(id);
      if (members.empty()) {
        missing(id, "no report with this id is in an incident");
      } else {
        nlohmann::ordered_json j = {{"id", id}, {"members", members}};
        std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      }
    }
  }
  std::cout.flush();
  return status;
}

}  // namespace

void register_inspect_command(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand(
      "inspect", "Look up verdicts, reporters' reputation, incidents or statistics in a state directory (read-only)");
  cmd->add_option("what", a->what, "verdict | reporter | incident | stats")->required();
  cmd->add_option("ids", a->ids, "Report ids (verdict, incident) or reporter ids (reporter)");
  cmd->add_option("--state", a->state, "State directory of `saring run --state`")->required();
  cmd->add_option("--config", a->config, "Config file (must match the one `saring run` used)");
  cmd->add_option("--set", a->overrides, "Option override (must match `saring run`)")->allow_extra_args(false);
  cmd->callback([a, &ctx] { run_guarded(ctx, "inspect", [a] { return run_inspect(*a); }); });
}

}  // namespace saring::cli
