// Checking an evidence bundle offline, with the bundle and a public key only
// (`authtrail verify-evidence`; docs/evidence.md "What verify-evidence proves").
//
// In order, each failure kCorruption naming what does not hold:
//   1. the format is v2 (a v1 bundle has nothing to re-evaluate);
//   2. VerifyBundle: the checkpoint and bundle signatures under `key`, every
//      record's inclusion proof, a record for the event and every cited seq;
//   3. every record is an event (its leaf parses as events.md canonical JSON)
//      of the event's org, each seq once; the event is an access event;
//   4. the rule sets are the five columns, each with this binary's
//      definition hash (replay/definition.h);
//   5. the facts and readings read back (replay/facts_json.h), and the facts
//      the event alone determines (replay::RequestFacts) equal the event's;
//   6. DecideEvent on those facts gives, for every column, exactly the
//      recorded decision object, and the recorded as_of rule set.
#pragma once

#include <string>

#include "evidence/bundle.h"

namespace authtrail::tools {

struct EvidenceSummary {
  evidence::Checkpoint checkpoint;
  std::string event_line;      // "seq 12 (id X): <ts> api.call org O user U app A"
  std::string as_of;           // rule set in force, or "indeterminate"
  std::string as_of_decision;  // ShortDecision of the as-of column
  size_t records = 0, facts = 0;
};

Result<EvidenceSummary> CheckEvidence(const evidence::Bundle& b, const evidence::PublicKey& key);

}  // namespace authtrail::tools
