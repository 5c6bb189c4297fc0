// Running the impact analysis over a store: one scan in fold order feeds
// several replayers ("lanes") at once, so N readings cost N folds of state but
// one read of the store:
//   - base:     the recorded history under the chosen readings;
//   - readings: the same history under each flipped rules.md §10 reading (the
//               whole history is re-folded, since approvals recorded without
//               an outcome depend on the readings too);
//   - what-if:  the recorded history with the --assume events merged in fold
//               order (events.md "Ordering"); they are never written to the store.
//
// Thread-safety: not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "store/store.h"
#include "tools/impact.h"
#include "tools/progress.h"

namespace authtrail::tools {

struct ImpactOptions {
  ColumnSpec from, to;
  replay::Readings readings;  // the base readings (--reading)
  // Hypothetical state events, in fold order (LoadAssumed); empty: no what-if.
  std::vector<Event> assumed;
  bool whatif = false;  // true when --assume was given (even if the file is empty)
};

// Reads an --assume file of native JSONL events (events.md). Every line must
// parse and be a state kind or oauth.revoke (access events are what the
// analysis decides, not what it assumes). Returns them sorted in fold order.
//   kNotFound / kIOError   the file cannot be read
//   kInvalidArgument       "FILE:LINE: field: reason" for the first bad line
Result<std::vector<Event>> LoadAssumed(const std::string& path);

// True when a comes before b in fold order (ts, kind rank, canonical bytes).
bool FoldBefore(const Event& a, const Event& b);

// Replays the store (restricted to filter.org) in every lane and feeds the
// accesses matching `filter` to an ImpactCollector. Fills the results and the
// store header (id, head seq and hash) of *report; the caller fills the rest.
// `*progress` must outlive the call. Errors: those of the store scan.
Status AnalyzeImpact(store::Store* st, const store::ScanFilter& filter,
                     const ImpactOptions& options, Progress* progress, ImpactReport* report);

}  // namespace authtrail::tools
