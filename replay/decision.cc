#include "replay/decision.h"

#include <algorithm>
#include <array>

namespace authtrail::replay {
namespace {

constexpr std::array<std::string_view, kRuleSetCount> kRuleSetNames = {"pre2014", "api2014",
                                                                       "sep2025", "dec2025"};

constexpr std::string_view kReasonNames[] = {
    "NA_NOT_API_ACCESS",
    "ALLOW_PIU_INTERNAL",
    "DENY_APP_BLOCKED",
    "DENY_TOKEN_REVOKED",
    "DENY_ORG_FLOW_BLOCKED",
    "DENY_EDITION_API_FAMILY_UNSUPPORTED",
    "DENY_API_DISABLED_FOR_ORG",
    "DENY_API_DISABLED_FOR_USER",
    "DENY_API_ENABLED_REQUIRED_ALLOWLISTED",
    "DENY_UNINSTALLED_DEVICE_FLOW",
    "DENY_UNINSTALLED_APP_NOT_AUTHORIZED",
    "DENY_USE_ANY_SELF_AUTH_REMOVED",
    "DENY_AAC_NO_APPROVED_CLIENT",
    "DENY_AAC_APP_NOT_APPROVED",
    "DENY_AAC_EXTERNAL_APP_NOT_INSTALLED",
    "DENY_NOT_ADMIN_APPROVED",
    "DENY_JWT_NO_PRIOR_APPROVAL",
    "ALLOW_STANDARD",
    "ALLOW_PREAUTHORIZED",
    "ALLOW_PRE2014_ALLOWLIST_BYPASS",
    "ALLOW_ALLOWLISTED_EDITION",
    "ALLOW_USE_ANY_BYPASS",
    "ALLOW_APPROVE_UNINSTALLED",
    "ALLOW_GRANDFATHERED",
    "ALLOW_PRE_DEC2025_SESSION",
    "ALLOW_VISUALFORCE_EXCEPTION",
    "INDETERMINATE_ROLLOUT_WINDOW",
};

constexpr std::string_view kClauseNames[] = {
    "",  "P1", "P2", "P3",       "P4", "P5",       "6",  "6b", "7",  "8",
    "9", "9a", "9b", "9b\u2032", "10", "10\u2032", "11", "12", "13", "14",
};

constexpr std::string_view kCauseNames[] = {"user",           "admin_revoke",
                                            "approval_limit", "refresh_policy_expiry",
                                            "block",          "package_uninstall"};

// The counts in decision.h size the tables that are indexed by these enums
// (tools/replay_json.cc); keep them in step with the name tables.
static_assert(std::size(kReasonNames) == kReasonCount);
static_assert(std::size(kClauseNames) == kClauseCount);
static_assert(std::size(kCauseNames) == kRevokeCauseCount);

struct FlagName {
  Flag flag;
  std::string_view name;
};
// Sorted by name so FlagNames() is sorted.
constexpr FlagName kFlagNames[] = {
    {kFlagApprovalNotOnRecord, "FLAG_APPROVAL_NOT_ON_RECORD"},
    {kFlagBoundaryDay, "FLAG_BOUNDARY_DAY"},
    {kFlagChatterExternalChange, "FLAG_CHATTER_EXTERNAL_CHANGE"},
    {kFlagEraAnachronism, "FLAG_ERA_ANACHRONISM"},
    {kFlagFlowUnknown, "FLAG_FLOW_UNKNOWN"},
    {kFlagLiveTokenAfterPolicyLoss, "FLAG_LIVE_TOKEN_AFTER_POLICY_LOSS"},
    {kFlagPolicyFieldIgnored, "FLAG_POLICY_FIELD_IGNORED"},
};

}  // namespace

std::string_view RuleSetName(RuleSet r) { return kRuleSetNames[static_cast<size_t>(r)]; }

std::optional<RuleSet> RuleSetFromName(std::string_view name) {
  for (size_t i = 0; i < kRuleSetNames.size(); ++i) {
    if (kRuleSetNames[i] == name) return static_cast<RuleSet>(i);
  }
  return std::nullopt;
}

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kAllow:
      return "allow";
    case Verdict::kDeny:
      return "deny";
    case Verdict::kNotApplicable:
      return "not_applicable";
    case Verdict::kIndeterminate:
      return "indeterminate";
  }
  return "";
}

std::string_view ReasonName(Reason r) { return kReasonNames[static_cast<size_t>(r)]; }
std::string_view ClauseName(Clause c) { return kClauseNames[static_cast<size_t>(c)]; }
std::string_view RevokeCauseName(RevokeCauseEx c) { return kCauseNames[static_cast<size_t>(c)]; }

std::vector<std::string_view> FlagNames(uint32_t flags) {
  std::vector<std::string_view> out;
  for (const FlagName& f : kFlagNames) {
    if (flags & f.flag) out.push_back(f.name);
  }
  return out;
}

bool Decision::operator==(const Decision& o) const {
  auto same_branch = [](const std::shared_ptr<const Decision>& a,
                        const std::shared_ptr<const Decision>& b) {
    return (!a && !b) || (a && b && *a == *b);
  };
  return verdict == o.verdict && reason == o.reason && cause == o.cause && clause == o.clause &&
         also_denied_by == o.also_denied_by && flags == o.flags && ambiguity == o.ambiguity &&
         readings == o.readings && ux_message == o.ux_message &&
         same_branch(if_enforced, o.if_enforced) && same_branch(if_not_enforced, o.if_not_enforced);
}

bool SameVerdicts(const Decision& a, const Decision& b) {
  if (a.verdict != b.verdict) return false;
  if (a.verdict != Verdict::kIndeterminate) return true;
  return SameVerdicts(*a.if_enforced, *b.if_enforced) &&
         SameVerdicts(*a.if_not_enforced, *b.if_not_enforced);
}

}  // namespace authtrail::replay
