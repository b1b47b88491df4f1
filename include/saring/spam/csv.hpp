// A small RFC 4180 CSV reader for training data: quoted fields with "" escapes and embedded
// newlines, CRLF or LF line ends, an optional UTF-8 BOM. Strict: an unterminated quote, text after
// a closing quote, or a row with a different field count is Error(kParse) naming the line.
//
//   saring::CsvTable t = saring::read_csv_file("sms.csv");
//   std::size_t text_col = t.column("teks");
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace saring {

struct CsvOptions {
  char delimiter = ',';
  bool header = true;                  // the first row names the columns
  std::size_t max_bytes = 1ull << 30;  // larger input is refused (Error(kLimitExceeded))
};

struct CsvTable {
  std::vector<std::string> header;             // empty when options.header is false
  std::vector<std::vector<std::string>> rows;

  // Index of a column by header name, or by number ("0", "1", ...). Error(kNotFound) otherwise.
  std::size_t column(std::string_view name_or_index) const;
};

CsvTable parse_csv(std::string_view data, const CsvOptions& options = {});
CsvTable read_csv_file(const std::string& path, const CsvOptions& options = {});

}  // namespace saring
