// Explaining one access event: find it, fold its org up to it, and decide it
// with the facts' provenance (shared by `explain` and bench/replay).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "replay/replayer.h"
#include "store/store.h"

namespace authtrail::tools {

// The stored event with this seq, or else this source id (a dedup index
// look-up, not a scan). kInvalidArgument when there is none, or when the id
// names events of several orgs (the message lists their seqs).
Result<std::pair<uint64_t, Event>> FindEvent(store::Store* st, const std::string& key);

// Folds `target.org` up to the target and decides it, collecting the stored
// events behind each fact. `target_seq` 0 = a hypothetical request at
// target.ts (decided after the state events of that instant, not recorded).
Result<replay::ReplayLine> ExplainDecide(store::Store* st, const Event& target, uint64_t target_seq,
                                         const replay::Readings& readings);

}  // namespace authtrail::tools
