// Replayer: folds events in fold order into per-org state and decides every
// access event under the as-of rule set and each of the four rule sets.
//
// Feed it every event of the orgs being replayed, in fold order (the store's
// ScanEvents order); it returns a ReplayLine for each evaluated access event
// (login.ui, oauth.authorize, oauth.token, api.call, soap.login). State kinds
// and oauth.revoke only change state (rules.md §13.18).
//
// No I/O: the caller owns the store and the output. Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "replay/column.h"
#include "replay/readings.h"
#include "replay/state.h"

namespace authtrail::replay {

// Top-level flags of a replay line (cli.md).
enum LineFlag : uint32_t {
  kRecordedAllowPredictedDeny = 1u << 0,
  kRecordedDenyPredictedAllow = 1u << 1,
};

struct ReplayLine {
  uint64_t seq = 0;
  // The flow, grant or origin the rules used: a name in static storage (no
  // string built per line).
  std::optional<std::string_view> flow;
  EventDecisions decisions;
  uint32_t line_flags = 0;          // LineFlag bits
  std::vector<FactSource> sources;  // filled when ReplayOptions::collect_sources
  // The inputs DecideEvent was given (filled when collect_sources), so the
  // decision can be re-evaluated without the state (evidence bundles).
  std::optional<Facts> facts;
  bool cli_default_device = false;
};

struct ReplayOptions {
  Readings readings;
  // Also list, for each decision, the stored events that established the
  // facts it read, and keep the facts themselves (explain, evidence). Costs
  // time; off for plain replays.
  bool collect_sources = false;
};

// std::hash of the org id, as a type of our own (see Replayer::orgs_).
struct OrgIdHash {
  size_t operator()(const std::string& org) const { return std::hash<std::string>()(org); }
};

class Replayer {
 public:
  // `constants`: per org (18-char id) facts that apply wherever their record
  // sits in time (OrgConstants). Orgs missing from it have none.
  Replayer(ReplayOptions options, std::unordered_map<std::string, OrgConstants> constants);

  // Folds one event; returns its line when it is an evaluated access event.
  std::optional<ReplayLine> Process(uint64_t seq, const Event& e);

  // ---- snapshots ----
  // What a snapshot of `org` must have been folded with (SnapshotFingerprint).
  uint64_t Fingerprint(const std::string& org) const;
  // Starts `org` from a restored snapshot state instead of an empty one.
  // REQUIRES: no event of `org` was processed yet.
  void Seed(const std::string& org, OrgState state);
  // The state of `org` folded so far; nullptr when none of its events was seen.
  const OrgState* StateIfAny(const std::string& org) const;
  // The constants of `org` (empty when it has none).
  OrgConstants ConstantsOf(const std::string& org) const;

  // Turns ReplayOptions::collect_sources on or off from the next event on:
  // explain folds thousands of events to decide one, and needs the sources
  // of that one only.
  void set_collect_sources(bool on) { options_.collect_sources = on; }

  // Decides a hypothetical access event against the state folded so far,
  // without changing it ("could this user have done this then?").
  // REQUIRES: IsAccessKind(e.kind) && e.kind != Kind::kOauthRevoke.
  ReplayLine Hypothetical(const Event& e);

 private:
  OrgState& StateOf(const std::string& org);
  ReplayLine Decide(OrgState& state, uint64_t seq, const Event& e);

  ReplayOptions options_;
  std::unordered_map<std::string, OrgConstants> constants_;
  // A hasher of our own on purpose: libstdc++ takes std::hash<std::string>
  // for slow and finds a key in a table of up to 20 elements by comparing it
  // with every key; org ids are all 18 bytes, so each comparison is a full
  // memcmp (callgrind: ~7 per event on a 20-org store).
  std::unordered_map<std::string, OrgState, OrgIdHash, std::equal_to<>> orgs_;
};

// The cli.md `flow` of an access event: the authorize flow or token grant as
// given; for api.call the lineage's flow when an approval is on record, else
// the origin; "soap_login" for SOAP; nothing for login.ui.
std::optional<std::string_view> FlowLabel(const Event& e, std::optional<Flow> lineage_flow);

}  // namespace authtrail::replay
