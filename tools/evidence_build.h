// Building an evidence bundle (evidence/bundle.h, v2) for one stored access
// event: `authtrail evidence`.
//
// The event's org is folded up to it (explain.h) with the facts and their
// provenance collected; the bundle then holds the decision of every column,
// every input of DecideEvent (replay/facts_json.h) with the stored events
// behind each, the readings, each rule set's definition hash
// (replay/definition.h), and the event and every establishing event with an
// inclusion proof against one checkpoint signed by `key`. Before it is
// returned, the bundle is checked exactly as verify-evidence would
// (evidence_check.h), so a bundle that would not verify is never written.
//
// Deterministic: the same store, event, readings and checkpoint give the
// same bytes (Ed25519 signatures are deterministic); only a checkpoint signed
// now differs by its time.
#pragma once

#include <optional>
#include <string>

#include "evidence/bundle.h"
#include "replay/readings.h"
#include "store/store.h"

namespace authtrail::tools {

struct EvidenceRequest {
  std::string event;  // seq or source id (explain --event)
  replay::Readings readings;
  // Use this checkpoint (its tree must cover every record the bundle cites,
  // and it must be signed by `key`); nullopt: sign one of the current tree now.
  std::optional<evidence::SignedCheckpoint> checkpoint;
};

// kInvalidArgument: no such event, a state event, a checkpoint of another
// store or key or too small a tree. kCorruption: the checkpoint does not
// match the store's tree, or the store is damaged. Store errors otherwise.
Result<evidence::Bundle> BuildEvidence(store::Store* st, const EvidenceRequest& request,
                                       const evidence::SigningKey& key);

}  // namespace authtrail::tools
