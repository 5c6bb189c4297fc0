#include "tools/checkpoints.h"

#include <iostream>
#include <limits>

#include "tools/replay_source.h"

namespace authtrail::tools {
namespace {

std::vector<uint64_t> ConstantSeqs(const replay::OrgConstants& k) {
  std::vector<uint64_t> seqs;
  for (uint64_t seq : {k.created_seq, k.t3_seq, k.t4_seq}) {
    if (seq != 0) seqs.push_back(seq);
  }
  return seqs;
}

// Per org: events since its last checkpoint and the ts of its last event.
struct OrgProgress {
  uint64_t since_checkpoint = 0;
  std::optional<MicrosUtc> last_ts;
};

}  // namespace

Status BuildCheckpoints(store::Store* st, uint64_t every,
                        const std::function<void(uint64_t events)>& progress,
                        CheckpointStats* stats) {
  AT_RETURN_IF_ERROR(st->ClearCheckpoints());
  AT_ASSIGN_OR_RETURN(auto constants, LoadOrgConstants(st, std::nullopt));
  replay::Replayer replayer({}, constants);
  std::unordered_map<std::string, OrgProgress> orgs;
  *stats = {};
  store::ScanFilter all;
  all.read_ahead = true;
  return st->ScanEvents(all, [&](uint64_t seq, const Event& e) -> Status {
    OrgProgress& p = orgs[e.org];
    // Everything of the org before e.ts is folded, nothing at e.ts yet.
    if (p.since_checkpoint >= every && p.last_ts && *p.last_ts < e.ts) {
      const replay::OrgState* state = replayer.StateIfAny(e.org);
      store::StateCheckpoint cp;
      cp.before = e.ts;
      cp.constant_seqs = ConstantSeqs(replayer.ConstantsOf(e.org));
      cp.state = state->Snapshot(replayer.Fingerprint(e.org), e.ts);
      AT_RETURN_IF_ERROR(st->PutCheckpoint(e.org, cp));
      ++stats->checkpoints;
      stats->bytes += cp.state.size();
      p.since_checkpoint = 0;
    }
    replayer.Process(seq, e);
    ++p.since_checkpoint;
    p.last_ts = e.ts;
    if (++stats->events % 65536 == 0 && progress) progress(stats->events);
    return Status::Ok();
  });
}

namespace {

// The org's constants from the events a checkpoint names.
Result<replay::OrgConstants> ConstantsOf(store::Store* st, const std::string& org,
                                         const store::StateCheckpoint& cp) {
  replay::OrgConstants constants;
  for (uint64_t seq : cp.constant_seqs) {
    AT_ASSIGN_OR_RETURN(StoredRecord r, st->Get(seq));
    const Event* e = std::get_if<Event>(&r.body);
    if (e == nullptr || e->org != org) {
      return Status::Corruption("checkpoint of org " + org + " names seq " + std::to_string(seq) +
                                ", which is not one of its events");
    }
    constants.Observe(*e, seq);
  }
  return constants;
}

// The org's constants for a fold from its first event. Any checkpoint of the
// org names them all: appending an org.created / org.enforcement event deletes
// every checkpoint of its org (store.h). So a fold that starts before the
// first checkpoint reads a few seqs instead of scanning the whole org's index
// (the cost that dominated explain of a large org's early events).
Result<std::unordered_map<std::string, replay::OrgConstants>> FoldConstants(
    store::Store* st, const std::string& org) {
  Result<std::optional<store::StateCheckpoint>> any =
      st->FindCheckpoint(org, std::numeric_limits<MicrosUtc>::max());
  if (any.ok() && *any) {
    Result<replay::OrgConstants> constants = ConstantsOf(st, org, **any);
    if (constants.ok())
      return std::unordered_map<std::string, replay::OrgConstants>{{org, *constants}};
  }
  return LoadOrgConstants(st, org);  // no checkpoint, or a damaged one: scan
}

}  // namespace

Result<std::optional<RestoredFold>> RestoreCheckpoint(store::Store* st, const std::string& org,
                                                      MicrosUtc at,
                                                      const replay::Readings& readings) {
  AT_ASSIGN_OR_RETURN(std::optional<store::StateCheckpoint> cp, st->FindCheckpoint(org, at));
  if (!cp) return std::optional<RestoredFold>();
  AT_ASSIGN_OR_RETURN(replay::OrgConstants constants, ConstantsOf(st, org, *cp));
  const uint64_t fingerprint = replay::SnapshotFingerprint(constants, readings);
  MicrosUtc before = 0;
  Result<replay::OrgState> state =
      replay::OrgState::FromSnapshot(cp->state, constants, fingerprint, &before);
  if (state.status().code() == StatusCode::kFailedPrecondition) {
    return std::optional<RestoredFold>();  // folded under other readings
  }
  AT_RETURN_IF_ERROR(state.status());
  if (before != cp->before) {
    return Status::Corruption("checkpoint of org " + org + " at " + std::to_string(cp->before) +
                              " holds a state for " + std::to_string(before));
  }
  RestoredFold fold{{}, std::move(*state), before};
  fold.constants.emplace(org, constants);
  return std::optional(std::move(fold));
}

Result<FoldStart> StartOrgFold(store::Store* st, const std::string& org, MicrosUtc at,
                               const replay::ReplayOptions& options) {
  Result<std::optional<RestoredFold>> restored = RestoreCheckpoint(st, org, at, options.readings);
  if (!restored.ok()) {
    if (restored.status().code() != StatusCode::kCorruption) return restored.status();
    std::cerr << "authtrail: not using a damaged checkpoint (" << restored.status().message()
              << "); folding from the org's first event; run `authtrail snapshot` to rebuild\n";
  } else if (*restored) {
    FoldStart start{replay::Replayer(options, std::move((*restored)->constants)),
                    (*restored)->before};
    start.replayer.Seed(org, std::move((*restored)->state));
    return start;
  }
  AT_ASSIGN_OR_RETURN(auto constants, FoldConstants(st, org));
  return FoldStart{replay::Replayer(options, std::move(constants)), std::nullopt};
}

}  // namespace authtrail::tools
