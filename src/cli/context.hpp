// Shared state of one CLI invocation: subcommand callbacks report their exit status here.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace saring::cli {

struct Context {
  int exit_code = 0;
};

// Runs `body` and turns a saring::Error or std::exception into "saring <cmd>: message" on stderr
// and exit code 2 (1 is reserved for "ran, but some inputs failed").
void run_guarded(Context& ctx, const std::string& command, const std::function<int()>& body);

}  // namespace saring::cli
