// Decisions: what a rule set says about one access (rules.md §4, cli.md).
//
// A Decision is a plain value: verdict, reason code (§4, spelled exactly by
// ReasonName), the §5 clause that fired, other deny codes that also matched,
// flags, the §10 readings it depended on, and for an indeterminate result the
// two branches. Thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace authtrail::replay {

// The four rule sets (R1..R4), in chronological order.
enum class RuleSet : uint8_t { kPre2014, kApi2014, kSep2025, kDec2025 };
inline constexpr int kRuleSetCount = 4;
std::string_view RuleSetName(RuleSet r);  // "pre2014", ...
std::optional<RuleSet> RuleSetFromName(std::string_view name);

enum class Verdict : uint8_t { kAllow, kDeny, kNotApplicable, kIndeterminate };
inline constexpr int kVerdictCount = 4;
std::string_view VerdictName(Verdict v);  // "allow", "deny", "not_applicable", "indeterminate"

// rules.md §4 reason codes.
enum class Reason : uint8_t {
  kNaNotApiAccess,
  kAllowPiuInternal,
  kDenyAppBlocked,
  kDenyTokenRevoked,
  kDenyOrgFlowBlocked,
  kDenyEditionApiFamilyUnsupported,
  kDenyApiDisabledForOrg,
  kDenyApiDisabledForUser,
  kDenyApiEnabledRequiredAllowlisted,
  kDenyUninstalledDeviceFlow,
  kDenyUninstalledAppNotAuthorized,
  kDenyUseAnySelfAuthRemoved,
  kDenyAacNoApprovedClient,
  kDenyAacAppNotApproved,
  kDenyAacExternalAppNotInstalled,
  kDenyNotAdminApproved,
  kDenyJwtNoPriorApproval,
  kAllowStandard,
  kAllowPreauthorized,
  kAllowPre2014AllowlistBypass,
  kAllowAllowlistedEdition,
  kAllowUseAnyBypass,
  kAllowApproveUninstalled,
  kAllowGrandfathered,
  kAllowPreDec2025Session,
  kAllowVisualforceException,
  kIndeterminateRolloutWindow,
};
inline constexpr int kReasonCount = 27;
std::string_view ReasonName(Reason r);

// §5 clause ids; kNone for indeterminate objects.
enum class Clause : uint8_t {
  kNone,
  kP1,
  kP2,
  kP3,
  kP4,
  kP5,
  k6,
  k6b,
  k7,
  k8,
  k9,
  k9a,
  k9b,
  k9bPrime,
  k10,
  k10Prime,
  k11,
  k12,
  k13,
  k14,
};
inline constexpr int kClauseCount = 20;
std::string_view ClauseName(Clause c);  // "P1", "9b′" (U+2032), ...

// Revocation causes (rules.md §2.4); `block` and `package_uninstall` come from
// app events, the others from oauth.revoke.
enum class RevokeCauseEx : uint8_t {
  kUser,
  kAdminRevoke,
  kApprovalLimit,
  kRefreshPolicyExpiry,
  kBlock,
  kPackageUninstall,
};
inline constexpr int kRevokeCauseCount = 6;
std::string_view RevokeCauseName(RevokeCauseEx c);

// Rule flags (bit positions; printed sorted by name).
enum Flag : uint32_t {
  kFlagEraAnachronism = 1u << 0,
  kFlagPolicyFieldIgnored = 1u << 1,
  kFlagChatterExternalChange = 1u << 2,
  kFlagBoundaryDay = 1u << 3,
  kFlagLiveTokenAfterPolicyLoss = 1u << 4,
  kFlagApprovalNotOnRecord = 1u << 5,
  kFlagFlowUnknown = 1u << 6,
};
// Names of the set bits of `flags`, e.g. "FLAG_BOUNDARY_DAY".
std::vector<std::string_view> FlagNames(uint32_t flags);

struct Decision {
  Verdict verdict = Verdict::kNotApplicable;
  Reason reason = Reason::kNaNotApiAccess;
  std::optional<RevokeCauseEx> cause;  // DENY_TOKEN_REVOKED's sub-cause
  Clause clause = Clause::kNone;
  std::vector<Reason> also_denied_by;  // clause order, deduplicated
  uint32_t flags = 0;                  // Flag bits
  uint32_t ambiguity = 0;              // ReadingId bits: FLAG_AMBIGUITY:<A#>
  uint32_t readings = 0;               // ReadingId bits the evaluation consulted
  const char* ux_message = nullptr;    // rules.md §7.2, when the clause has one
  // For kIndeterminate: the results if the cut-over had / had not happened.
  std::shared_ptr<const Decision> if_enforced, if_not_enforced;

  bool operator==(const Decision& o) const;
};

// True when both are the same verdict, recursively through the branches of
// indeterminate results (rules.md §13.2 and §13.5 compare decisions, not reasons).
bool SameVerdicts(const Decision& a, const Decision& b);

}  // namespace authtrail::replay
