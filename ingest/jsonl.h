// Native JSONL ingest (events.md): streaming line reader + one-line parser.
//
// LineReader streams a file (or standard input for "-") in constant memory
// through a reused buffer, yielding one line at a time without its line end
// ("\n" or "\r\n"), and hashes every byte it reads (SHA-256, for the batch
// record's chain of custody). JsonlParser turns one line into a normalized,
// validated Event, or says why not: which field and what is wrong.
//
// Thread-safety: not thread-safe; use one reader/parser per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/sha256.h"
#include "common/status.h"
#include "schemas/event.h"

namespace authtrail::ingest {

class LineReader {
 public:
  // Opens `path` ("-" = standard input). kNotFound / kIOError with the path.
  static Result<std::unique_ptr<LineReader>> Open(const std::string& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Sets *line to the next line (valid until the next call) and *line_no to
  // its 1-based number. Returns false at end of input; an I/O error is
  // reported through status() after false. Lines of any length are returned
  // whole (the buffer grows for a long line and shrinks back afterwards).
  bool Next(std::string_view* line, uint64_t* line_no);
  Status status() const;

  uint64_t bytes_read() const;
  // SHA-256 of every byte read so far (call after Next() returned false for
  // the hash of the whole input).
  Digest sha256();
  const std::string& path() const;

 private:
  struct Impl;
  explicit LineReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Why a line was rejected: the field ("" when the line as a whole is bad,
// e.g. not JSON) and the reason, ready for "file:line: field: reason".
struct LineError {
  std::string field;
  std::string reason;
};

class JsonlParser {
 public:
  JsonlParser();
  ~JsonlParser();
  JsonlParser(const JsonlParser&) = delete;
  JsonlParser& operator=(const JsonlParser&) = delete;

  // Parses one line (no line end). Returns true and fills *event, or false and
  // fills *error. Blank lines (only spaces/tabs) must be skipped by the caller
  // (IsBlank). Never crashes on any input.
  bool Parse(std::string_view line, Event* event, LineError* error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True for an empty line or one of only spaces and tabs (ignored by ingest).
bool IsBlank(std::string_view line);

}  // namespace authtrail::ingest
