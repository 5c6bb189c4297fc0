#include <cstring>
#include <memory>

#include "ingest/csv.h"

namespace authtrail::ingest {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string Printable(char c) {
  if (c >= 0x20 && c < 0x7F) return std::string("'") + c + "'";
  static const char kHex[] = "0123456789abcdef";
  const auto u = static_cast<unsigned char>(c);
  return std::string("byte 0x") + kHex[u >> 4] + kHex[u & 15];
}

}  // namespace

CsvReader::CsvReader(LineSource source) : source_(std::move(source)) {}

bool CsvReader::NextLine() {
  if (!source_(&line_, &line_no_)) return false;
  i_ = 0;
  if (first_line_) {
    first_line_ = false;
    // The BOM is an encoding mark, not data: columns count from after it.
    if (line_.starts_with(kBom)) line_.remove_prefix(kBom.size());
  }
  return true;
}

CsvReader::Outcome CsvReader::Fail(TextPos pos, std::string reason, CsvError* error) {
  error->pos = pos;
  error->reason = std::move(reason);
  return Outcome::kError;
}

CsvReader::Outcome CsvReader::Next(std::vector<CsvField>* fields, CsvError* error) {
  do {
    if (!NextLine()) return Outcome::kEnd;
  } while (line_.empty());
  start_ = {line_no_, 1};
  raw_.assign(line_);
  fields->clear();
  while (true) {
    bool ok = i_ < line_.size() && line_[i_] == '"' ? ParseQuoted(fields, error)
                                                    : ParseUnquoted(fields, error);
    if (!ok) return Outcome::kError;
    if (i_ >= line_.size()) return Outcome::kRecord;
    ++i_;  // the comma; a comma at the very end starts a last, empty field
  }
}

bool CsvReader::ParseUnquoted(std::vector<CsvField>* fields, CsvError* error) {
  const size_t begin = i_;
  const TextPos pos{line_no_, static_cast<uint32_t>(begin + 1)};
  while (i_ < line_.size() && line_[i_] != ',') {
    if (line_[i_] == '"') {
      Fail({line_no_, static_cast<uint32_t>(i_ + 1)},
           "quote inside an unquoted field (quote the whole field and double inner quotes)", error);
      return false;
    }
    ++i_;
  }
  fields->push_back({std::string(line_.substr(begin, i_ - begin)), pos});
  return true;
}

bool CsvReader::ParseQuoted(std::vector<CsvField>* fields, CsvError* error) {
  const TextPos open{line_no_, static_cast<uint32_t>(i_ + 1)};
  std::string value;
  ++i_;
  while (true) {
    if (i_ >= line_.size()) {
      // The field holds a line break: continue on the next physical line.
      if (!NextLine()) {
        Fail(open, "quoted field is never closed (end of input reached)", error);
        return false;
      }
      value += '\n';
      raw_ += '\n';
      raw_.append(line_);
      continue;
    }
    const size_t quote = line_.find('"', i_);
    if (quote == std::string_view::npos) {
      value.append(line_.substr(i_));
      i_ = line_.size();
      continue;
    }
    value.append(line_.substr(i_, quote - i_));
    i_ = quote + 1;
    if (i_ < line_.size() && line_[i_] == '"') {  // "" is one quote
      value += '"';
      ++i_;
      continue;
    }
    break;
  }
  if (i_ < line_.size() && line_[i_] != ',') {
    Fail({line_no_, static_cast<uint32_t>(i_ + 1)},
         "expected ',' or the end of the line after a closing quote, found " + Printable(line_[i_]),
         error);
    return false;
  }
  fields->push_back({std::move(value), open});
  return true;
}

LineSource LinesOf(std::string_view text) {
  struct State {
    std::string_view rest;
    uint64_t line_no = 0;
  };
  auto state = std::make_shared<State>(State{text});
  return [state](std::string_view* line, uint64_t* line_no) {
    if (state->rest.empty()) return false;
    size_t nl = state->rest.find('\n');
    std::string_view l = state->rest.substr(0, nl);
    state->rest = nl == std::string_view::npos ? std::string_view() : state->rest.substr(nl + 1);
    if (l.ends_with('\r')) l.remove_suffix(1);
    *line = l;
    *line_no = ++state->line_no;
    return true;
  };
}

}  // namespace authtrail::ingest
