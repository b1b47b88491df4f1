// saring feedback: applies moderator feedback to a state directory (journaled like submits).
//   saring feedback --state DIR reject_spam r42
//   saring feedback --state DIR mark_duplicate r43 --of r17
#include <filesystem>
#include <iostream>

#include "context.hpp"
#include "saring/core/error.hpp"
#include "saring/filter/filter.hpp"

namespace saring::cli {

void register_feedback_command(CLI::App& app, Context& ctx) {
  struct Args {
    std::string state, action, report, of, moderator, config;
    std::vector<std::string> overrides;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("feedback", "Apply moderator feedback to a state directory");
  cmd->add_option("action", a->action,
                  "confirm | reject_spam | mark_duplicate | unmark_duplicate | fake_location")->required();
  cmd->add_option("report", a->report, "The report id")->required();
  cmd->add_option("--of", a->of, "For mark_duplicate: a report of the incident to join");
  cmd->add_option("--state", a->state, "State directory")->required();
  cmd->add_option("--moderator", a->moderator, "Opaque moderator id, kept in the journal");
  cmd->add_option("--config", a->config, "Config file (must match the one `saring run` used)");
  cmd->add_option("--set", a->overrides, "Option override (must match `saring run`)")->allow_extra_args(false);
  cmd->callback([a, &ctx] {
    run_guarded(ctx, "feedback", [a] {
      // Feedback is about reports a `saring run --state` judged: a state directory that does not
      // exist is a typo, not an empty state to create (which would leave a stray directory behind
      // and blame the report id instead).
      std::error_code ec;
      if (!std::filesystem::is_directory(a->state, ec)) {
        throw Error(ErrorCode::kNotFound, "state directory '" + a->state +
                                              "' does not exist (saring run --state DIR creates it)");
      }
      Filter filter(load_filter_options(a->config, a->overrides), a->state);
      Feedback f{parse_feedback_action(a->action), a->report, a->of, a->moderator};
      filter.feedback(f);
      filter.sync();
      if (auto r = filter.verdict_of(a->report)) {
        const auto members = filter.incident_members(a->report);
        std::cout << a->report << ": " << a->action << " applied; incident members:";
        for (const auto& m : members) std::cout << " " << m;
        std::cout << "\n";
      }
      return 0;
    });
  });
}

}  // namespace saring::cli
