// saring cluster: batch (ST-)DBSCAN over a CSV or JSON-lines file, writing id,label CSV; or, with
// --window / --window-time, the incremental clusterer over the rows as a stream (in file order),
// writing each report's incident on arrival and, with --events, the merges and splits.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "context.hpp"
#include "saring/cluster/dbscan.hpp"
#include "saring/cluster/incremental.hpp"
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
  std::size_t window = 0;   // incremental: hold at most this many reports (0: no count limit)
  std::string window_time;  // incremental: hold reports within this duration of the latest time
  std::string events;       // incremental: JSON lines of cluster events
};

// Buffered writing to a file or standard output ('-').
class Sink {
 public:
  explicit Sink(const std::string& path) : path_(path) {
    if (path != "-") {
      file_.open(path, std::ios::binary);
      if (!file_) throw Error(ErrorCode::kIo, path + ": cannot open for writing");
      out_ = &file_;
    }
  }
  void write(const std::string& text) {
    buf_ += text;
    if (buf_.size() > (1 << 16)) flush_buffer();
  }
  void close() {
    flush_buffer();
    out_->flush();
    if (!*out_) throw Error(ErrorCode::kIo, path_ + ": write failed");
  }

 private:
  void flush_buffer() {
    out_->write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
  }
  std::string path_;
  std::ofstream file_;
  std::ostream* out_ = &std::cout;
  std::string buf_;
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
  CLI::Option* border_opt = cmd->add_option("--border", args->border,
                  "Border points touching two clusters: sklearn (scikit-learn's labels) or nearest-core")
      ->capture_default_str();
  cmd->add_option("--window", args->window,
                  "Incremental: read the rows as a stream, holding at most N reports (the oldest leave first); "
                  "writes id,incident with each report's incident on arrival")
      ->check(CLI::Range(std::size_t{1}, std::numeric_limits<std::size_t>::max()));
  cmd->add_option("--window-time", args->window_time,
                  "Incremental: hold the reports whose time is within DURATION of the latest time seen (e.g. 30d)");
  cmd->add_option("--events", args->events,
                  "Incremental: write the merges, splits, creations and dissolutions as JSON lines to this file");
  cmd->add_option("-o,--output", args->output, "Output file ('-' = standard output)")->capture_default_str();
  cmd->add_option("FILE", args->file, "Input file ('-' = standard input)")->required();
  cmd->callback([args, &ctx, border_opt]() {
    run_guarded(ctx, "cluster", [&]() {
      const bool border_given = border_opt->count() > 0;
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
      const bool incremental = args->window > 0 || !args->window_time.empty();
      if (!incremental) {
        if (!args->events.empty()) throw Error(ErrorCode::kInvalidArgument, "--events needs --window or --window-time");
        const std::vector<std::int32_t> labels = dbscan(std::span<const ClusterPoint>(set.points), o);
        Sink out(args->output);
        out.write("id,label\n");
        for (std::size_t i = 0; i < labels.size(); ++i)
          out.write(csv_field(set.points[i].id) + ',' + std::to_string(labels[i]) + '\n');
        out.close();
        return 0;
      }
      if (border_given && o.border != BorderRule::kNearestCore)
        throw Error(ErrorCode::kInvalidArgument,
                    "--border: the incremental clusterer (--window, --window-time) uses nearest-core only");
      std::optional<std::int64_t> span;
      if (!args->window_time.empty()) {
        span = parse_duration_seconds(args->window_time);
        if (*span < 0) throw Error(ErrorCode::kInvalidArgument, "--window-time must not be negative");
        if (!set.has_time) throw Error(ErrorCode::kInvalidArgument, args->file + ": --window-time needs a time column");
      }
      IncrementalClusterer clusterer(o);
      Sink out(args->output);
      std::optional<Sink> events;
      if (!args->events.empty()) events.emplace(args->events);
      out.write("id,incident\n");
      std::vector<ClusterEvent> step;
      auto take = [&](std::vector<ClusterEvent> more) { step.insert(step.end(), more.begin(), more.end()); };
      std::int64_t latest = std::numeric_limits<std::int64_t>::min();
      for (const ClusterPoint& p : set.points) {
        step.clear();
        // The window ends at the latest time seen, so a report that arrives late does not pull it back.
        latest = std::max(latest, p.time);
        if (span) {
          const std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
          take(clusterer.expire_before(latest < lowest + *span ? lowest : latest - *span));
        }
        if (args->window > 0)
          while (clusterer.size() >= args->window) take(clusterer.expire_oldest());
        try {
          take(clusterer.insert(p));
        } catch (const Error& e) {
          throw Error(e.code(), args->file + ": " + e.what());
        }
        out.write(csv_field(p.id) + ',' + std::to_string(clusterer.incident_of(p.id)) + '\n');
        if (events)
          for (const ClusterEvent& e : step) {
            nlohmann::ordered_json j;
            j["report"] = p.id;
            j["kind"] = std::string(cluster_event_kind_name(e.kind));
            j["incident"] = e.incident;
            j["others"] = e.others;
            events->write(j.dump() + '\n');
          }
      }
      out.close();
      if (events) events->close();
      return 0;
    });
  });
}

}  // namespace saring::cli
