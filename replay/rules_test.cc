// Each clause of rules.md §5 on its own: a minimal set of facts where it is
// the deciding clause, checked under every rule set.
#include "replay/rules.h"

#include <gtest/gtest.h>

#include "replay/column.h"

namespace authtrail::replay {
namespace {

constexpr MicrosUtc kDay = 86'400'000'000;
constexpr MicrosUtc k2024 = 1704067200000000;  // 2024-01-01T00:00:00Z
constexpr MicrosUtc kT3 = 1757462400000000;    // 2025-09-10T00:00:00Z
constexpr MicrosUtc kT4 = 1765238400000000;    // 2025-12-09T00:00:00Z

// An Enterprise org, an internal API-enabled user, an installed self-authorize
// app, a web-server authorization on 2024-01-01: every rule set allows it.
Facts Base() {
  Facts f;
  f.kind = Kind::kOauthAuthorize;
  f.t = k2024;
  f.check_point = CheckPoint::kAuthz;
  f.has_app = true;
  f.edition = Edition::enterprise;
  f.t3 = {true, kT3, 0, 0};
  f.t4 = {true, kT4, 0, 0};
  f.user_type = UserType::internal;
  f.api_enabled = true;
  f.installed = true;
  return f;
}

Facts ApiCall(Facts f) {
  f.kind = Kind::kApiCall;
  f.check_point = CheckPoint::kCall;
  f.continued = true;
  return f;
}

struct Expect {
  Verdict verdict;
  Reason reason;
  Clause clause;
};

void ExpectAll(const Facts& f, const std::array<Expect, 4>& expected, const char* what) {
  for (int i = 0; i < kRuleSetCount; ++i) {
    auto rs = static_cast<RuleSet>(i);
    Decision d = Evaluate(rs, f, Readings{}, {kT3, kT4});
    EXPECT_EQ(d.verdict, expected[i].verdict) << what << " under " << RuleSetName(rs);
    EXPECT_EQ(ReasonName(d.reason), ReasonName(expected[i].reason))
        << what << " under " << RuleSetName(rs);
    EXPECT_EQ(ClauseName(d.clause), ClauseName(expected[i].clause))
        << what << " under " << RuleSetName(rs);
  }
}

std::array<Expect, 4> Same(Expect e) { return {e, e, e, e}; }
constexpr Expect kStandard{Verdict::kAllow, Reason::kAllowStandard, Clause::k14};

TEST(Rules, BaseIsAllowedStandard) { ExpectAll(Base(), Same(kStandard), "base"); }

TEST(Rules, P1BrowserLoginIsNotApplicable) {
  Facts f = Base();
  f.kind = Kind::kLoginUi;
  f.check_point = CheckPoint::kNone;
  f.has_app = false;
  f.api_enabled = false;
  ExpectAll(f, Same({Verdict::kNotApplicable, Reason::kNaNotApiAccess, Clause::kP1}), "P1");
}

TEST(Rules, P2PlatformIntegrationUserIsAllowedWithEraFlagBefore2025) {
  Facts f = Base();
  f.user_type = UserType::platform_integration_user;
  f.blocked = true;
  ExpectAll(f, Same({Verdict::kAllow, Reason::kAllowPiuInternal, Clause::kP2}), "P2");
  EXPECT_TRUE(Evaluate(RuleSet::kPre2014, f, {}, {kT3, kT4}).flags & kFlagEraAnachronism);
  EXPECT_FALSE(Evaluate(RuleSet::kSep2025, f, {}, {kT3, kT4}).flags & kFlagEraAnachronism);
  EXPECT_TRUE(Evaluate(RuleSet::kPre2014, f, {}, {kT3, kT4}).also_denied_by.empty());
}

TEST(Rules, P3BlockedAppWinsOverUseAny) {
  Facts f = Base();
  f.blocked = true;
  f.aac_enabled = true;
  f.use_any_api_client = true;
  ExpectAll(f, Same({Verdict::kDeny, Reason::kDenyAppBlocked, Clause::kP3}), "P3");
  Readings alt;
  alt.use_any_bypasses_block = true;
  EXPECT_EQ(Evaluate(RuleSet::kSep2025, f, alt, {kT3, kT4}).reason, Reason::kAllowUseAnyBypass);
}

TEST(Rules, P4RevokedTokenDeniesCallsWithItsCause) {
  Facts f = ApiCall(Base());
  f.lineage = ApprovalFact{k2024 - kDay, true, RevokeCauseEx::kAdminRevoke, false, false, 3};
  f.approvals = {*f.lineage};
  ExpectAll(f, Same({Verdict::kDeny, Reason::kDenyTokenRevoked, Clause::kP4}), "P4");
  EXPECT_EQ(Evaluate(RuleSet::kPre2014, f, {}, {kT3, kT4}).cause, RevokeCauseEx::kAdminRevoke);
}

TEST(Rules, P5OrgBlocksUsernamePasswordFlow) {
  Facts f = Base();
  f.kind = Kind::kOauthToken;
  f.flow_password = true;
  f.block_username_password_flow = true;
  ExpectAll(f, Same({Verdict::kDeny, Reason::kDenyOrgFlowBlocked, Clause::kP5}), "P5");
}

TEST(Rules, C6AllowlistedAppCannotUseBulkWithoutOrgApi) {
  Facts f = ApiCall(Base());
  f.edition = Edition::professional;
  f.api_feature = false;
  f.customizable_profiles = false;
  f.allowlisted = true;
  f.api_family = ApiFamily::bulk;
  ExpectAll(f, Same({Verdict::kDeny, Reason::kDenyEditionApiFamilyUnsupported, Clause::k6}), "6");
  f.api_family = ApiFamily::rest_data;
  ExpectAll(f, Same({Verdict::kAllow, Reason::kAllowAllowlistedEdition, Clause::k14}), "6 rest");
}

TEST(Rules, C6bAllowlistedAppNeedsApiEnabledFrom2014) {
  Facts f = Base();
  f.allowlisted = true;
  f.api_enabled = false;
  Expect deny{Verdict::kDeny, Reason::kDenyApiEnabledRequiredAllowlisted, Clause::k6b};
  ExpectAll(f,
            {Expect{Verdict::kAllow, Reason::kAllowPre2014AllowlistBypass, Clause::k14}, deny, deny,
             deny},
            "6b");
  EXPECT_NE(Evaluate(RuleSet::kApi2014, f, {}, {kT3, kT4}).ux_message, nullptr);
}

TEST(Rules, C7OrgWithoutApi) {
  Facts f = Base();
  f.api_feature = false;
  ExpectAll(f, Same({Verdict::kDeny, Reason::kDenyApiDisabledForOrg, Clause::k7}), "7");
}

TEST(Rules, C8UserWithoutApiEnabled) {
  Facts f = Base();
  f.api_enabled = false;
  ExpectAll(f, Same({Verdict::kDeny, Reason::kDenyApiDisabledForUser, Clause::k8}), "8");
}

TEST(Rules, C9ApiAccessControlDeniesSoapLogin) {
  Facts f = Base();
  f.kind = Kind::kSoapLogin;
  f.has_app = false;
  f.aac_enabled = true;
  f.pref_internal = true;
  ExpectAll(f, Same({Verdict::kDeny, Reason::kDenyAacNoApprovedClient, Clause::k9}), "9");
  EXPECT_TRUE(Evaluate(RuleSet::kPre2014, f, {}, {kT3, kT4}).flags & kFlagEraAnachronism);
}

TEST(Rules, C9aDeviceFlowOnUninstalledAppFrom2025) {
  Facts f = Base();
  f.installed = false;
  f.flow_device = true;
  Expect deny{Verdict::kDeny, Reason::kDenyUninstalledDeviceFlow, Clause::k9a};
  ExpectAll(f, {kStandard, kStandard, deny, deny}, "9a");
}

TEST(Rules, C9bUninstalledAppWithoutGrandfatheringOrPermission) {
  Facts f = Base();
  f.installed = false;
  Expect deny9b{Verdict::kDeny, Reason::kDenyUninstalledAppNotAuthorized, Clause::k9b};
  Expect deny9bp{Verdict::kDeny, Reason::kDenyUninstalledAppNotAuthorized, Clause::k9bPrime};
  ExpectAll(f, {kStandard, kStandard, deny9b, deny9bp}, "9b");
}

TEST(Rules, C9bPrimeUseAnyNoLongerSelfAuthorizes) {
  Facts f = Base();
  f.installed = false;
  f.aac_enabled = true;
  f.pref_internal = true;
  f.use_any_api_client = true;
  f.t = kT4 + kDay;
  Expect any{Verdict::kAllow, Reason::kAllowUseAnyBypass, Clause::k14};
  ExpectAll(f,
            {any, any, any, {Verdict::kDeny, Reason::kDenyUseAnySelfAuthRemoved, Clause::k9bPrime}},
            "9b'");
}

TEST(Rules, C10AdminApprovedPreferenceDeniesUninstalledApps) {
  Facts f = Base();
  f.installed = false;
  f.aac_enabled = true;
  f.pref_internal = true;
  // Grandfathered, so 9b passes and 10′ decides in R3/R4.
  f.approvals = {ApprovalFact{kT3 - 30 * kDay, false, std::nullopt, false, false, 2}};
  f.t = kT3 + kDay;
  Decision r1 = Evaluate(RuleSet::kPre2014, f, {}, {kT3, kT4});
  EXPECT_EQ(r1.reason, Reason::kDenyAacAppNotApproved);
  EXPECT_EQ(r1.clause, Clause::k10);
  Decision r3 = Evaluate(RuleSet::kSep2025, f, {}, {kT3, kT4});
  EXPECT_EQ(r3.reason, Reason::kDenyAacAppNotApproved);
  EXPECT_EQ(r3.clause, Clause::k10Prime);
  f.approve_uninstalled = true;
  EXPECT_EQ(Evaluate(RuleSet::kSep2025, f, {}, {kT3, kT4}).reason, Reason::kAllowGrandfathered);
  EXPECT_EQ(Evaluate(RuleSet::kApi2014, f, {}, {kT3, kT4}).reason, Reason::kDenyAacAppNotApproved);
}

TEST(Rules, C11ExternalPreferenceDeniesCustomersUninstalledApps) {
  Facts f = Base();
  f.installed = false;
  f.aac_enabled = true;
  f.pref_external = true;
  f.user_type = UserType::customer_partner;
  f.approvals = {ApprovalFact{k2024 - kDay, false, std::nullopt, false, false, 2}};
  ExpectAll(f, Same({Verdict::kDeny, Reason::kDenyAacExternalAppNotInstalled, Clause::k11}), "11");
}

TEST(Rules, C12AdminApprovedAppNeedsPreauthorization) {
  Facts f = Base();
  f.permitted_users = PermittedUsers::admin_approved;
  ExpectAll(f, Same({Verdict::kDeny, Reason::kDenyNotAdminApproved, Clause::k12}), "12");
  f.preauthorized = true;
  ExpectAll(f, Same({Verdict::kAllow, Reason::kAllowPreauthorized, Clause::k14}), "12 preauth");
}

TEST(Rules, C12OnCallsKeepsLiveTokensWithAFlag) {
  Facts f = ApiCall(Base());
  f.permitted_users = PermittedUsers::admin_approved;
  Decision d = Evaluate(RuleSet::kSep2025, f, {}, {kT3, kT4});
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_TRUE(d.flags & kFlagLiveTokenAfterPolicyLoss);
  Readings alt;
  alt.admin_approved_checked_on_calls = true;
  EXPECT_EQ(Evaluate(RuleSet::kSep2025, f, alt, {kT3, kT4}).reason, Reason::kDenyNotAdminApproved);
}

TEST(Rules, C13JwtNeedsPriorApprovalOrPreauthorization) {
  Facts f = Base();
  f.kind = Kind::kOauthToken;
  f.flow_jwt = true;
  f.continued = true;
  ExpectAll(f, Same({Verdict::kDeny, Reason::kDenyJwtNoPriorApproval, Clause::k13}), "13");
  f.approvals = {ApprovalFact{k2024 - kDay, false, std::nullopt, false, false, 2}};
  ExpectAll(f, Same(kStandard), "13 with prior approval");
}

TEST(Rules, AlsoDeniedByListsOtherMatchingDenyClausesInOrder) {
  Facts f = Base();
  f.installed = false;
  f.aac_enabled = true;
  f.pref_internal = true;
  f.api_enabled = false;
  Decision d = Evaluate(RuleSet::kSep2025, f, {}, {kT3, kT4});
  EXPECT_EQ(d.reason, Reason::kDenyApiDisabledForUser);
  ASSERT_EQ(d.also_denied_by.size(), 2u);
  EXPECT_EQ(d.also_denied_by[0], Reason::kDenyUninstalledAppNotAuthorized);
  EXPECT_EQ(d.also_denied_by[1], Reason::kDenyAacAppNotApproved);
}

TEST(Columns, UnknownT3InsideWindowMakesAsOfIndeterminateWhenVerdictsDiffer) {
  Facts f = Base();
  f.installed = false;
  f.t3 = {false, 0, kT3WindowStart, kT3WindowEnd};
  f.t = kT3WindowStart + kDay;
  EventDecisions d = DecideEvent(f, Readings{}, false);
  EXPECT_FALSE(d.as_of_rule_set.has_value());
  EXPECT_EQ(d.as_of.verdict, Verdict::kIndeterminate);
  EXPECT_EQ(d.as_of.if_enforced->reason, Reason::kDenyUninstalledAppNotAuthorized);
  EXPECT_EQ(d.as_of.if_not_enforced->reason, Reason::kAllowStandard);
  EXPECT_TRUE(d.as_of.ambiguity & Bit(ReadingId::kA7));
}

TEST(Columns, ReadingFlipThatChangesTheVerdictRaisesAmbiguity) {
  Facts f = Base();
  f.blocked = true;
  f.aac_enabled = true;
  f.use_any_api_client = true;
  EventDecisions d = DecideEvent(f, Readings{}, false);
  EXPECT_TRUE(d.columns[2].ambiguity & Bit(ReadingId::kA3));
  EXPECT_FALSE(d.columns[2].ambiguity & Bit(ReadingId::kA1));
}

}  // namespace
}  // namespace authtrail::replay
