// The five decision objects of a replay line (cli.md): the as-of decision and
// one counterfactual column per rule set, with rollout windows (rules.md §3,
// §5.3, §13.2) and the FLAG_AMBIGUITY sensitivity of §13.5.
//
//   - A column evaluates the event as if that rule set were in force. It is
//     itself indeterminate only when GF3/PRE4 depend on an unknown cut-over:
//     it is evaluated with the cut-over at the window's start (if_enforced)
//     and end (if_not_enforced) and is indeterminate when the verdicts differ.
//   - The as-of object is the column of the rule set in force at the event's
//     time; inside an unresolved window it compares the earlier and later
//     rule sets' verdicts (equal: the earlier one's object; different: an
//     INDETERMINATE_ROLLOUT_WINDOW object with both branches).
//   - FLAG_AMBIGUITY:<A#> is set when flipping that reading changes the
//     object's verdicts; A7 marks every indeterminate object and A16 an R4
//     DENY_USE_ANY_SELF_AUTH_REMOVED of an integration_api_only user.
//
// Thread-safety: thread-safe (pure functions).
#pragma once

#include <array>
#include <optional>

#include "replay/decision.h"
#include "replay/facts.h"
#include "replay/readings.h"

namespace authtrail::replay {

// rules.md §3 fixed instants.
inline constexpr MicrosUtc kT2 = 1410332400000000;                // 2014-09-10T07:00:00Z
inline constexpr MicrosUtc kBoundaryDayStart = 1410307200000000;  // 2014-09-10T00:00:00Z
inline constexpr MicrosUtc kBoundaryDayEnd = 1410480000000000;    // 2014-09-12T00:00:00Z
inline constexpr MicrosUtc kT3WindowStart = 1756771200000000;     // 2025-09-02T00:00:00Z
inline constexpr MicrosUtc kT3WindowEnd = 1758153540000000;       // 2025-09-17T23:59:00Z
inline constexpr MicrosUtc kNewOrgCutover = 1756339200000000;     // 2025-08-28T00:00:00Z
inline constexpr MicrosUtc kCliDeviceT3 = 1756339200000000;       // 2025-08-28T00:00:00Z
inline constexpr MicrosUtc kT4WindowStart = 1765152000000000;     // 2025-12-08T00:00:00Z
inline constexpr MicrosUtc kT4WindowEnd = 1765756740000000;       // 2025-12-14T23:59:00Z

struct EventDecisions {
  // The rule set in force, or nullopt inside an unresolved window ("indeterminate").
  std::optional<RuleSet> as_of_rule_set;
  Decision as_of;
  std::array<Decision, kRuleSetCount> columns;
};

// Evaluates all five objects for one access event. `cli_default_device` is
// true when the request is a device flow (or device-flow lineage) on the
// default Salesforce CLI app, whose T3 is 2025-08-28 for the as-of choice.
EventDecisions DecideEvent(const Facts& facts, const Readings& readings, bool cli_default_device);

}  // namespace authtrail::replay
