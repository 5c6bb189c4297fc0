// Adapters: Salesforce export records -> native events (events.md).
//
// An Adapter maps one SourceRecord (records.h: a CSV row or a JSON record,
// fields by name) to zero or more native JSONL lines. Those lines then go
// through the same JsonlParser as native input, so an export is held to
// exactly the contract a hand-written JSONL file is: one validator, one
// normalization (15 -> 18-character ids, RFC 3339 times), one canonical form.
// A mapping bug therefore shows up as a rejected record with a reason, never
// as a malformed stored event.
//
// What an adapter must not do is guess: a record whose type it does not know
// (an unknown LoginType label, a Setup Audit Trail action with no mapping)
// becomes an `unmapped` event carrying what the record said, which replay
// ignores and `authtrail log --unmapped` lists. A record that cannot be read
// at all (a required field missing or malformed) is rejected with the field
// and the reason.
//
// docs/sources.md documents every format: how to export it, what it maps to,
// and what it cannot tell us.
//
// Thread-safety: an Adapter is not thread-safe; use one per input stream.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ingest/records.h"

namespace authtrail::ingest {

struct AdapterOptions {
  // Org id (15 or 18 characters) for exports that carry none (LoginHistory,
  // LoginEvent, SetupAuditTrail, snapshots). Empty: the records must carry it
  // (EventLogFile ORGANIZATION_ID). When both are present they must agree.
  std::string org;
  // --at: when a current-state export (snapshot) was taken, RFC 3339 or a
  // Salesforce datetime. Required by `snapshot`, unused by the others.
  std::string at;
};

// Why a record was rejected: the field (source column name; "" for the
// record as a whole), the reason, and where.
struct MapError {
  std::string field;
  std::string reason;
  TextPos pos;
};

// An event an adapter derives from a whole input rather than from one record
// (the Setup Audit Trail's reconstructed prior state, ingest/prior_state.h),
// with the record it rests on, for rejects.
struct DerivedEvent {
  std::string line;  // native JSONL
  TextPos pos;       // the record it was derived from
  std::string raw;   // that record's raw text
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  // Appends the record's native JSONL lines to *out and returns true (zero
  // lines: the record says nothing the event model holds, see docs/sources.md),
  // or returns false with *error set and *out unchanged.
  virtual bool Map(const SourceRecord& record, std::vector<std::string>* out, MapError* error) = 0;
  // Called after the last record of each input: appends the events that
  // depend on the input as a whole, and resets for the next input. They are
  // a function of that input's records alone (never of the store or of other
  // inputs), so re-ingesting stays idempotent. Default: none.
  virtual void EndOfInput(std::vector<DerivedEvent>* /*out*/) {}
};

struct SourceFormat {
  std::string_view name;     // the --format value
  std::string_view summary;  // one line for --help
  bool needs_org;            // the export carries no org id: --org is required
};

// Every export format, in --help order (jsonl, the native format, is not one).
std::span<const SourceFormat> SourceFormats();

// The adapter for --format `name`. kInvalidArgument for an unknown name or a
// missing/bad --org where the format needs one.
Result<std::unique_ptr<Adapter>> MakeAdapter(std::string_view name, const AdapterOptions& options);

}  // namespace authtrail::ingest
