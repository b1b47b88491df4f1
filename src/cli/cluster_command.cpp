// saring cluster: batch (ST-)DBSCAN over a CSV or JSON-lines file, writing id,label CSV.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "context.hpp"
#include "saring/cluster/dbscan.hpp"
#include "saring/cluster/point_reader.hpp"
#include "saring/core/error.hpp"
#include "saring/core/time.hpp"

namespace saring::cli {

namespace {
struct ClusterArgs {
  double eps_m = 0;
  int min_pts = 0;
  std::string eps_time;
  bool by_category = false;
  std::string border = "sklearn";
  std::string output = "-";
  std::string file;
};

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}
}  // namespace

void register_cluster_command(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ClusterArgs>();
  CLI::App* cmd = app.add_subcommand(
      "cluster",
      "Group reports into incidents with DBSCAN / ST-DBSCAN. Reads CSV (header id,lat,lon[,time][,category]) "
      "or JSON lines (report format); writes id,label CSV, -1 for noise.");
  cmd->add_option("--eps-m", args->eps_m, "Neighbourhood radius in metres (haversine, R = 6371008.8 m)")->required();
  cmd->add_option("--min-pts", args->min_pts, "Points a neighbourhood needs (itself included) to be core")->required();
  cmd->add_option("--eps-time", args->eps_time, "Time radius, e.g. 90s, 15m, 2h, 1d (needs a time column)");
  cmd->add_flag("--by-category", args->by_category, "Neighbours must share the category");
  cmd->add_option("--border", args->border,
                  "Border points touching two clusters: sklearn (scikit-learn's labels) or nearest-core")
      ->capture_default_str();
  cmd->add_option("-o,--output", args->output, "Output file ('-' = standard output)")->capture_default_str();
  cmd->add_option("FILE", args->file, "Input file ('-' = standard input)")->required();
  cmd->callback([args, &ctx]() {
    run_guarded(ctx, "cluster", [&]() {
      DbscanOptions o;
      o.eps_m = args->eps_m;
      o.min_pts = args->min_pts;
      o.same_category = args->by_category;
      o.border = parse_border_rule(args->border);
      if (!args->eps_time.empty()) o.eps_time_s = parse_duration_seconds(args->eps_time);
      o.validate();
      const PointSet set = read_points_file(args->file);
      if (o.eps_time_s && !set.has_time)
        throw Error(ErrorCode::kInvalidArgument, args->file + ": --eps-time needs a time column");
      if (o.same_category && !set.has_category)
        throw Error(ErrorCode::kInvalidArgument, args->file + ": --by-category needs a category column");
      const std::vector<std::int32_t> labels = dbscan(std::span<const ClusterPoint>(set.points), o);
      std::ofstream file;
      std::ostream* out = &std::cout;
      if (args->output != "-") {
        file.open(args->output, std::ios::binary);
        if (!file) throw Error(ErrorCode::kIo, args->output + ": cannot open for writing");
        out = &file;
      }
      std::string buf = "id,label\n";
      for (std::size_t i = 0; i < labels.size(); ++i) {
        buf += csv_field(set.points[i].id);
        buf += ',';
        buf += std::to_string(labels[i]);
        buf += '\n';
        if (buf.size() > (1 << 16)) {
          out->write(buf.data(), static_cast<std::streamsize>(buf.size()));
          buf.clear();
        }
      }
      out->write(buf.data(), static_cast<std::streamsize>(buf.size()));
      out->flush();
      if (!*out) throw Error(ErrorCode::kIo, args->output + ": write failed");
      return 0;
    });
  });
}

}  // namespace saring::cli
