// The clause tables of rules.md §5. Each clause is a small named predicate
// over a Ctx (Facts + readings + assumed cut-overs); each rule set is the
// previous one plus its change (see kR1..kR4 at the bottom).
#include "replay/rules.h"

#include <algorithm>
#include <array>

namespace authtrail::replay {
namespace {

// ---- derived predicates of rules.md §2, recording the readings they consult ----

struct Ctx {
  const Facts& f;
  const Readings& r;
  RuleSet rs;
  CutoverInstants cut;
  uint32_t consulted = 0;

  bool Read(ReadingId id, bool value) {
    consulted |= Bit(id);
    return value;
  }
  bool InR1() const { return rs == RuleSet::kPre2014; }
  bool Call() const { return f.check_point == CheckPoint::kCall; }
  bool Authz() const { return f.check_point == CheckPoint::kAuthz; }
  // A14: API Access Control inputs may be ignored in R1.
  bool Aac() { return f.aac_enabled && (!InR1() || Read(ReadingId::kA14, r.aac_in_r1)); }
  bool PrefInternal() { return f.pref_internal && Aac(); }  // §13.8
  bool PrefExternal() { return f.pref_external && Aac(); }
  bool UseAny() { return f.use_any_api_client && Aac(); }
  bool Ext() {
    if (f.user_type == UserType::customer_partner) return true;
    return f.user_type == UserType::chatter_external &&
           Read(ReadingId::kA11, r.chatter_external_is_external);
  }
  bool AacScope() { return PrefInternal() || (PrefExternal() && Ext()); }
  bool Enforce14() {
    Edition e = f.edition.value_or(Edition::enterprise);
    switch (e) {
      case Edition::enterprise:
      case Edition::unlimited:
      case Edition::performance:
        return true;
      case Edition::developer:
        return Read(ReadingId::kA8, r.developer_edition_enforces_2014);
      case Edition::professional:
      case Edition::group:
        return f.api_feature && f.customizable_profiles;
      default:
        return false;
    }
  }
  bool Uninstalled() const { return f.has_app && !f.installed; }
  bool Device() const { return f.flow_device || (f.continued && f.lineage_device); }
  // PRIOR(u, a, τ): an unrevoked approval granted before τ.
  bool Prior(MicrosUtc tau) {
    for (const ApprovalFact& a : f.approvals) {
      if (a.revoked || a.granted_at >= tau) continue;
      if (a.password && !Read(ReadingId::kA5, r.username_password_creates_prior)) continue;
      return true;
    }
    return false;
  }
  bool Gf3() {
    bool at_event = Read(ReadingId::kA5, r.grandfather_cutoff_is_event_time);
    return Prior(at_event ? f.t : std::min(cut.t3, f.t));
  }
  bool Pre4() {
    if (!f.continued || !f.lineage) return false;
    if (f.kind == Kind::kOauthToken && Read(ReadingId::kA6, r.dec2025_refresh_is_new)) return false;
    return f.lineage->granted_at < std::min(cut.t4, f.t);
  }
  PermittedUsers Policy() {
    if (PrefInternal()) return PermittedUsers::admin_approved;
    return f.installed ? f.permitted_users : PermittedUsers::self_authorize;
  }
  bool PolicyFieldIgnored() {
    return f.installed && f.policy_from_api_field &&
           f.permitted_users == PermittedUsers::self_authorize && PrefInternal();
  }
};

// ---- what one clause says ----

struct Outcome {
  bool fires = false;
  Reason reason = Reason::kAllowStandard;
  std::optional<Reason> bypass;  // the clause would have denied; this saved it (§4 priority)
  std::optional<RevokeCauseEx> cause;
  uint32_t flags = 0;
  const char* ux = nullptr;
  bool era = false;  // depended on API Access Control / expiry inputs (§13.7)
};

Outcome Pass() { return {}; }
Outcome Fire(Reason r) {
  Outcome o;
  o.fires = true;
  o.reason = r;
  return o;
}
Outcome Saved(Reason by) {
  Outcome o;
  o.bypass = by;
  return o;
}
Outcome WithEra(Outcome o) {
  o.era = true;
  return o;
}

constexpr const char* kUxNoMobileAccess =
    "You don't have access to the Salesforce mobile app. Ask your administrator to enable API "
    "access for you.";

// P1..P5: the shared preamble (§5.0).
Outcome P1NotApi(Ctx& c) {
  return c.f.kind == Kind::kLoginUi ? Fire(Reason::kNaNotApiAccess) : Pass();
}

Outcome P2PlatformIntegrationUser(Ctx& c) {
  if (c.f.user_type != UserType::platform_integration_user) return Pass();
  Outcome o = Fire(Reason::kAllowPiuInternal);
  if (c.rs <= RuleSet::kApi2014) o.flags |= kFlagEraAnachronism;
  return o;
}

Outcome P3Blocked(Ctx& c) {
  if (!c.f.has_app || !c.f.blocked) return Pass();
  if (c.UseAny() && c.Read(ReadingId::kA3, c.r.use_any_bypasses_block)) {
    return Saved(Reason::kAllowUseAnyBypass);
  }
  return Fire(Reason::kDenyAppBlocked);
}

Outcome P4Revoked(Ctx& c) {
  const auto& l = c.f.lineage;
  bool checked = c.f.continued && (c.Call() || c.f.flow_refresh || c.f.flow_jwt);
  if (!checked || !l || !l->revoked) return Pass();
  Outcome o = Fire(Reason::kDenyTokenRevoked);
  o.cause = l->cause;
  return o;
}

Outcome P5OrgFlowBlocked(Ctx& c) {
  bool blocked = (c.f.flow_password && c.f.block_username_password_flow) ||
                 (c.f.flow_user_agent && c.f.block_user_agent_flow);
  return c.Authz() && blocked ? Fire(Reason::kDenyOrgFlowBlocked) : Pass();
}

// 6, 6b, 7, 8: editions, org API and API Enabled (§5.1, §5.2).
Outcome C6ApiFamily(Ctx& c) {
  auto fam = c.f.api_family;
  bool data_api = fam == ApiFamily::soap_data || fam == ApiFamily::rest_data;
  bool pe_metadata = fam == ApiFamily::metadata && c.f.edition == Edition::professional;
  bool fires = c.Call() && c.f.allowlisted && !c.f.api_feature && !data_api && !pe_metadata;
  return fires ? Fire(Reason::kDenyEditionApiFamilyUnsupported) : Pass();
}

Outcome C6bApiEnabledRequired(Ctx& c) {
  if (!c.f.allowlisted || c.f.api_enabled || !c.Enforce14()) return Pass();
  Outcome o = Fire(Reason::kDenyApiEnabledRequiredAllowlisted);
  o.ux = kUxNoMobileAccess;
  return o;
}

Outcome C7OrgApi(Ctx& c) {
  if (c.f.api_feature) return Pass();
  return c.f.allowlisted ? Saved(Reason::kAllowAllowlistedEdition)
                         : Fire(Reason::kDenyApiDisabledForOrg);
}

Outcome C8UserApiEnabled(Ctx& c) {
  if (c.f.api_enabled) return Pass();
  if (!c.f.allowlisted) return Fire(Reason::kDenyApiDisabledForUser);
  return Saved(c.InR1() && c.Enforce14() ? Reason::kAllowPre2014AllowlistBypass
                                         : Reason::kAllowAllowlistedEdition);
}

// 9, 10, 10′, 11, 12, 13: API Access Control and app policies.
Outcome C9NoApprovedClient(Ctx& c) {
  bool checked = c.Call() || c.f.kind == Kind::kSoapLogin;
  if (!checked || c.f.has_app || !c.AacScope()) return Pass();
  if (c.f.origin_visualforce && c.f.pref_visualforce && c.f.api_enabled) {
    return WithEra(Saved(Reason::kAllowVisualforceException));
  }
  if (c.UseAny()) return WithEra(Saved(Reason::kAllowUseAnyBypass));
  return WithEra(Fire(Reason::kDenyAacNoApprovedClient));
}

Outcome C10AppNotApproved(Ctx& c) {
  if (!c.Uninstalled() || !c.PrefInternal()) return Pass();
  if (c.UseAny()) return WithEra(Saved(Reason::kAllowUseAnyBypass));
  return WithEra(Fire(Reason::kDenyAacAppNotApproved));
}

Outcome C10PrimeAppNotApproved(Ctx& c) {
  if (!c.Uninstalled() || !c.PrefInternal()) return Pass();
  if (c.f.approve_uninstalled && c.Read(ReadingId::kA2, c.r.approve_bypasses_aac_in_r3)) {
    return Saved(Reason::kAllowApproveUninstalled);
  }
  if (c.UseAny()) return Saved(Reason::kAllowUseAnyBypass);
  return Fire(Reason::kDenyAacAppNotApproved);
}

Outcome C11ExternalNotInstalled(Ctx& c) {
  if (!c.Uninstalled() || c.PrefInternal() || !c.PrefExternal() || !c.Ext()) return Pass();
  if (c.UseAny()) return WithEra(Saved(Reason::kAllowUseAnyBypass));
  return WithEra(Fire(Reason::kDenyAacExternalAppNotInstalled));
}

Outcome C12NotAdminApproved(Ctx& c) {
  if (!c.f.has_app || !c.f.installed || c.Policy() != PermittedUsers::admin_approved) {
    return Pass();
  }
  Outcome o;
  if (c.f.preauthorized) {
    o = Saved(Reason::kAllowPreauthorized);
  } else if (c.UseAny()) {
    o = Saved(Reason::kAllowUseAnyBypass);
  } else if (c.Call() && !c.Read(ReadingId::kA17, c.r.admin_approved_checked_on_calls)) {
    o.flags |= kFlagLiveTokenAfterPolicyLoss;  // §13.4: judged when the token was issued
  } else if (c.Authz() || c.Call()) {
    o = Fire(Reason::kDenyNotAdminApproved);
  }
  if (c.PolicyFieldIgnored()) o.flags |= kFlagPolicyFieldIgnored;
  o.era =
      c.PrefInternal() || o.bypass == Reason::kAllowUseAnyBypass || c.f.time_limited_app_assignment;
  return o;
}

Outcome C13JwtNoPriorApproval(Ctx& c) {
  if (!c.Authz() || !c.f.flow_jwt) return Pass();
  Outcome o;
  if (c.f.installed) {
    if (c.PolicyFieldIgnored()) o.flags |= kFlagPolicyFieldIgnored;
    if (c.Policy() == PermittedUsers::admin_approved && c.f.preauthorized) return o;
  }
  if (c.Prior(c.f.t)) return o;
  o.fires = true;
  o.reason = Reason::kDenyJwtNoPriorApproval;
  return o;
}

// 9a, 9b, 9b′: the Sept and Dec 2025 restrictions on uninstalled apps (§5.3, §5.4).
Outcome C9aUninstalledDevice(Ctx& c) {
  if (!c.Uninstalled() || !c.Device()) return Pass();
  bool has_perm = c.f.approve_uninstalled || c.UseAny();
  if (has_perm && c.Read(ReadingId::kA4, c.r.device_block_honours_bypass_perms)) {
    return Saved(c.f.approve_uninstalled ? Reason::kAllowApproveUninstalled
                                         : Reason::kAllowUseAnyBypass);
  }
  return Fire(Reason::kDenyUninstalledDeviceFlow);
}

Outcome C9bUninstalledNotAuthorized(Ctx& c) {
  if (!c.Uninstalled()) return Pass();
  if (c.Gf3()) return Saved(Reason::kAllowGrandfathered);
  if (c.f.approve_uninstalled) return Saved(Reason::kAllowApproveUninstalled);
  if (c.UseAny() && (c.PrefInternal() ||
                     c.Read(ReadingId::kA1, c.r.use_any_bypasses_uninstalled_when_pref_off))) {
    return Saved(Reason::kAllowUseAnyBypass);
  }
  return Fire(Reason::kDenyUninstalledAppNotAuthorized);
}

Outcome C9bPrimeSelfAuthRemoved(Ctx& c) {
  if (!c.Uninstalled()) return Pass();
  if (c.Gf3()) return Saved(Reason::kAllowGrandfathered);
  if (c.f.approve_uninstalled) return Saved(Reason::kAllowApproveUninstalled);
  if (c.UseAny() && c.PrefInternal()) {
    // At a CALL the token was judged when issued; at AUTHZ only a pre-T4 approval passes.
    if (c.Pre4()) return Saved(Reason::kAllowPreDec2025Session);
    if (c.Call()) return Saved(Reason::kAllowUseAnyBypass);
    Outcome o = Fire(Reason::kDenyUseAnySelfAuthRemoved);
    return o;
  }
  if (c.UseAny() && c.Read(ReadingId::kA1, c.r.use_any_bypasses_uninstalled_when_pref_off)) {
    return Saved(Reason::kAllowUseAnyBypass);
  }
  return Fire(Reason::kDenyUninstalledAppNotAuthorized);
}

// ---- the tables ----

using ClauseFn = Outcome (*)(Ctx&);
struct ClauseDef {
  Clause id;
  ClauseFn fn;
  std::string_view source;
};

constexpr ClauseDef kP1{Clause::kP1, P1NotApi, "S004"};
constexpr ClauseDef kP2{Clause::kP2, P2PlatformIntegrationUser, "S000"};
constexpr ClauseDef kP3{Clause::kP3, P3Blocked, "D2, D3, S002, I3"};
constexpr ClauseDef kP4{Clause::kP4, P4Revoked, "D1, D2, D3, D17"};
constexpr ClauseDef kP5{Clause::kP5, P5OrgFlowBlocked, "D16"};
constexpr ClauseDef k6{Clause::k6, C6ApiFamily, "D10"};
constexpr ClauseDef k6b{Clause::k6b, C6bApiEnabledRequired, "S004"};
constexpr ClauseDef k7{Clause::k7, C7OrgApi, "D11, D18"};
constexpr ClauseDef k8{Clause::k8, C8UserApiEnabled, "D11"};
constexpr ClauseDef k9{Clause::k9, C9NoApprovedClient, "S001, S002, S003, I2"};
constexpr ClauseDef k9a{Clause::k9a, C9aUninstalledDevice, "U1, U2, U5, U6, U7"};
constexpr ClauseDef k9b{Clause::k9b, C9bUninstalledNotAuthorized, "U1, U2, U5, U9, S000"};
constexpr ClauseDef k9bPrime{Clause::k9bPrime, C9bPrimeSelfAuthRemoved, "S000"};
constexpr ClauseDef k10{Clause::k10, C10AppNotApproved, "S001, S003, D7"};
constexpr ClauseDef k10Prime{Clause::k10Prime, C10PrimeAppNotApproved, "S000 (A2)"};
constexpr ClauseDef k11{Clause::k11, C11ExternalNotInstalled, "S002, D7"};
constexpr ClauseDef k12{Clause::k12, C12NotAdminApproved, "S001, S003, D4, I1"};
constexpr ClauseDef k13{Clause::k13, C13JwtNoPriorApproval, "D5"};

// R1 pre-2014.
constexpr std::array kR1 = {kP1, kP2, kP3, kP4, kP5, k6, k7, k8, k9, k10, k11, k12, k13};
// R2 = R1 + 6b (allowlisted apps must respect API Enabled).
constexpr std::array kR2 = {kP1, kP2, kP3, kP4, kP5, k6, k6b, k7, k8, k9, k10, k11, k12, k13};
// R3 = R2 + 9a/9b after 8, and 10 relaxed to 10′ (Approve Uninstalled).
constexpr std::array kR3 = {kP1, kP2, kP3, kP4, kP5,      k6,  k6b, k7,
                            k8,  k9a, k9b, k9,  k10Prime, k11, k12, k13};
// R4 = R3 with 9b replaced by 9b′ (Use Any no longer self-authorizes).
constexpr std::array kR4 = {kP1, kP2, kP3,      kP4, kP5,      k6,  k6b, k7,
                            k8,  k9a, k9bPrime, k9,  k10Prime, k11, k12, k13};

std::span<const ClauseDef> Table(RuleSet rs) {
  switch (rs) {
    case RuleSet::kPre2014:
      return kR1;
    case RuleSet::kApi2014:
      return kR2;
    case RuleSet::kSep2025:
      return kR3;
    case RuleSet::kDec2025:
      return kR4;
  }
  return kR1;
}

// §4 allow-reason priority, highest first.
constexpr Reason kAllowPriority[] = {
    Reason::kAllowPreDec2025Session,    Reason::kAllowGrandfathered,
    Reason::kAllowApproveUninstalled,   Reason::kAllowUseAnyBypass,
    Reason::kAllowVisualforceException, Reason::kAllowPre2014AllowlistBypass,
    Reason::kAllowAllowlistedEdition,   Reason::kAllowPreauthorized,
};

// A set of reasons as bits: the credits of one evaluation, kept without a
// vector (one allocation per evaluation that credited a bypass, callgrind).
uint32_t ReasonBit(Reason r) { return 1u << static_cast<uint32_t>(r); }
static_assert(kReasonCount <= 32);

Reason BestAllow(uint32_t credits) {
  for (Reason r : kAllowPriority) {
    if (credits & ReasonBit(r)) return r;
  }
  return Reason::kAllowStandard;
}

bool EraClause(Clause c) {
  return c == Clause::k9 || c == Clause::k10 || c == Clause::k11 || c == Clause::k12;
}

// Collects clause outcomes into one decision.
class Assembler {
 public:
  explicit Assembler(RuleSet rs) : rs_(rs) {}
  // Returns false when evaluation can stop (P1/P2 decided).
  // `consulted`: the readings read so far; the decision depends only on those
  // read up to its deciding clause.
  bool Add(Clause id, const Outcome& o, uint32_t consulted) {
    if (decided_) return AddAlsoDenied(o);
    d_.flags |= o.flags;
    if (o.bypass) credits_ |= ReasonBit(*o.bypass);
    era_ = era_ || (o.era && EraClause(id));
    if (!o.fires) return true;
    decided_ = true;
    consulted_at_decision_ = consulted;
    d_.verdict = VerdictOf(o.reason);
    d_.reason = o.reason;
    d_.cause = o.cause;
    d_.clause = id;
    d_.ux_message = o.ux;
    return id != Clause::kP1 && id != Clause::kP2;
  }
  Decision Finish(Ctx& c) {
    if (!decided_) {
      d_.verdict = Verdict::kAllow;
      d_.reason = BestAllow(credits_);
      d_.clause = Clause::k14;
      AddChatterExternalFlag(c);
    }
    bool era_applies = d_.clause == Clause::k14 || EraClause(d_.clause);
    if (rs_ == RuleSet::kPre2014 && era_ && era_applies) d_.flags |= kFlagEraAnachronism;
    d_.flags |= c.f.event_flags;
    d_.readings = decided_ ? consulted_at_decision_ : c.consulted;
    return std::move(d_);
  }

 private:
  static Verdict VerdictOf(Reason r) {
    if (r == Reason::kNaNotApiAccess) return Verdict::kNotApplicable;
    if (r == Reason::kAllowPiuInternal) return Verdict::kAllow;
    return Verdict::kDeny;
  }
  bool AddAlsoDenied(const Outcome& o) {
    if (!o.fires || d_.verdict != Verdict::kDeny || o.reason == d_.reason) return true;
    auto& also = d_.also_denied_by;
    if (std::find(also.begin(), also.end(), o.reason) == also.end()) also.push_back(o.reason);
    return true;
  }
  void AddChatterExternalFlag(Ctx& c) {
    if (rs_ != RuleSet::kPre2014 && c.f.allowlisted && c.f.api_enabled &&
        c.f.user_type == UserType::chatter_external && c.Enforce14()) {
      d_.flags |= kFlagChatterExternalChange;
    }
  }

  RuleSet rs_;
  Decision d_;
  bool decided_ = false;
  bool era_ = false;
  uint32_t consulted_at_decision_ = 0;
  uint32_t credits_ = 0;  // ReasonBit of each bypass credited
};

}  // namespace

Decision Evaluate(RuleSet rule_set, const Facts& facts, const Readings& readings,
                  const CutoverInstants& cutovers) {
  Ctx c{facts, readings, rule_set, cutovers};
  Assembler a(rule_set);
  for (const ClauseDef& def : Table(rule_set)) {
    Outcome o = def.fn(c);
    if (!a.Add(def.id, o, c.consulted)) break;
  }
  return a.Finish(c);
}

std::span<const Clause> ClauseOrder(RuleSet rule_set) {
  static const auto orders = [] {
    std::array<std::vector<Clause>, kRuleSetCount> out;
    for (int i = 0; i < kRuleSetCount; ++i) {
      for (const ClauseDef& d : Table(static_cast<RuleSet>(i))) out[i].push_back(d.id);
      out[i].push_back(Clause::k14);
    }
    return out;
  }();
  return orders[static_cast<size_t>(rule_set)];
}

std::string_view ClauseSource(Clause c) {
  for (const ClauseDef& d : kR4) {
    if (d.id == c) return d.source;
  }
  for (const ClauseDef& d : {k10, k9b}) {
    if (d.id == c) return d.source;
  }
  return c == Clause::k14 ? "S004, S002, S003" : "";
}

}  // namespace authtrail::replay
