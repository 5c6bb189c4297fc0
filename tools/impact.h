// Impact analysis (authtrail impact, docs/impact.md): what a change would do to
// the recorded accesses. Three questions, answered from one pass over the store:
//
//   1. rule change:  which accesses flip between two decision columns (--from,
//      --to), grouped by app and by user, with example events;
//   2. what-if:      which users, apps and integrations (a user through an app)
//      gain or lose access when hypothetical state events (--assume) are folded
//      into the recorded history, with the first event of each flip and the
//      clause responsible;
//   3. sensitivity:  how many decisions each flipped rules.md §10 reading
//      changes, and which; a decision no reading changes is robust.
//
// ImpactCollector is fed one access event at a time with the replay line of
// every lane (the recorded history under the chosen readings, each flipped
// reading, the what-if history) and builds an ImpactReport, a plain value the
// renderers (impact_text.h, impact_html.h) print. No I/O here.
//
// Thread-safety: thread-compatible.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "replay/replayer.h"
#include "tools/replay_output.h"

namespace authtrail::tools {

// One access event as a drill-down row shows it.
struct ImpactExample {
  uint64_t seq = 0;
  MicrosUtc ts = 0;
  std::string id, kind, user, app, flow;
  std::string before, after;  // ShortDecision() of the two sides compared
  std::string clause;         // the clause responsible (the deny side's), "" if none
  std::string reason;         // its reason code
};

// An app or a user whose accesses flip between --from and --to.
struct FlipGroup {
  std::string key;
  uint64_t allow_to_deny = 0, deny_to_allow = 0, other = 0;
  std::vector<ImpactExample> examples;  // the first ones in fold order
  uint64_t total() const { return allow_to_deny + deny_to_allow + other; }
};

// A principal that gains or loses access under the --assume history.
struct WhatIfChange {
  std::string principal;  // "user", "app" or "integration" (user via app)
  std::string key;        // user, app, or "user via app"
  bool loses = true;      // allow→deny (false: deny→allow)
  uint64_t events = 0;
  ImpactExample first;  // the first flipped event, with the clause responsible
  std::vector<ImpactExample> examples;
};

// What one flipped reading changes.
struct ReadingImpact {
  std::string id;      // "A3"
  std::string toggle;  // "use_any_bypasses_block=true" (the flipped value)
  uint64_t changed = 0;
  uint64_t flips_touched = 0;         // of them, events in the --from/--to flip set
  uint64_t suspects_touched = 0;      // of them, suspect grants
  std::vector<ImpactExample> events;  // every changed event, up to kMaxListed
};

// Allowed/denied counts of one time bucket, per decision column.
struct TimelineBucket {
  std::string label;                                                // "2025-09" or "2025"
  std::array<uint64_t, 1 + replay::kRuleSetCount> allow{}, deny{};  // [0] = as-of
};

struct ImpactReport {
  // --- what was analysed (filled by the runner) ---
  std::string store_id, head_hash;
  uint64_t head_seq = 0;
  std::string from, to, filters, assume_file;
  std::vector<std::string> readings;  // DescribeReadings of the base readings

  // --- results ---
  uint64_t accesses = 0;
  uint64_t from_allow = 0, from_deny = 0, to_allow = 0, to_deny = 0;
  std::map<std::string, uint64_t> transitions;  // "allow→deny" -> n
  std::vector<FlipGroup> apps, users;           // most flips first
  std::vector<ImpactExample> suspects;          // recorded allow, as-of deny
  uint64_t suspect_count = 0;
  bool has_whatif = false;
  uint64_t whatif_changed = 0;
  std::vector<WhatIfChange> whatif;  // losses first, then by first event
  std::vector<ReadingImpact> reading_impacts;
  uint64_t robust = 0;  // accesses no reading changes
  std::vector<TimelineBucket> timeline;
  std::map<std::string, std::string> usernames;  // user id -> username, when known
};

// How many example rows a group or what-if change keeps, and how many changed
// events a reading lists (counts stay exact).
inline constexpr size_t kExamplesPerGroup = 5;
inline constexpr size_t kMaxListed = 1000;

class ImpactCollector {
 public:
  // `reading_lanes`: id and flipped toggle text of each sensitivity lane, in
  // the order Add() receives their lines.
  ImpactCollector(ColumnSpec from, ColumnSpec to,
                  std::vector<std::pair<std::string, std::string>> reading_lanes, bool has_whatif);

  // One evaluated access event that matches the filters. `flipped[i]` is its
  // line under reading lane i; `whatif` its line under the --assume history.
  // REQUIRES: flipped.size() == reading lane count; whatif set iff has_whatif.
  void Add(const Event& e, const replay::ReplayLine& base,
           const std::vector<const replay::ReplayLine*>& flipped, const replay::ReplayLine* whatif);

  // The results (the header fields are left for the caller). Call once.
  ImpactReport Finish();

 private:
  void AddFlip(const Event& e, const replay::ReplayLine& base, const ImpactExample& ex);
  void AddWhatIf(const Event& e, const replay::ReplayLine& base, const replay::ReplayLine& w);
  void AddReadings(const Event& e, const replay::ReplayLine& base,
                   const std::vector<const replay::ReplayLine*>& flipped, bool flip, bool suspect);
  void AddTimeline(const Event& e, const replay::ReplayLine& base);

  ColumnSpec from_, to_;
  ImpactReport r_;
  std::map<std::string, FlipGroup> apps_, users_;
  std::map<std::pair<std::string, std::string>, WhatIfChange> whatif_;  // (principal|dir, key)
  std::map<int, TimelineBucket> buckets_;  // by month: year * 12 + month - 1
  std::unordered_set<uint64_t> sensitive_;
};

// "ops@example.com (0055g00000AbCdEAAV)" when the user's username is known.
std::string UserLabel(const ImpactReport& r, const std::string& user);

// The example row of `e` comparing decisions `a` (before) and `b` (after).
ImpactExample MakeExample(const Event& e, const replay::ReplayLine& line, const replay::Decision& a,
                          const replay::Decision& b);

}  // namespace authtrail::tools
