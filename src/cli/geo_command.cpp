// `saring geo`: geotag plausibility and the area chain for report JSON lines. Thin: parsing,
// EXIF, checks and state all live in the library (saring/geo/).
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "context.hpp"
#include "saring/cluster/geodesic.hpp"
#include "saring/core/error.hpp"
#include "saring/core/json.hpp"
#include "saring/filter/options.hpp"
#include "saring/geo/areas.hpp"
#include "saring/geo/exif.hpp"
#include "saring/geo/geotag.hpp"

namespace saring::cli {

namespace {

struct GeoArgs {
  std::string input;
  std::vector<std::string> areas;
  std::string water;
  double max_speed_kmh = 250;
  std::vector<std::string> water_ok;
  bool no_history = false;
  bool no_photos = false;
  std::vector<std::string> distance_to;  // area level names (--distance-to)
  bool stats = false;
  // The filter's config (its "geotag" section: every GeotagOptions field, areas, water), so
  // `saring geo` can judge exactly as `saring run --config` does.
  std::string config;
  std::vector<std::string> overrides;
  bool max_speed_given = false;
};

nlohmann::ordered_json finite_or_null(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json result_json(const Report& report, const GeotagResult& r, const AreaSet& area_set,
                                   const std::vector<AreaLevel>& distance_levels) {
  nlohmann::ordered_json out;
  out["id"] = report.id;
  // The verdict's scores are risks (0 = nothing against it, as `saring run` writes them: geotag =
  // 1 - plausibility), so a reader of both outputs reads one meaning; the plausibility itself is
  // kept under "geotag".
  out["scores"] = {{"geotag", 1.0 - r.plausibility}};
  nlohmann::ordered_json reasons = nlohmann::ordered_json::array();
  nlohmann::ordered_json findings = nlohmann::ordered_json::array();
  for (const auto& f : r.findings) {
    reasons.push_back({{"code", f.code}, {"group", "geotag"}, {"score", f.score}, {"detail", f.detail}});
    findings.push_back({{"code", f.code}, {"value", finite_or_null(f.value)}, {"unit", f.unit}, {"weight", f.weight}});
  }
  out["reasons"] = std::move(reasons);
  nlohmann::ordered_json areas = nlohmann::ordered_json::array();
  for (const auto& a : r.areas) areas.push_back({{"level", a.level}, {"code", a.code}, {"name", a.name}});
  out["areas"] = std::move(areas);
  // Extra, ignored by readers of the verdict subset: the measured values behind the reasons.
  out["geotag"] = {{"plausibility", r.plausibility},
                   {"findings", std::move(findings)},
                   {"distance_to_service_area_m", finite_or_null(r.distance_to_service_area_m)}};
  if (!distance_levels.empty()) {
    // Out-of-range coordinates are judged (GEO_INVALID_COORDINATES) but have no distance: null.
    const bool valid = valid_lat_lon(report.lat, report.lon);
    nlohmann::ordered_json d = nlohmann::ordered_json::object();
    for (const AreaLevel level : distance_levels) {
      d[std::string(area_level_name(level))] =
          valid ? finite_or_null(area_set.distance_to_level_m(level, report.lat, report.lon)) : nlohmann::ordered_json(nullptr);
    }
    out["geotag"]["distance_to_level_m"] = std::move(d);
  }
  return out;
}

int run_geo(const GeoArgs& args) {
  const bool configured = !args.config.empty() || !args.overrides.empty();
  GeotagSettings settings;  // the filter config's geotag section
  if (configured) settings = load_filter_options(args.config, args.overrides).geotag;
  GeotagOptions options;  // without a config, the geo module's own defaults
  if (configured) options = settings;
  // --areas / --water name the areas instead of the config; both are loaded as the filter loads them.
  if (!args.areas.empty() || !args.water.empty()) {
    settings.areas.clear();
    for (const auto& path : args.areas) {
      AreaFile f;  // the default property names, as --areas always read
      f.path = path;
      settings.areas.push_back(std::move(f));
    }
    settings.water = args.water;
  }
  const std::unique_ptr<AreaSet> own = load_geotag_areas(settings);
  const AreaSet* areas = own ? own.get() : &AreaSet::jakarta();
  std::vector<AreaLevel> distance_levels;
  for (const auto& name : args.distance_to) distance_levels.push_back(parse_area_level(name));
  if (!configured || args.max_speed_given) options.max_speed_kmh = args.max_speed_kmh;
  if (!args.water_ok.empty()) options.water_ok_categories = args.water_ok;
  options.validate();
  const GeotagChecker checker(*areas, options);
  GeoHistory history;

  std::ifstream file;
  std::istream* in = &std::cin;
  if (args.input != "-") {
    file.open(args.input, std::ios::binary);
    if (!file) throw Error(ErrorCode::kIo, args.input + ": cannot open for reading");
    in = &file;
  }
  int status = 0;
  std::string line;
  std::size_t line_no = 0;
  std::size_t judged = 0;
  while (std::getline(*in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Report report;
    try {
      report = parse_report_json(line, line_no);
    } catch (const Error& e) {
      std::cerr << "saring geo: " << args.input << ": " << e.what() << "\n";
      status = 1;
      continue;
    }
    std::vector<PhotoExif> photos;
    if (!args.no_photos) {
      for (const auto& path : report.photos) {
        try {
          photos.push_back(read_photo_exif_file(path));
        } catch (const Error& e) {
          std::cerr << "saring geo: report " << report.id << ": " << e.what() << "\n";
          status = 1;
        }
      }
    }
    const GeotagResult r = checker.evaluate(report, photos, args.no_history ? nullptr : &history);
    if (!args.no_history) history.commit(report);
    std::cout << result_json(report, r, *areas, distance_levels).dump() << "\n";
    ++judged;
  }
  if (in->bad()) throw Error(ErrorCode::kIo, args.input + ": read error");
  if (args.stats) {
    std::cout.flush();
    std::cerr << "saring geo: " << judged << " reports judged; history holds " << history.reporter_count()
              << " reporters, " << history.coordinate_count() << " coordinates, ~" << history.memory_bytes()
              << " bytes\n";
  }
  return status;
}

}  // namespace

void register_geo_command(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<GeoArgs>();
  CLI::App* cmd = app.add_subcommand(
      "geo", "Geotag plausibility and administrative areas of report JSON lines (one result per line)");
  cmd->add_option("file", args->input, "report JSON lines ('-' for stdin)")->required();
  cmd->add_option("--areas", args->areas,
                  "GeoJSON area file (repeatable); features need 'kode', 'nama' and 'level' "
                  "(provinsi, kabupaten_kota, kecamatan, kelurahan). Default: bundled DKI Jakarta");
  cmd->add_option("--water", args->water,
                  "GeoJSON water/sea polygons for GEO_IN_SEA (default with the bundled areas: a coarse "
                  "Jakarta Bay polygon; none with --areas)");
  cmd->add_option("--max-speed", args->max_speed_kmh, "impossible-travel speed, km/h")
      ->capture_default_str()
      ->each([args](const std::string&) { args->max_speed_given = true; });
  cmd->add_option("--water-ok", args->water_ok, "category that may lie on water (repeatable)");
  cmd->add_flag("--no-history", args->no_history, "judge each line alone (no travel / shared-coordinate state)");
  cmd->add_flag("--no-photos", args->no_photos, "do not read the reports' photos for EXIF");
  cmd->add_option("--distance-to", args->distance_to,
                  "also write the distance in metres to the nearest area of this level (kota, kecamatan, "
                  "kelurahan, ...; repeatable) as geotag.distance_to_level_m");
  cmd->add_option("--config", args->config,
                  "filter config (JSON) whose \"geotag\" section sets the checks (every GeotagOptions field, "
                  "areas, water), as `saring run --config` judges them");
  cmd->add_option("--set", args->overrides, "override one config option, e.g. --set geotag.min_decimals=4 (repeatable)")
      ->allow_extra_args(false);
  cmd->add_flag("--stats", args->stats, "print the count of judged reports and the history's size and memory to stderr");
  cmd->callback([args, &ctx] { run_guarded(ctx, "geo", [args] { return run_geo(*args); }); });
}

}  // namespace saring::cli
