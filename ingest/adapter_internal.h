// Helpers shared by the adapters (not part of ingest's public surface).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ingest/adapter.h"

namespace authtrail::ingest::adapter_internal {

// Builds one native JSONL line; values are JSON-escaped. Keys are written in
// call order (the parser does not care; the canonical form sorts them).
class EventJson {
 public:
  EventJson(std::string_view kind, std::string_view ts, std::string_view org);
  EventJson& Str(std::string_view key, std::string_view value);
  // Str only when value is non-empty.
  EventJson& Opt(std::string_view key, std::string_view value);
  EventJson& Bool(std::string_view key, bool value);
  // Appends a fragment JsonFields built.
  EventJson& Fields(std::string_view fragment);
  std::string Done() &&;

 private:
  std::string out_;
};

// Kind-specific fields without kind, ts and org, for an event whose time is
// decided later (PriorStates): ",\"app\":\"X\",\"enabled\":false".
class JsonFields {
 public:
  JsonFields& Str(std::string_view key, std::string_view value);
  JsonFields& Bool(std::string_view key, bool value);
  std::string Done() { return std::move(out_); }

 private:
  std::string out_;
};

// A record's fields, with rejection helpers that fill a MapError.
class Row {
 public:
  Row(const SourceRecord& record, MapError* error) : record_(record), error_(error) {}

  // The field's value; empty when absent (JSON null included) or empty.
  std::string_view Get(std::string_view name) const;
  // The first of the names that is present and non-empty, else empty.
  std::string_view GetAny(std::initializer_list<std::string_view> names) const;
  bool Has(std::string_view name) const { return record_.Find(name) != nullptr; }
  // Sets *out to the non-empty value; else fails naming the field.
  bool Require(std::string_view name, std::string_view* out);
  // Fails (returns false) with the field's position, or the record's.
  bool Fail(std::string_view field, std::string reason);
  const SourceRecord& record() const { return record_; }

 private:
  const SourceRecord& record_;
  MapError* error_;
};

// Converts a Salesforce datetime to RFC 3339, or nullopt:
//   2023-07-23T16:18:23.000+0000 (REST/SOQL: offset without a colon),
//   2021-10-19T11:47:22Z (already RFC 3339),
//   20231218054831.655 / 20220803011210 (EventLogFile TIMESTAMP, GMT).
std::optional<std::string> SalesforceTime(std::string_view text);
// Requires field `name`, converts it with SalesforceTime and checks it is a
// valid instant, so that a bad time is reported at its source column.
bool RequireTime(Row* row, std::string_view name, std::string* out);
// Fails at field `name` when `value` looks like a Salesforce id (15/18
// alphanumerics) whose 18-character suffix is wrong; names are fine.
bool CheckIdOrName(Row* row, std::string_view name, std::string_view value);

// The org of a record: its own org column (ELF ORGANIZATION_ID), else
// `fallback` (--org); when both exist their first 15 characters must match.
bool OrgOf(Row* row, std::string_view column, std::string_view fallback, std::string* out);

// Case-insensitive ASCII equality.
bool SameText(std::string_view a, std::string_view b);

// ---- Logins (LoginHistory, LoginEvent, EventLogFile Login) ----

// What a login record is, from its LoginType / LoginSubType labels.
struct LoginClass {
  enum class Kind { kUi, kAuthorize, kToken, kSoap, kUnknown } kind = Kind::kUnknown;
  std::string_view flow;   // oauth.authorize
  std::string_view grant;  // oauth.token
};
// Labels as exported (sources.md §1.2, §1.3, §6); API names are accepted too.
// An unknown type or an OAuth record with an unknown subtype is kUnknown.
LoginClass ClassifyLogin(std::string_view type_label, std::string_view subtype_label);
// EventLogFile LOGIN_TYPE one-letter code -> LoginHistory label ("" unknown).
std::string_view LoginTypeLabelOfCode(std::string_view code);
// EventLogFile LOGIN_SUB_TYPE lowercase code -> LoginHistory label ("" unknown).
std::string_view LoginSubTypeLabelOfCode(std::string_view code);

// ---- Factories (one per source family) ----

// LoginHistory (`login_event` false) or LoginEvent (true).
std::unique_ptr<Adapter> MakeLoginAdapter(const AdapterOptions& options, bool login_event);
// EventLogFile: event_type is "Login", "LoginAs", "Logout", "API" or "RestApi".
std::unique_ptr<Adapter> MakeElfAdapter(const AdapterOptions& options, std::string_view event_type);
std::unique_ptr<Adapter> MakeSetupAuditTrailAdapter(const AdapterOptions& options);
// REQUIRES: options.at is an RFC 3339 time (MakeAdapter converts and checks it).
std::unique_ptr<Adapter> MakeSnapshotAdapter(const AdapterOptions& options);

}  // namespace authtrail::ingest::adapter_internal
