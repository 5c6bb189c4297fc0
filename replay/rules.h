// The four rule sets of rules.md §5 as ordered clause tables, evaluated on
// Facts alone (no state, no I/O).
//
// Evaluate() runs one rule set with the platform cut-overs T3/T4 taken as the
// given instants (the caller resolves unknown cut-overs: see column.h). The
// first matching clause decides; later deny clauses that also match are listed
// in also_denied_by; an allow at clause 14 is named by the highest-priority
// bypass a clause credited (§4 priority, §13.15).
//
// Thread-safety: thread-safe (pure functions over immutable tables).
#pragma once

#include <span>

#include "replay/decision.h"
#include "replay/facts.h"
#include "replay/readings.h"

namespace authtrail::replay {

struct CutoverInstants {
  MicrosUtc t3 = 0;
  MicrosUtc t4 = 0;
};

// The decision of `rule_set` for the request in `facts`. Decision::readings
// receives the readings the evaluation consulted; ambiguity flags are not
// computed here (column.h does, by re-evaluating with flipped readings).
Decision Evaluate(RuleSet rule_set, const Facts& facts, const Readings& readings,
                  const CutoverInstants& cutovers);

// The clause ids of a rule set, in evaluation order (for docs and explain).
std::span<const Clause> ClauseOrder(RuleSet rule_set);

// Where a clause comes from (rules.md §5 "Source" column).
std::string_view ClauseSource(Clause c);

}  // namespace authtrail::replay
