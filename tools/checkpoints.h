// Replay checkpoints between the store and the replayer: building them
// (`authtrail snapshot`) and starting a fold from the nearest one (`explain`,
// org-filtered `replay`). The store keeps the bytes (store.h); replay/ makes
// and restores the state (state.h Snapshot / FromSnapshot).
//
// A checkpoint is used only when its fingerprint matches the constants and
// readings of the fold at hand; otherwise the fold starts from scratch, so
// results never depend on whether checkpoints exist.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "replay/replayer.h"
#include "store/store.h"

namespace authtrail::tools {

struct CheckpointStats {
  uint64_t events = 0;       // events folded
  uint64_t checkpoints = 0;  // checkpoints written
  uint64_t bytes = 0;        // their uncompressed state bytes
};

// Replaces every checkpoint: folds the whole store with the default readings
// and, for each org, stores its state every `every` of its events (at the
// first new timestamp after that, so a checkpoint never splits an instant).
// REQUIRES: `st` opened writable.
Status BuildCheckpoints(store::Store* st, uint64_t every,
                        const std::function<void(uint64_t events)>& progress,
                        CheckpointStats* stats);

// A fold of one org restored from a checkpoint: the constants it was folded
// with, and its state covering the org's events with ts < before.
struct RestoredFold {
  std::unordered_map<std::string, replay::OrgConstants> constants;
  replay::OrgState state;
  MicrosUtc before = 0;
};

// The org's latest usable checkpoint with before <= at, or nullopt when there
// is none or its fingerprint differs (other readings, changed constants).
// kCorruption when one is stored but unreadable.
Result<std::optional<RestoredFold>> RestoreCheckpoint(store::Store* st, const std::string& org,
                                                      MicrosUtc at,
                                                      const replay::Readings& readings);

// A replayer for `org` and where its fold starts: seeded from the org's
// nearest usable checkpoint at or before `at` (since = its before), else
// empty with the org's constants (since = nullopt: the first event). A
// damaged checkpoint is reported on standard error and not used.
struct FoldStart {
  replay::Replayer replayer;
  std::optional<MicrosUtc> since;
};
Result<FoldStart> StartOrgFold(store::Store* st, const std::string& org, MicrosUtc at,
                               const replay::ReplayOptions& options);

}  // namespace authtrail::tools
