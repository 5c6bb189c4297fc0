// Rule set definitions named by hash: which rules produced a decision
// (evidence bundles carry the hash of each rule set they were decided under;
// verify-evidence requires this binary's hashes to equal them).
//
// A definition is this ASCII text (every line ends in one "\n"):
//
//   authtrail.ruleset.v1
//   rules_version <kRulesVersion>
//   rule_set <pre2014|api2014|sep2025|dec2025>
//   clause <id> <sources>          one line per clause, in evaluation order
//
// and for the as-of column (which rule set was in force, column.h):
//
//   authtrail.ruleset.v1
//   rules_version <kRulesVersion>
//   rule_set as-of
//   order pre2014 api2014 sep2025 dec2025
//   <constant name> <FormatCanonical instant>   each fixed instant of column.h
//
// Its hash is SHA-256 of that text. The clause list catches a clause added,
// removed, reordered or re-sourced; what a clause tests is code, so any change
// to a clause's condition, to the column logic or to the as-of choice must
// bump kRulesVersion (the hash then changes for every rule set). Rejected
// alternative: hashing rules.cc at build time, which changes on any
// reformatting and cannot be recomputed by an auditor from the docs.
//
// Thread-safety: thread-safe (pure functions).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/sha256.h"
#include "replay/decision.h"

namespace authtrail::replay {

// Bump on any change to what a clause, a column or the as-of choice decides.
inline constexpr std::string_view kRulesVersion = "1";

std::string RuleSetDefinitionText(RuleSet r);
std::string AsOfDefinitionText();

// SHA-256 of the definition text of "as-of" or a rule set id; nullopt for
// any other name.
std::optional<Digest> DefinitionSha256(std::string_view column);

}  // namespace authtrail::replay
