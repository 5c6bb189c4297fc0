// Facts and Readings as JSON: the inputs of DecideEvent (column.h) written
// out in full, so that a third party re-evaluates a decision from them alone
// (evidence bundles, docs/evidence.md). Pure functions, no I/O.
//
// A Facts value is written as named facts: one per member of Facts, in the
// order facts.h declares them, then "cli_default_device" (DecideEvent's third
// input: a device request on the default Salesforce CLI app). Each value is
// canonical JSON (no whitespace, keys in the order shown):
//
//   every bool member     true | false
//   kind                  "api.call"                     events.md kind name
//   t                     "2025-10-01T09:00:00.000000Z"  FormatCanonical (UTC, 6 digits)
//   check_point           "none" | "authz" | "call"
//   api_family, edition, user_type    the events.md enum name, or null
//   permitted_users       the events.md enum name
//   event_flags           ["FLAG_BOUNDARY_DAY", ...]      FlagNames order
//   t3, t4                {"known":true,"at":T}
//                         | {"known":false,"window_start":T,"window_end":T}
//   lineage               an approval, or null
//   approvals             [approval, ...]
//   approval              {"granted_at":T,"revoked":b,"cause":"admin_revoke"|null,
//                          "password":b,"assumed":b,"seq":N,"revoked_seq":N}
//
// Readings are one object, every toggle by its --reading name, in
// DescribeReadings order: {"use_any_bypasses_uninstalled_when_pref_off":false,
// ..., "t3_unknown":"indeterminate"}.
//
// Reading is strict (the text comes from whoever hands over a bundle): every
// fact exactly once, no other names, exact types and enum names, canonical
// times; anything else is kCorruption naming the fact. Write -> read is the
// identity (facts_json_test.cc).
//
// Thread-safety: thread-safe (pure functions).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "replay/facts.h"
#include "replay/readings.h"

namespace authtrail::replay {

struct NamedFact {
  std::string name;        // a Facts member, or "cli_default_device"
  std::string value_json;  // canonical JSON text
  friend bool operator==(const NamedFact&, const NamedFact&) = default;
};

// The named facts of `facts`, in the order above.
std::vector<NamedFact> FactsToJson(const Facts& facts, bool cli_default_device);

// Rebuilds Facts (and cli_default_device) from named facts in any order.
// kCorruption naming the first missing, repeated, unknown or malformed fact.
Status FactsFromJson(std::span<const NamedFact> named, Facts* facts, bool* cli_default_device);

// The names FactsToJson writes, in order.
std::span<const std::string_view> FactNames();

// The members RequestFacts (facts.h) takes from the event alone. Of these,
// the fold may still change `continued` (grant unknown) and add
// FLAG_APPROVAL_NOT_ON_RECORD to `event_flags`.
std::span<const std::string_view> RequestFactNames();

std::string ReadingsToJson(const Readings& r);
// kCorruption unless `json` is an object naming every reading exactly once.
Result<Readings> ReadingsFromJson(std::string_view json);

}  // namespace authtrail::replay
