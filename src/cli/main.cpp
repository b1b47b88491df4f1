#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "context.hpp"
#include "saring/core/error.hpp"

#define SARING_COMMAND(name) void register_##name##_command(CLI::App&, saring::cli::Context&);
namespace saring::cli {
#include "command_registry.inc"
}
#undef SARING_COMMAND

namespace saring::cli {

void run_guarded(Context& ctx, const std::string& command, const std::function<int()>& body) {
  try {
    ctx.exit_code = body();
  } catch (const saring::Error& e) {
    std::cerr << "saring " << command << ": " << e.what() << " [" << error_code_name(e.code()) << "]\n";
    ctx.exit_code = 2;
  } catch (const std::exception& e) {
    std::cerr << "saring " << command << ": " << e.what() << "\n";
    ctx.exit_code = 2;
  }
}

}  // namespace saring::cli

int main(int argc, char** argv) {
  CLI::App app{"saring: filter citizen reports (duplicates, geotag plausibility, spam)", "saring"};
  app.set_version_flag("--version", std::string("saring ") + SARING_CLI_VERSION);
  app.require_subcommand(1);
  saring::cli::Context ctx;
#define SARING_COMMAND(name) saring::cli::register_##name##_command(app, ctx);
#include "command_registry.inc"
#undef SARING_COMMAND
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  std::fflush(stdout);
  return ctx.exit_code;
}
