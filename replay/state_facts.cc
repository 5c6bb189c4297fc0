// OrgState: reading the Facts of an access event (rules.md §2, events.md
// "Token lineage").
#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "replay/column.h"
#include "replay/state.h"

namespace authtrail::replay {
namespace {

// Lists event `seq` as a source when sources are wanted. `fields`: the Facts
// members the event establishes (evidence bundles cite the events behind each
// member); the concatenated `parts` are explain's wording. The wording is
// built only when it is kept: plain replays want no sources, and building it
// anyway cost a string allocation or two per access event (callgrind).
template <typename... Parts>
void Note(std::vector<FactSource>* sources, std::initializer_list<std::string_view> fields,
          uint64_t seq, const Parts&... parts) {
  if (sources == nullptr || seq == 0) return;
  std::string fact;
  (fact.append(parts), ...);
  sources->push_back({std::move(fact), seq, fields});
}

// The Facts member a permission sets (UserFacts).
std::string_view PermissionField(const std::string& permission) {
  if (permission == "api_enabled") return "api_enabled";
  if (permission == "use_any_api_client") return "use_any_api_client";
  return "approve_uninstalled";
}

// rules.md §13.13: edition defaults for api_feature / customizable_profiles.
// An org with no edition on record is treated as Enterprise (its API is in use).
bool EditionDefault(std::optional<Edition> e) {
  if (!e) return true;
  switch (*e) {
    case Edition::enterprise:
    case Edition::unlimited:
    case Edition::performance:
    case Edition::developer:
      return true;
    default:
      return false;
  }
}

}  // namespace

// ---- facts ----

bool OrgState::Active(const Assignment& a, MicrosUtc t) const {
  return a.assigned_at <= t && (!a.expires_at || t < *a.expires_at);
}

bool OrgState::Has(const User* u, const std::string& permission, MicrosUtc t,
                   std::vector<FactSource>* sources) const {
  if (u == nullptr) return false;
  if (u->profile) {
    auto p = profiles_.find(*u->profile);
    if (p != profiles_.end()) {
      auto g = p->second.find(permission);
      if (g != p->second.end() && g->second.enabled) {
        Note(sources, {PermissionField(permission)}, g->second.seq, permission, " via profile ",
             *u->profile);
        Note(sources, {PermissionField(permission)}, u->profile_seq, "profile of user");
        return true;
      }
    }
  }
  for (const auto& [permset, assignment] : u->assignments) {
    if (!Active(assignment, t)) continue;
    auto ps = permsets_.find(permset);
    if (ps == permsets_.end()) continue;
    auto g = ps->second.find(permission);
    if (g != ps->second.end() && g->second.enabled) {
      Note(sources, {PermissionField(permission)}, g->second.seq, permission,
           " via permission set ", permset);
      Note(sources, {PermissionField(permission)}, assignment.seq, "assignment of ", permset);
      return true;
    }
  }
  return false;
}

void OrgState::OrgFacts(MicrosUtc t, Facts* f, std::vector<FactSource>* sources) const {
  f->edition = edition_;
  Note(sources, {"edition", "api_feature", "customizable_profiles"}, edition_seq_, "edition");
  auto setting = [&](Setting s, std::string_view field, bool def) {
    auto it = settings_.find(s);
    if (it == settings_.end()) return def;
    Note(sources, {field}, it->second.second, "setting ", fb::EnumNameSetting(s));
    return it->second.first;
  };
  bool def = EditionDefault(edition_);
  f->api_feature = setting(Setting::api_feature, "api_feature", def);
  f->customizable_profiles = setting(Setting::customizable_profiles, "customizable_profiles", def);
  f->aac_enabled = setting(Setting::api_access_control, "aac_enabled", false);
  f->pref_internal = setting(Setting::admin_approved_apps_only, "pref_internal", false);
  f->pref_external = setting(Setting::external_installed_apps_only, "pref_external", false);
  f->pref_visualforce = setting(Setting::visualforce_api_access, "pref_visualforce", false);
  f->block_username_password_flow =
      setting(Setting::block_username_password_flow, "block_username_password_flow", false);
  f->block_user_agent_flow =
      setting(Setting::block_user_agent_flow, "block_user_agent_flow", false);

  const OrgConstants& k = constants_;
  if (k.t3_known) {
    f->t3 = {true, *k.t3_known, 0, 0};
    Note(sources, {"t3"}, k.t3_seq, "T3 (org.enforcement sep2025)");
  } else if (k.created_at && *k.created_at >= kNewOrgCutover) {
    f->t3 = {true, *k.created_at, 0, 0};
    Note(sources, {"t3"}, k.created_seq, "T3 (new org: org.created)");
  } else {
    f->t3 = {false, 0, kT3WindowStart, kT3WindowEnd};
  }
  f->t4 = k.t4_known ? Cutover{true, *k.t4_known, 0, 0}
                     : Cutover{false, 0, kT4WindowStart, kT4WindowEnd};
  if (k.t4_known) Note(sources, {"t4"}, k.t4_seq, "T4 (org.enforcement dec2025)");
  (void)t;
}

void OrgState::UserFacts(const Event& e, Facts* f, std::vector<FactSource>* sources) const {
  auto it = users_.find(*e.user);
  const User* u = it == users_.end() ? nullptr : &it->second;
  if (u != nullptr) {
    f->user_type = u->type;
    Note(sources, {"user_type"}, u->type_seq, "user type");
  }
  // Built once: a literal argument would make a std::string per call.
  static const std::string kApiEnabled = "api_enabled", kUseAny = "use_any_api_client",
                           kApproveUninstalled = "approve_uninstalled_connected_apps";
  f->api_enabled = Has(u, kApiEnabled, e.ts, sources);
  f->use_any_api_client = Has(u, kUseAny, e.ts, sources);
  f->approve_uninstalled = Has(u, kApproveUninstalled, e.ts, sources);
}

void OrgState::AppFacts(const Event& e, Facts* f, std::vector<FactSource>* sources) const {
  if (!e.app) return;
  auto it = apps_.find(*e.app);
  if (it == apps_.end()) return;  // undeclared: not installed, blocked, allowlisted or org-managed
  const App& a = it->second;
  Note(sources,
       {"allowlisted", "org_managed", "installed", "blocked", "permitted_users",
        "policy_from_api_field", "preauthorized", "time_limited_app_assignment",
        "cli_default_device"},
       a.declared_seq, "app declared");
  f->allowlisted = a.allowlisted;
  f->org_managed = a.org_managed;
  f->installed = a.installed || a.org_managed;
  Note(sources, {"installed"}, a.install_seq, "app install state");
  f->blocked = a.blocked;
  Note(sources, {"blocked"}, a.block_seq, "app block state");
  f->permitted_users = a.policy;
  f->policy_from_api_field = a.policy_from_api_field;
  Note(sources, {"permitted_users", "policy_from_api_field"}, a.policy_seq, "app policy");
  auto users = users_.find(*e.user);
  if (users == users_.end()) return;
  const User& u = users->second;
  if (u.profile && a.access_profiles.count(*u.profile)) {
    f->preauthorized = true;
    Note(sources, {"preauthorized"}, a.access_profiles.at(*u.profile), "app access for profile ",
         *u.profile);
  }
  for (const auto& [permset, access_seq] : a.access_permsets) {
    auto as = u.assignments.find(permset);
    if (as != u.assignments.end() && Active(as->second, e.ts) && !f->preauthorized) {
      f->preauthorized = true;
      Note(sources, {"preauthorized"}, access_seq, "app access for permission set ", permset);
      Note(sources, {"preauthorized"}, as->second.seq, "assignment of ", permset);
    }
    if (u.time_limited.count(permset)) {
      f->time_limited_app_assignment = true;
      // The assignment with an expiry is not kept by seq; cite the app's
      // access grant and the user's current assignment of the set.
      Note(sources, {"time_limited_app_assignment"}, access_seq,
           "app access for time-limited permission set ", permset);
      if (as != u.assignments.end())
        Note(sources, {"time_limited_app_assignment"}, as->second.seq, "assignment of ", permset);
    }
  }
}

}  // namespace authtrail::replay

namespace authtrail::replay {

Facts RequestFacts(const Event& e) {
  Facts facts;
  Facts* f = &facts;
  f->kind = e.kind;
  f->t = e.ts;
  switch (e.kind) {
    case Kind::kLoginUi:
      f->check_point = CheckPoint::kNone;
      break;
    case Kind::kApiCall:
      f->check_point = CheckPoint::kCall;
      break;
    default:
      f->check_point = CheckPoint::kAuthz;
  }
  bool oauth_call =
      e.kind == Kind::kApiCall && e.app && e.origin.value_or(Origin::oauth) == Origin::oauth;
  f->has_app = e.kind == Kind::kOauthAuthorize || e.kind == Kind::kOauthToken || oauth_call;
  f->flow_device = e.flow == Flow::device || e.grant == Grant::device;
  f->flow_jwt = e.grant == Grant::jwt_bearer;
  f->flow_refresh = e.grant == Grant::refresh_token;
  f->flow_password = e.grant == Grant::password;
  f->flow_user_agent = e.flow == Flow::user_agent;
  f->origin_visualforce = e.origin == Origin::visualforce;
  f->api_family = e.api_family;
  if (e.grant == Grant::unknown) f->event_flags |= kFlagFlowUnknown;
  if (e.ts >= kBoundaryDayStart && e.ts < kBoundaryDayEnd) f->event_flags |= kFlagBoundaryDay;
  bool continued_grant = e.grant == Grant::refresh_token || e.grant == Grant::jwt_bearer ||
                         e.grant == Grant::authorization_code;
  f->continued = continued_grant || oauth_call;  // `unknown` is decided by LineageFacts
  return facts;
}

namespace {

ApprovalFact ToFact(const Approval& a) {
  return {a.granted_at, a.revoked_at.has_value(),        a.cause, a.password, false,
          a.seq,        a.revoked_at ? a.revoked_seq : 0};
}

// The approval a continued use rests on: the one granted at grant_ts when
// given, else the latest live one, else the latest revoked one.
const Approval* FindLineage(const std::vector<Approval>& approvals,
                            std::optional<MicrosUtc> grant_ts) {
  const Approval* live = nullptr;
  const Approval* revoked = nullptr;
  for (const Approval& a : approvals) {
    if (a.password) continue;
    if (grant_ts) {
      if (a.granted_at == *grant_ts) return &a;
      continue;
    }
    (a.revoked_at ? revoked : live) = &a;
  }
  return live != nullptr ? live : revoked;
}

}  // namespace

void OrgState::LineageFacts(const Event& e, Facts* f, std::vector<FactSource>* sources) const {
  if (!f->has_app) return;
  static const std::vector<Approval> kNone;
  auto it = pairs_.find(PairView(*e.user, *e.app));
  const std::vector<Approval>& approvals = it == pairs_.end() ? kNone : it->second.approvals;
  for (const Approval& a : approvals) f->approvals.push_back(ToFact(a));
  const Approval* lineage = FindLineage(approvals, e.grant_ts);
  if (e.grant == Grant::unknown) {
    // Continued use only while the user holds a live approval (events.md).
    f->continued = lineage != nullptr && !lineage->revoked_at;
    if (!f->continued) return;
  }
  if (!f->continued) return;
  if (lineage != nullptr) {
    f->lineage = ToFact(*lineage);
    f->lineage_device = lineage->device;
    Note(sources, {"lineage", "lineage_device"}, lineage->seq, "approval used (token lineage)");
    if (lineage->revoked_at)
      Note(sources, {"lineage"}, lineage->revoked_seq, "revocation of that approval");
    return;
  }
  f->event_flags |= kFlagApprovalNotOnRecord;
  if (constants_.created_at) return;  // complete history: nothing is assumed
  // Partial history: an approval granted before the org's first record
  // (or at grant_ts), ended by any later revocation of the pair or the app.
  ApprovalFact assumed;
  assumed.assumed = true;
  assumed.granted_at = e.grant_ts.value_or(first_event_ts_.value_or(e.ts) - 1);
  auto ended_by = [&](const std::vector<Revocation>& revs) {
    for (const Revocation& r : revs) {
      if (r.at < assumed.granted_at || assumed.revoked) continue;
      assumed.revoked = true;
      assumed.cause = r.cause;
      assumed.revoked_seq = r.seq;
      Note(sources, {"lineage", "approvals"}, r.seq, "revocation of the assumed approval");
    }
  };
  if (it != pairs_.end()) ended_by(it->second.revocations);
  auto app_revs = app_revocations_.find(*e.app);
  if (app_revs != app_revocations_.end()) ended_by(app_revs->second);
  f->lineage = assumed;
  f->approvals.push_back(assumed);
}

std::optional<Flow> OrgState::LineageFlow(const Event& e) const {
  if (!e.app || !e.user) return std::nullopt;
  auto it = pairs_.find(PairView(*e.user, *e.app));
  if (it == pairs_.end()) return std::nullopt;
  const Approval* a = FindLineage(it->second.approvals, e.grant_ts);
  return a != nullptr ? a->flow : std::nullopt;
}

Facts OrgState::FactsFor(const Event& e, std::vector<FactSource>* sources, bool* cli_device) const {
  Facts f = RequestFacts(e);
  OrgFacts(e.ts, &f, sources);
  UserFacts(e, &f, sources);
  AppFacts(e, &f, sources);
  LineageFacts(e, &f, sources);
  bool device = f.flow_device || (f.continued && f.lineage_device);
  auto app = e.app ? apps_.find(*e.app) : apps_.end();
  *cli_device = device && f.has_app && app != apps_.end() && app->second.cli_default;
  return f;
}

}  // namespace authtrail::replay
