// Source records: one exported row or object, whatever the file format.
//
// Salesforce exports the same objects as CSV (EventLogFile, Data Loader,
// `sf data query --result-format csv`) and as JSON (REST query results,
// `sf data query --json`, streamed Real-Time Event Monitoring events). A
// RecordReader turns either into SourceRecords: named string fields, looked
// up by name (ASCII case-insensitively, since Data Loader upper-cases CSV
// headers), never by position.
//
// CSV: the first record is the header; every later record must have as many
// fields as the header (else it is an error naming the record). JSON: the
// input is one document whose records are `records` (REST query result),
// `result.records` (`sf data query --json`) or a top-level array, or it is
// JSON Lines with one record object per line. Nested objects are flattened
// to dotted names (`CreatedBy.Username`, as the CSV header spells them);
// `attributes` objects are dropped; JSON null is an absent field; numbers
// and booleans keep their JSON text.
//
// Thread-safety: not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ingest/csv.h"

namespace authtrail::ingest {

struct SourceField {
  std::string name;
  std::string value;
  TextPos pos;  // CSV: where the field starts; JSON: where its record starts
};

struct SourceRecord {
  std::vector<SourceField> fields;
  TextPos pos;      // where the record starts
  std::string raw;  // its verbatim text (CSV lines joined with "\n"; JSON object)

  // The field called `name` (ASCII case-insensitive), or nullptr.
  const SourceField* Find(std::string_view name) const;
};

// An input-level or record-level problem, at a position.
struct RecordError {
  TextPos pos;
  std::string reason;
};

class RecordReader {
 public:
  enum class Outcome { kRecord, kError, kEnd };
  virtual ~RecordReader() = default;
  // kRecord: *record is the next record. kError: *error says why, and
  // record->raw / record->pos hold the bad text; reading may continue.
  // kEnd: nothing more.
  virtual Outcome Next(SourceRecord* record, RecordError* error) = 0;
  // "csv" or "json".
  virtual std::string_view syntax() const = 0;
  // CSV: the raw text of the header record once it has been read (so that a
  // rejects file can start with it and be re-ingested); JSON: empty.
  virtual std::string_view header() const { return {}; }
};

// Reads `lines` as CSV or JSON: JSON when the first non-blank byte (after a
// byte-order mark) is '{' or '['; CSV otherwise. `lines` must stay callable
// for the reader's lifetime.
std::unique_ptr<RecordReader> OpenRecords(LineSource lines);

}  // namespace authtrail::ingest
