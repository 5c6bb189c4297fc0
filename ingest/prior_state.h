// Backward reconstruction from Setup Audit Trail rows: the state of each fact
// before the oldest row that changes it (docs/sources.md, "Before the oldest
// row").
//
// A Setup Audit Trail row records a change, so it also says what the fact was
// just before: in so many words ("... was changed from disabled to enabled",
// "... Permitted Users setting from X to Y", "Changed profile for user N from
// P1 to P2") or by the action itself (enabling a connected app's access means
// it was disabled; assigning a permission set means the user did not hold it).
// Within one export, nothing changed a fact between the export's oldest row
// and the oldest row that changes that fact, or the export would show it. So
// the value before that row held from the start of the export's coverage.
//
// PriorStates collects, while an adapter streams one input, each fact's oldest
// change and what it says about the value before it, and at the end of the
// input (Finish) returns one baseline state event per fact:
//   - ts: one microsecond before the input's oldest row (the start of its
//     coverage), or, when an earlier row of the same family could not be read
//     (a mapped action whose Display did not parse: it may have changed this
//     very fact), the time of that unreadable row, which then bounds the claim;
//   - id: "<row id>:before:<ts>" (the row it comes from; the ts keeps the id
//     unique when another export of the same trail starts elsewhere, so that
//     re-ingesting is idempotent and overlapping exports never conflict);
//   - source: "SetupAuditTrail:reconstructed".
// No event when the oldest change gives no prior value (its "from" text does
// not read, or the prior state cannot be stored without asserting more than
// the row says), when two rows change the fact at the same instant (their
// order is unknown), or when an unreadable row of the family sits at that
// same instant. `authtrail sources --origins` lists such facts.
//
// The result depends only on the input's own rows, never on what the store
// holds or the order the inputs are ingested in: the same file always yields
// the same events (duplicates on re-ingest), and two exports each yield events
// that are true of their own coverage.
//
// Thread-safety: not thread-safe; one per adapter.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/time.h"
#include "ingest/adapter.h"

namespace authtrail::ingest {

class PriorStates {
 public:
  // What a change row says about the state before it: a state event without
  // ts, id and source. `fields` is a JSON fragment of its kind-specific fields
  // (",\"app\":\"X\",\"enabled\":false"), as adapter_internal::JsonFields builds.
  struct Prior {
    std::string kind;
    std::string fields;
  };
  // One change row.
  struct Change {
    std::string fact;    // identity of the fact it changes (kind-neutral, ids normalized)
    std::string family;  // what an unreadable row of the same action might have changed
    std::optional<Prior> prior;
  };

  explicit PriorStates(std::string org) : org_(std::move(org)) {}

  // Every row with a valid time: the input's coverage starts at the oldest.
  void SawRow(MicrosUtc ts);
  // A row of an action of `family` whose Display could not be read.
  void Unreadable(const std::string& family, MicrosUtc ts);
  // A mapped change row (`row` for its id, position and raw text).
  void Changed(Change change, MicrosUtc ts, std::string_view row_id, const SourceRecord& row);

  // The baseline events of the input seen so far, in fact order, then resets
  // for the next input.
  std::vector<DerivedEvent> Finish();

 private:
  struct Oldest {
    MicrosUtc ts = 0;
    std::string family;
    std::optional<Prior> prior;
    std::string row_id;
    TextPos pos;
    std::string raw;
    bool tied = false;  // another row changed the fact at the same instant
  };
  // The latest unreadable row of `family` strictly before `ts`, if any, and
  // whether one sits exactly at `ts`.
  std::optional<MicrosUtc> BarrierBefore(const std::string& family, MicrosUtc ts,
                                         bool* at_ts) const;

  std::string org_;
  std::optional<MicrosUtc> first_row_;
  std::map<std::string, Oldest> oldest_;              // fact -> its oldest change
  std::multimap<std::string, MicrosUtc> unreadable_;  // family -> row times
};

}  // namespace authtrail::ingest
