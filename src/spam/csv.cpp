// RFC 4180 CSV: a small state machine over the bytes.
#include <fstream>
#include <sstream>

#include "saring/core/error.hpp"
#include "saring/spam/csv.hpp"

namespace saring {

std::size_t CsvTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  if (!name.empty() && name.size() < 6 && name.find_first_not_of("0123456789") == std::string_view::npos) {
    const std::size_t idx = static_cast<std::size_t>(std::stoul(std::string(name)));
    const std::size_t width = !header.empty() ? header.size() : (rows.empty() ? 0 : rows.front().size());
    if (idx < width) return idx;
  }
  std::string known;
  for (const auto& h : header) known += (known.empty() ? "" : ", ") + h;
  throw Error(ErrorCode::kNotFound, "CSV has no column '" + std::string(name) + "' (columns: " + known + ")");
}

CsvTable parse_csv(std::string_view data, const CsvOptions& options) {
  if (data.size() > options.max_bytes) {
    throw Error(ErrorCode::kLimitExceeded, "CSV of " + std::to_string(data.size()) + " bytes exceeds the limit of " +
                                               std::to_string(options.max_bytes));
  }
  if (options.delimiter == '"' || options.delimiter == '\n' || options.delimiter == '\r') {
    throw Error(ErrorCode::kInvalidArgument, "CSV delimiter cannot be a quote or a line end");
  }
  if (data.size() >= 3 && data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);
  CsvTable table;
  std::vector<std::string> row;
  std::string field;
  std::size_t line = 1, row_line = 1;
  std::size_t width = 0;
  bool have_width = false;
  auto end_row = [&]() {
    row.push_back(std::move(field));
    field.clear();
    // A blank line (one empty unquoted field) is skipped.
    if (row.size() == 1 && row[0].empty()) {
      row.clear();
      return;
    }
    if (!have_width) {
      width = row.size();
      have_width = true;
    } else if (row.size() != width) {
      throw Error(ErrorCode::kParse, "CSV line " + std::to_string(row_line) + ": " + std::to_string(row.size()) +
                                         " fields, expected " + std::to_string(width));
    }
    if (options.header && table.header.empty() && table.rows.empty()) {
      table.header = std::move(row);
    } else {
      table.rows.push_back(std::move(row));
    }
    row.clear();
  };
  const std::size_t n = data.size();
  std::size_t i = 0;
  bool quoted_field = false;  // the current field was quoted (so it may be empty yet present)
  while (i < n) {
    const char c = data[i];
    if (field.empty() && !quoted_field && c == '"') {
      // Quoted field: runs to the closing quote; "" is a literal quote.
      quoted_field = true;
      const std::size_t start_line = line;
      ++i;
      for (;;) {
        if (i >= n) throw Error(ErrorCode::kParse, "CSV line " + std::to_string(start_line) + ": unterminated quoted field");
        const char q = data[i];
        if (q == '"') {
          if (i + 1 < n && data[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (q == '\n') ++line;
        field.push_back(q);
        ++i;
      }
      if (i < n && data[i] != options.delimiter && data[i] != '\n' && data[i] != '\r') {
        throw Error(ErrorCode::kParse, "CSV line " + std::to_string(line) + ": text after a closing quote");
      }
      continue;
    }
    if (c == options.delimiter) {
      row.push_back(std::move(field));
      field.clear();
      quoted_field = false;
      ++i;
    } else if (c == '\r' || c == '\n') {
      end_row();
      quoted_field = false;
      i += (c == '\r' && i + 1 < n && data[i + 1] == '\n') ? 2 : 1;
      ++line;
      row_line = line;
    } else if (c == '"') {
      throw Error(ErrorCode::kParse, "CSV line " + std::to_string(line) + ": quote inside an unquoted field");
    } else {
      field.push_back(c);
      ++i;
    }
  }
  if (!field.empty() || !row.empty() || quoted_field) end_row();
  return table;
}

CsvTable read_csv_file(const std::string& path, const CsvOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kIo, "cannot open CSV file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  try {
    return parse_csv(ss.str(), options);
  } catch (const Error& e) {
    throw Error(e.code(), path + ": " + e.what());
  }
}

}  // namespace saring
