// saring's one error convention: every failure is thrown as saring::Error (or a subclass) carrying
// an ErrorCode and a message that names the input and what was wrong with it. Functions that
// judge outside data (a report, a text) return findings instead of throwing; functions that cannot
// produce their result (an undecodable image, a corrupt state file) throw.
//
//   try { auto h = saring::pdq_hash_file("x.jpg"); }
//   catch (const saring::Error& e) { if (e.code() == saring::ErrorCode::kDecode) ... }
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace saring {

enum class ErrorCode {
  kInvalidArgument,  // a caller's value is out of range or malformed (also bad options)
  kParse,            // outside text (JSON, CSV, hex, GeoJSON, config) could not be parsed
  kDecode,           // image or video bytes could not be decoded
  kLimitExceeded,    // input larger than a configured cap (bytes, pixels, text length)
  kIo,               // a file could not be opened, read or written
  kCorrupt,          // a saved file failed its version or checksum check, or is truncated
  kNotFound,         // a looked-up id or key does not exist
  kUnsupported,      // a feature this build or CPU cannot provide
  kInternal,         // a bug in saring
};

// Stable lower_snake name of a code, e.g. "limit_exceeded"; used in JSON error output.
std::string_view error_code_name(ErrorCode code) noexcept;

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace saring
