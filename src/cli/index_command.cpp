// `saring index add|erase|expire|query|info --index FILE`: a Hamming index kept in a file
// (HammingIndex::save/load: versioned, CRC-checked), updated from the shell.
//
// Concurrent use. A command that changes the index (add, erase, expire) loads the file, changes
// it and saves it (to FILE.tmp, then renamed over FILE), holding an exclusive flock(2) on
// FILE.lock the whole time; a second writer finds the lock held and is refused (exit 2) instead
// of waiting or losing the first one's changes. The lock dies with its process, so a crash leaves
// no stale lock (FILE.lock may stay behind as an empty file; that is harmless). Readers (query,
// info) take no lock: the rename makes them see either the old or the new file, whole. flock
// is advisory and local: another program writing FILE, or FILE on a network file system whose
// flock is not shared between machines, is not excluded.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "context.hpp"
#include "hash_list.hpp"
#include "saring/core/error.hpp"
#include "saring/core/time.hpp"
#include "saring/index/hamming_index.hpp"

namespace saring::cli {
namespace {

struct IndexArgs {
  std::string index;
  std::vector<std::string> lists;  // add: hash lists; query: one list
  std::vector<std::string> ids;    // erase
  std::string kind;                // add to a new file: "pdq" or "64" (default: the first hash's)
  std::string time;                // add: time of lines without one (default: now)
  std::string before;              // expire
  std::string older_than;          // expire
  std::string now;                 // expire --older-than: "now" (default: the clock)
  int radius = -1;
  std::size_t nearest = 0;
};

enum class Kind { kUnknown, kPdq, k64 };

// Exclusive, non-blocking flock on FILE.lock for as long as this object lives.
class WriteLock {
 public:
  explicit WriteLock(const std::string& index) : path_(index + ".lock") {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(ErrorCode::kIo, path_ + ": cannot open the lock file: " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd_);
      if (err == EWOULDBLOCK) {
        throw Error(ErrorCode::kIo, index + " is being changed by another saring index command (" + path_ +
                                        " is locked); try again when it has finished");
      }
      throw Error(ErrorCode::kIo, path_ + ": cannot lock: " + std::strerror(err));
    }
  }
  ~WriteLock() { ::close(fd_); }  // closing releases the lock
  WriteLock(const WriteLock&) = delete;
  WriteLock& operator=(const WriteLock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

// The hash width of an index file, from its header (magic, version, bits); kUnknown when the file
// is not an index, so that load() names the fault.
Kind kind_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kIo, path + ": cannot open the index");
  unsigned char h[16] = {};
  in.read(reinterpret_cast<char*>(h), sizeof h);
  if (in.gcount() != sizeof h || std::memcmp(h, "SARINDEX", 8) != 0) return Kind::kUnknown;
  const std::uint32_t bits = h[12] | (h[13] << 8) | (h[14] << 16) | (static_cast<std::uint32_t>(h[15]) << 24);
  return bits == 256 ? Kind::kPdq : bits == 64 ? Kind::k64 : Kind::kUnknown;
}

std::vector<HashListLine> read_list(const std::string& file, bool need_id) {
  std::ifstream f;
  std::istream* in = &std::cin;
  if (file != "-") {
    f.open(file, std::ios::binary);
    if (!f) throw Error(ErrorCode::kIo, file + ": cannot open for reading");
    in = &f;
  }
  std::vector<HashListLine> out;
  std::string raw;
  std::size_t number = 0;
  while (std::getline(*in, raw)) {
    ++number;
    const std::string where = file + ":" + std::to_string(number);
    auto line = parse_hash_list_line(raw, where);
    if (!line) continue;
    if (need_id && line->id.empty()) throw Error(ErrorCode::kParse, where + ": an id is needed ('hex,id[,time]')");
    if (!out.empty() && out.front().pdq() != line->pdq()) {
      throw Error(ErrorCode::kParse, where + ": hash kind differs from the first line's (PDQ and 64-bit mixed)");
    }
    out.push_back(std::move(*line));
  }
  if (in->bad()) throw Error(ErrorCode::kIo, file + ": read error");
  return out;
}

UnixSeconds clock_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Timestamp time_option(const char* option, const std::string& text) {
  try {
    return parse_rfc3339(text);
  } catch (const Error& e) {
    throw Error(e.code(), std::string(option) + ": " + e.what());
  }
}

void print(const nlohmann::ordered_json& j) {
  std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  std::cout.flush();
  if (!std::cout) throw Error(ErrorCode::kIo, "writing to standard output failed");
}

template <class Hash>
HammingIndex<Hash> load_or_new(const std::string& path, bool may_create) {
  std::error_code ec;
  if (may_create && !std::filesystem::exists(path, ec)) return HammingIndex<Hash>();
  return HammingIndex<Hash>::load(path);
}

// Writers other than add need an existing index: say so before creating FILE.lock beside nothing.
void require_index(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(ErrorCode::kIo, path + ": no such index file");
}

// Loads FILE as the index of its hash width and runs `f(index)`.
template <class F>
auto with_index(const std::string& path, Kind kind_if_new, F&& f) {
  std::error_code ec;
  Kind kind = Kind::kUnknown;
  const bool exists = std::filesystem::exists(path, ec);
  if (exists) {
    kind = kind_of_file(path);
    if (kind == Kind::kUnknown) kind = Kind::kPdq;  // load() then says what is wrong with the file
  } else if (kind_if_new == Kind::kUnknown) {
    throw Error(ErrorCode::kIo, path + ": no such index file");
  } else {
    kind = kind_if_new;
  }
  if (kind == Kind::kPdq) {
    PdqIndex index = load_or_new<Hash256>(path, !exists);
    return f(index);
  }
  Hash64Index index = load_or_new<Hash64>(path, !exists);
  return f(index);
}

int run_add(const IndexArgs& a) {
  Kind kind = a.kind == "pdq" ? Kind::kPdq : a.kind == "64" ? Kind::k64 : Kind::kUnknown;
  const UnixSeconds default_time = a.time.empty() ? clock_now() : time_option("--time", a.time).unix;
  std::vector<HashListLine> lines;
  for (const std::string& file : a.lists) {
    auto more = read_list(file, true);
    if (!lines.empty() && !more.empty() && lines.front().pdq() != more.front().pdq()) {
      throw Error(ErrorCode::kParse, file + ": hash kind differs from the earlier lists' (PDQ and 64-bit mixed)");
    }
    for (auto& l : more) lines.push_back(std::move(l));
  }
  const Kind listed = lines.empty() ? Kind::kUnknown : lines.front().pdq() ? Kind::kPdq : Kind::k64;
  if (kind != Kind::kUnknown && listed != Kind::kUnknown && kind != listed) {
    throw Error(ErrorCode::kInvalidArgument, "--kind " + a.kind + " but the lists hold " +
                                                 (listed == Kind::kPdq ? "PDQ" : "64-bit") + " hashes");
  }
  if (kind == Kind::kUnknown) kind = listed;
  std::error_code ec;
  if (kind == Kind::kUnknown && !std::filesystem::exists(a.index, ec)) {
    throw Error(ErrorCode::kInvalidArgument,
                a.index + " does not exist and the lists hold no hash to tell PDQ from 64-bit: give --kind");
  }
  const WriteLock lock(a.index);
  return with_index(a.index, kind, [&](auto& index) {
    constexpr bool pdq = std::is_same_v<std::decay_t<decltype(index)>, PdqIndex>;
    if (!lines.empty() && lines.front().pdq() != pdq) {
      throw Error(ErrorCode::kInvalidArgument, a.index + " holds " + (pdq ? "PDQ" : "64-bit") + " hashes, the lists " +
                                                   (pdq ? "64-bit" : "PDQ") + " ones");
    }
    std::size_t replaced = 0;
    for (const HashListLine& l : lines) {
      if (index.contains(l.id)) ++replaced;
      const UnixSeconds t = l.time ? l.time->unix : default_time;
      if constexpr (pdq) {
        index.insert(l.id, Hash256::from_hex(l.hex), t);
      } else {
        index.insert(l.id, Hash64::from_hex(l.hex), t);
      }
    }
    index.save(a.index);
    nlohmann::ordered_json j;
    j["added"] = lines.size() - replaced;
    j["replaced"] = replaced;
    j["entries"] = index.size();
    print(j);
    return 0;
  });
}

int run_erase(const IndexArgs& a) {
  require_index(a.index);
  const WriteLock lock(a.index);
  return with_index(a.index, Kind::kUnknown, [&](auto& index) {
    std::size_t erased = 0;
    nlohmann::ordered_json missing = nlohmann::ordered_json::array();
    for (const std::string& id : a.ids) {
      if (index.erase(id)) {
        ++erased;
      } else {
        missing.push_back(id);
      }
    }
    if (erased > 0) index.save(a.index);
    nlohmann::ordered_json j;
    j["erased"] = erased;
    j["not_found"] = std::move(missing);
    j["entries"] = index.size();
    print(j);
    return 0;
  });
}

int run_expire(const IndexArgs& a) {
  if (a.before.empty() == a.older_than.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "give exactly one of --before TIME or --older-than DURATION");
  }
  UnixSeconds cutoff;
  if (!a.before.empty()) {
    cutoff = time_option("--before", a.before).unix;
  } else {
    std::int64_t age;
    try {
      age = parse_duration_seconds(a.older_than);
    } catch (const Error& e) {
      throw Error(e.code(), std::string("--older-than: ") + e.what());
    }
    const UnixSeconds now = a.now.empty() ? clock_now() : time_option("--now", a.now).unix;
    cutoff = now - age;  // both are within +-2^50 s: no overflow
  }
  require_index(a.index);
  const WriteLock lock(a.index);
  return with_index(a.index, Kind::kUnknown, [&](auto& index) {
    const std::size_t expired = index.expire_before(cutoff);
    if (expired > 0) index.save(a.index);
    nlohmann::ordered_json j;
    j["expired"] = expired;
    j["before"] = format_rfc3339(Timestamp{cutoff, 0});
    j["entries"] = index.size();
    print(j);
    return 0;
  });
}

int run_query(const IndexArgs& a) {
  const std::vector<HashListLine> queries = read_list(a.lists.at(0), false);
  return with_index(a.index, Kind::kUnknown, [&](auto& index) {
    constexpr bool pdq = std::is_same_v<std::decay_t<decltype(index)>, PdqIndex>;
    const int bits = pdq ? 256 : 64;
    if (!queries.empty() && queries.front().pdq() != pdq) {
      throw Error(ErrorCode::kInvalidArgument, a.index + " holds " + (pdq ? "PDQ" : "64-bit") + " hashes, the queries " +
                                                   (pdq ? "64-bit" : "PDQ") + " ones");
    }
    const int radius = a.radius >= 0 ? a.radius : a.nearest > 0 ? bits : (pdq ? 31 : 10);
    if (radius > bits) {
      throw Error(ErrorCode::kInvalidArgument,
                  "--radius " + std::to_string(radius) + " exceeds the hash width " + std::to_string(bits));
    }
    std::size_t number = 0;
    for (const HashListLine& q : queries) {
      ++number;
      std::vector<IndexMatch> found;
      if constexpr (pdq) {
        const Hash256 h = Hash256::from_hex(q.hex);
        found = a.nearest > 0 ? index.nearest(h, a.nearest) : index.query(h, radius);
      } else {
        const Hash64 h = Hash64::from_hex(q.hex);
        found = a.nearest > 0 ? index.nearest(h, a.nearest) : index.query(h, radius);
      }
      for (const IndexMatch& m : found) {
        if (m.distance > radius) continue;
        nlohmann::ordered_json j;
        if (q.id.empty()) {
          j["query"] = number;  // the query's position among the list's hashes
        } else {
          j["query"] = q.id;
        }
        j["match"] = m.id;
        j["distance"] = m.distance;
        j["time"] = format_rfc3339(Timestamp{m.time, 0});
        std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
      }
    }
    std::cout.flush();
    if (!std::cout) throw Error(ErrorCode::kIo, "writing the matches to standard output failed");
    return 0;
  });
}

int run_info(const IndexArgs& a) {
  return with_index(a.index, Kind::kUnknown, [&](auto& index) {
    constexpr bool pdq = std::is_same_v<std::decay_t<decltype(index)>, PdqIndex>;
    nlohmann::ordered_json j;
    j["index"] = a.index;
    j["kind"] = pdq ? "pdq" : "64";
    j["entries"] = index.size();
    j["memory_bytes"] = index.memory_bytes();
    j["kernel"] = std::string(index_kernel_name());
    print(j);
    return 0;
  });
}

}  // namespace

void register_index_command(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<IndexArgs>();
  CLI::App* index = app.add_subcommand(
      "index", "A Hamming index kept in a file: add, erase, expire, query, info (writers lock FILE.lock)");
  index->require_subcommand(1);
  auto file_option = [&](CLI::App* cmd) {
    cmd->add_option("--index", a->index, "Index file (HammingIndex::save format)")->required();
  };

  CLI::App* add = index->add_subcommand("add", "Insert (or replace, by id) the hashes of lists; creates FILE if missing");
  file_option(add);
  add->add_option("LIST", a->lists, "Hash lists: 'hex,id[,time]' per line (PDQ or 64-bit; time RFC 3339; '-' = stdin)")
      ->required();
  add->add_option("--time", a->time, "Time (RFC 3339) of lines without one (default: now)");
  add->add_option("--kind", a->kind, "Hash kind of a new FILE when the lists are empty")->check(CLI::IsMember({"pdq", "64"}));
  add->callback([a, &ctx] { run_guarded(ctx, "index add", [a] { return run_add(*a); }); });

  CLI::App* erase = index->add_subcommand("erase", "Remove entries by id (ids not present are listed in not_found)");
  file_option(erase);
  erase->add_option("ID", a->ids, "Entry ids")->required();
  erase->callback([a, &ctx] { run_guarded(ctx, "index erase", [a] { return run_erase(*a); }); });

  CLI::App* expire = index->add_subcommand("expire", "Remove entries older than a time or an age");
  file_option(expire);
  expire->add_option("--before", a->before, "Remove entries whose time is before this (RFC 3339)");
  expire->add_option("--older-than", a->older_than, "Remove entries older than this duration (e.g. 90d) before --now");
  expire->add_option("--now", a->now, "With --older-than: the present (RFC 3339; default: the clock)");
  expire->callback([a, &ctx] { run_guarded(ctx, "index expire", [a] { return run_expire(*a); }); });

  CLI::App* query = index->add_subcommand(
      "query", "Entries within a radius (or the K nearest) of each hash of a list; one JSON object per match");
  file_option(query);
  query->add_option("QUERIES", a->lists, "Hash list: 'hex' or 'hex,id' per line ('-' = stdin)")->required()->expected(1);
  query->add_option("--radius,-r", a->radius, "Largest distance reported (default 31 for PDQ, 10 for 64-bit)")
      ->check(CLI::Range(0, 256));
  query->add_option("--nearest,-k", a->nearest, "Only the K nearest entries per query (within --radius if given)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
  query->callback([a, &ctx] { run_guarded(ctx, "index query", [a] { return run_query(*a); }); });

  CLI::App* info = index->add_subcommand("info", "Kind, entry count and memory of an index file (JSON)");
  file_option(info);
  info->callback([a, &ctx] { run_guarded(ctx, "index info", [a] { return run_info(*a); }); });
}

}  // namespace saring::cli
