// saring match [--radius R] [--dihedral] HAYSTACK QUERIES
//
// Checks a list of hashes (e.g. one shared by another platform) against an archive's hash list.
// Each file holds one hash a line: `hex` or `hex,id`, PDQ (64 hex digits) or 64-bit (16 digits),
// the same kind in both files. Blank lines and lines starting with '#' are skipped. Output: one
// JSON object a line, {"query": Q, "match": M, "distance": D}, where Q and M are the ids or, for
// lines without one, the 1-based line numbers; per query in file order, matches by distance.
//
// --dihedral (PDQ only): each QUERIES line carries the eight dihedral variant hashes of one photo,
// `h0;h1;...;h7` (optionally `,id`), as a PDQ hasher emits them; a match also says which variant
// ("variant": 0..7) came closest. A hash's variants cannot be derived from its bits alone.
//
// --nearest K: instead of everything within the radius, the K nearest haystack entries of each
// query (HammingIndex::nearest; ties by haystack line), still only within --radius when one is
// given.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "context.hpp"
#include "saring/core/error.hpp"
#include "saring/index/hamming_index.hpp"

namespace saring::cli {
namespace {

struct MatchOptions {
  int radius = -1;  // -1: the default for the hash kind
  bool dihedral = false;
  std::size_t nearest = 0;  // 0: every entry within the radius
  std::string haystack;
  std::string queries;
};

enum class Kind { kUnknown, kPdq, k64 };

struct Line {
  std::size_t number = 0;
  std::string id;  // empty: print the line number
  std::vector<std::string> hex;  // one hash, or eight dihedral variants
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

[[noreturn]] void fail(const std::string& file, std::size_t line, const std::string& what) {
  throw Error(ErrorCode::kParse, file + ":" + std::to_string(line) + ": " + what);
}

Kind kind_of(const std::string& file, std::size_t number, const std::string& hex) {
  if (hex.size() == 64) return Kind::kPdq;
  if (hex.size() == 16) return Kind::k64;
  fail(file, number, "expected 64 (PDQ) or 16 (64-bit) hex digits, got " + std::to_string(hex.size()) + " in '" +
                         hex.substr(0, 80) + "'");
}

// Reads a hash list; every hash must be of `kind` (set from the first line when kUnknown).
std::vector<Line> read_lines(const std::string& file, Kind& kind, bool variants) {
  std::ifstream in(file);
  if (!in) throw Error(ErrorCode::kIo, file + ": cannot open for reading");
  std::vector<Line> out;
  std::string raw;
  std::size_t number = 0;
  while (std::getline(in, raw)) {
    ++number;
    const std::string text = trim(raw);
    if (text.empty() || text[0] == '#') continue;
    Line line;
    line.number = number;
    std::string hashes = text;
    if (const auto comma = text.find(','); comma != std::string::npos) {
      hashes = trim(text.substr(0, comma));
      line.id = trim(text.substr(comma + 1));
      if (line.id.empty()) fail(file, number, "empty id after ','");
      if (line.id.size() > 65535) fail(file, number, "id longer than 65535 bytes");
    }
    std::size_t start = 0;
    while (true) {
      const auto semi = hashes.find(';', start);
      line.hex.push_back(trim(hashes.substr(start, semi == std::string::npos ? std::string::npos : semi - start)));
      if (semi == std::string::npos) break;
      start = semi + 1;
    }
    if (variants && line.hex.size() != 8) {
      fail(file, number, "--dihedral expects 8 hashes separated by ';', got " + std::to_string(line.hex.size()));
    }
    if (!variants && line.hex.size() != 1) fail(file, number, "one hash per line expected (';' needs --dihedral)");
    for (const auto& h : line.hex) {
      const Kind k = kind_of(file, number, h);
      if (kind == Kind::kUnknown) kind = k;
      if (k != kind) {
        fail(file, number, std::string("hash kind differs from the rest (") + (k == Kind::kPdq ? "PDQ" : "64-bit") +
                               " among " + (kind == Kind::kPdq ? "PDQ" : "64-bit") + " hashes)");
      }
      try {
        if (k == Kind::kPdq) {
          (void)Hash256::from_hex(h);
        } else {
          (void)Hash64::from_hex(h);
        }
      } catch (const Error& e) {
        fail(file, number, e.what());
      }
    }
    out.push_back(std::move(line));
  }
  if (in.bad()) throw Error(ErrorCode::kIo, file + ": read error");
  return out;
}

nlohmann::ordered_json label(const Line& line) {
  if (line.id.empty()) return line.number;
  return line.id;
}

template <class Hash>
HammingIndex<Hash> build(const std::vector<Line>& haystack) {
  HammingIndex<Hash> index;
  std::vector<std::string> ids;
  std::vector<Hash> hashes;
  std::vector<UnixSeconds> times(haystack.size(), 0);
  for (std::size_t i = 0; i < haystack.size(); ++i) {
    // Position in `haystack` (ids in files need not be unique), zero-padded so that the index's
    // id order, which breaks nearest()'s ties, is the line order.
    std::string id = std::to_string(i);
    ids.push_back(std::string(id.size() < 12 ? 12 - id.size() : 0, '0') + id);
    hashes.push_back(Hash::from_hex(haystack[i].hex[0]));
  }
  index.insert_batch(ids, hashes, times);
  index.compact();
  return index;
}

struct Row {
  std::size_t position;
  int distance;
  int variant;
};

void print(const Line& query, std::vector<Row>& rows, const std::vector<Line>& haystack, bool with_variant) {
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.position < b.position;
  });
  for (const Row& r : rows) {
    nlohmann::ordered_json j;
    j["query"] = label(query);
    j["match"] = label(haystack[r.position]);
    j["distance"] = r.distance;
    if (with_variant) j["variant"] = r.variant;
    std::cout << j.dump() << '\n';
  }
}

int run_match(const MatchOptions& o) {
  if (o.dihedral && o.nearest > 0) {
    throw Error(ErrorCode::kInvalidArgument, "--nearest and --dihedral cannot be combined (dihedral queries take a radius)");
  }
  Kind kind = Kind::kUnknown;
  const auto haystack = read_lines(o.haystack, kind, false);
  const auto queries = read_lines(o.queries, kind, o.dihedral);
  if (kind == Kind::kUnknown) return 0;  // both files empty
  if (o.dihedral && kind != Kind::kPdq) {
    throw Error(ErrorCode::kInvalidArgument, "--dihedral needs PDQ hashes (64 hex digits)");
  }
  const int bits = kind == Kind::kPdq ? 256 : 64;
  // With --nearest and no --radius, any distance counts.
  const int radius = o.radius >= 0 ? o.radius : o.nearest > 0 ? bits : (kind == Kind::kPdq ? 31 : 10);
  if (radius > bits) {
    throw Error(ErrorCode::kInvalidArgument,
                "--radius " + std::to_string(radius) + " exceeds the hash width " + std::to_string(bits));
  }
  std::vector<Row> rows;
  if (kind == Kind::kPdq) {
    const PdqIndex index = build<Hash256>(haystack);
    for (const Line& q : queries) {
      rows.clear();
      if (o.dihedral) {
        std::array<Hash256, 8> v;
        for (int k = 0; k < 8; ++k) v[k] = Hash256::from_hex(q.hex[k]);
        for (const auto& m : index.query_dihedral(v, radius)) rows.push_back({std::stoul(m.id), m.distance, m.variant});
      } else {
        const Hash256 h = Hash256::from_hex(q.hex[0]);
        for (const auto& m : o.nearest > 0 ? index.nearest(h, o.nearest) : index.query(h, radius)) {
          if (m.distance <= radius) rows.push_back({std::stoul(m.id), m.distance, 0});
        }
      }
      print(q, rows, haystack, o.dihedral);
    }
  } else {
    const Hash64Index index = build<Hash64>(haystack);
    for (const Line& q : queries) {
      rows.clear();
      const Hash64 h = Hash64::from_hex(q.hex[0]);
      for (const auto& m : o.nearest > 0 ? index.nearest(h, o.nearest) : index.query(h, radius)) {
        if (m.distance <= radius) rows.push_back({std::stoul(m.id), m.distance, 0});
      }
      print(q, rows, haystack, false);
    }
  }
  std::cout.flush();
  if (!std::cout) throw Error(ErrorCode::kIo, "writing the matches to standard output failed");
  return 0;
}

}  // namespace

void register_match_command(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<MatchOptions>();
  CLI::App* cmd = app.add_subcommand(
      "match", "Print every pair (query, haystack entry) within a Hamming radius, one JSON object a line");
  cmd->add_option("--radius,-r", opts->radius, "Largest distance reported (default 31 for PDQ, 10 for 64-bit)")
      ->check(CLI::Range(0, 256));
  cmd->add_flag("--dihedral", opts->dihedral,
                "QUERIES lines hold the 8 dihedral variants 'h0;...;h7' of a PDQ hash; report the closest variant");
  cmd->add_option("--nearest,-k", opts->nearest,
                  "Only the K nearest entries per query (ties by haystack line); within --radius if given, else any distance")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
  cmd->add_option("HAYSTACK", opts->haystack, "Hash list to search: 'hex' or 'hex,id' per line")->required();
  cmd->add_option("QUERIES", opts->queries, "Hash list to look up, same format")->required();
  cmd->callback([&ctx, opts] { run_guarded(ctx, "match", [&] { return run_match(*opts); }); });
}

}  // namespace saring::cli
