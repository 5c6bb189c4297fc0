// CsvReader: an RFC 4180 reader for Salesforce exports (EventLogFile CSVs,
// Data Loader / `sf data query --result-format csv` output).
//
// It pulls physical lines from a LineSource (LineReader in production, a
// string in tests and the fuzzer) and yields one record at a time: its fields
// with the line and 1-based byte column where each starts, and the raw text
// of the record (its physical lines joined with "\n") for the rejects file.
//
// Accepted: a UTF-8 byte-order mark at the start of the input (dropped, and
// not counted in columns); "\n" and "\r\n" line ends (the line source strips
// them; a line break inside a quoted field becomes "\n"); quoted fields
// holding commas, doubled quotes ("") and line breaks; empty fields; blank
// lines between records (skipped: RFC 4180 has no empty records).
// Rejected, with the line and column of the offending byte: a quote inside
// an unquoted field, anything but a comma or the line end after a closing
// quote, and a quoted field still open at the end of the input. After a bad
// record the reader resynchronizes at the next physical line (an unterminated
// quote swallows the rest of the input: there is no way to know where the
// field was meant to end).
//
// Thread-safety: not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace authtrail::ingest {

// Yields the next physical line without its line end and its 1-based number;
// false at the end of the input. The view must stay valid until the next call.
using LineSource = std::function<bool(std::string_view* line, uint64_t* line_no)>;

// Where something sits in the input: 1-based line and byte column.
struct TextPos {
  uint64_t line = 0;
  uint32_t column = 0;
};

struct CsvField {
  std::string value;
  TextPos pos;  // where the field starts (its opening quote, if quoted)
};

struct CsvError {
  TextPos pos;
  std::string reason;
};

class CsvReader {
 public:
  enum class Outcome { kRecord, kError, kEnd };

  // `source` must stay callable for the reader's lifetime.
  explicit CsvReader(LineSource source);

  // kRecord: *fields holds the next record (at least one field).
  // kError: *error says where and why; the record's raw text is in raw();
  //         call Next again to continue with the following line.
  // kEnd: no more input; *fields and *error untouched.
  Outcome Next(std::vector<CsvField>* fields, CsvError* error);

  // Raw text of the record (or bad record) last returned.
  const std::string& raw() const { return raw_; }
  // Position of the first byte of that record.
  TextPos start() const { return start_; }

 private:
  bool NextLine();
  bool ParseQuoted(std::vector<CsvField>* fields, CsvError* error);
  bool ParseUnquoted(std::vector<CsvField>* fields, CsvError* error);
  Outcome Fail(TextPos pos, std::string reason, CsvError* error);

  LineSource source_;
  std::string_view line_;  // current physical line
  uint64_t line_no_ = 0;
  size_t i_ = 0;  // next byte of line_
  bool first_line_ = true;
  std::string raw_;
  TextPos start_;
};

// Splits `text` into physical lines ("\n" or "\r\n"), for tests and fuzzing.
// `text` must outlive the returned source.
LineSource LinesOf(std::string_view text);

}  // namespace authtrail::ingest
