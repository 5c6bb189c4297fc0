#include "replay/state.h"

#include <functional>

namespace authtrail::replay {
namespace {

std::optional<RevokeCauseEx> CauseOf(std::optional<RevokeCause> c) {
  if (!c) return std::nullopt;
  switch (*c) {
    case RevokeCause::user:
      return RevokeCauseEx::kUser;
    case RevokeCause::admin_revoke:
      return RevokeCauseEx::kAdminRevoke;
    case RevokeCause::approval_limit:
      return RevokeCauseEx::kApprovalLimit;
    case RevokeCause::refresh_policy_expiry:
      return RevokeCauseEx::kRefreshPolicyExpiry;
  }
  return std::nullopt;
}

bool Succeeded(const Event& e, Verdict as_of) {
  if (e.outcome) return *e.outcome == Outcome::success;
  return as_of == Verdict::kAllow;
}

}  // namespace

void OrgConstants::Observe(const Event& e, uint64_t seq) {
  if (e.kind == Kind::kOrgCreated && !created_at) {
    created_at = e.ts;
    created_seq = seq;
  } else if (e.kind == Kind::kOrgEnforcement && e.change && e.at) {
    bool sep = *e.change == Change::sep2025;
    (sep ? t3_known : t4_known) = *e.at;
    (sep ? t3_seq : t4_seq) = seq;
  }
}

size_t OrgState::PairHash::operator()(PairView k) const {
  return std::hash<std::string_view>()(k.first) * 31 + std::hash<std::string_view>()(k.second);
}

void OrgState::Saw(const Event& e) {
  if (!first_event_ts_) first_event_ts_ = e.ts;
}

// ---- fold ----

void OrgState::Apply(const Event& e, uint64_t seq) {
  switch (e.kind) {
    case Kind::kOrgCreated:
    case Kind::kOrgEdition:
    case Kind::kOrgSetting:
    case Kind::kOrgEnforcement:
      return ApplyOrg(e, seq);
    case Kind::kUserUpsert:
    case Kind::kProfilePermission:
    case Kind::kPermsetPermission:
    case Kind::kPermsetAssign:
    case Kind::kPermsetUnassign:
      return ApplyUser(e, seq);
    case Kind::kOauthRevoke: {
      Pair& p = pairs_[{*e.user, *e.app}];
      return RevokePair(&p, e.ts, CauseOf(e.cause), seq);
    }
    case Kind::kUnmapped:  // a record no adapter could map: evidence, not state
      return;
    default:
      return ApplyApp(e, seq);
  }
}

void OrgState::ApplyOrg(const Event& e, uint64_t seq) {
  if ((e.kind == Kind::kOrgCreated && !edition_) || e.kind == Kind::kOrgEdition) {
    edition_ = e.edition;
    edition_seq_ = seq;
  } else if (e.kind == Kind::kOrgSetting) {
    settings_[*e.setting] = {*e.enabled, seq};
  }
  // org.enforcement and the creation instant are OrgConstants (they apply
  // wherever their record sits in time).
}

void OrgState::ApplyUser(const Event& e, uint64_t seq) {
  switch (e.kind) {
    case Kind::kUserUpsert: {
      User& u = users_[*e.user];
      if (e.user_type) u.type = e.user_type, u.type_seq = seq;
      if (e.profile) u.profile = e.profile, u.profile_seq = seq;
      return;
    }
    case Kind::kProfilePermission:
      profiles_[*e.profile][*e.permission] = {*e.enabled, seq};
      return;
    case Kind::kPermsetPermission:
      permsets_[*e.permset][*e.permission] = {*e.enabled, seq};
      return;
    case Kind::kPermsetAssign: {
      User& u = users_[*e.user];
      u.assignments[*e.permset] = {e.ts, e.expires_at, seq};
      if (e.expires_at) u.time_limited.insert(*e.permset);
      return;
    }
    default: {  // permset.unassign
      User& u = users_[*e.user];
      u.assignments.erase(*e.permset);
      u.time_limited.erase(*e.permset);
    }
  }
}

void OrgState::ApplyApp(const Event& e, uint64_t seq) {
  App& a = apps_[*e.app];
  switch (e.kind) {
    case Kind::kAppUpsert:
      if (e.allowlisted) a.allowlisted = *e.allowlisted;
      if (e.org_managed) a.org_managed = *e.org_managed;
      if (e.salesforce_cli_default) a.cli_default = *e.salesforce_cli_default;
      a.declared_seq = seq;
      return;
    case Kind::kAppInstall:  // §13.19: every install resets the policy
      a.installed = true, a.install_seq = seq;
      a.policy = PermittedUsers::self_authorize, a.policy_from_api_field = false,
      a.policy_seq = seq;
      return;
    case Kind::kAppUninstall:
      a.installed = false, a.install_seq = seq;
      if (e.via == Via::package) RevokeApp(*e.app, e.ts, RevokeCauseEx::kPackageUninstall, seq);
      return;
    case Kind::kAppBlock:
      a.blocked = true, a.block_seq = seq;
      return RevokeApp(*e.app, e.ts, RevokeCauseEx::kBlock, seq);
    case Kind::kAppUnblock:
      a.blocked = false, a.block_seq = seq;
      return;
    case Kind::kAppPolicy:
      a.policy = *e.permitted_users, a.policy_seq = seq;
      a.policy_from_api_field = e.policy_source == PolicySource::api_field;
      return;
    default: {  // app.access
      auto& set = e.profile ? a.access_profiles : a.access_permsets;
      const std::string& key = e.profile ? *e.profile : *e.permset;
      if (*e.enabled)
        set[key] = seq;
      else
        set.erase(key);
    }
  }
}

void OrgState::RevokePair(Pair* p, MicrosUtc at, std::optional<RevokeCauseEx> cause, uint64_t seq) {
  for (Approval& a : p->approvals) {
    if (a.revoked_at) continue;
    a.revoked_at = at;
    a.cause = cause;
    a.revoked_seq = seq;
  }
  p->revocations.push_back({at, cause, seq});
}

void OrgState::RevokeApp(const std::string& app, MicrosUtc at, RevokeCauseEx cause, uint64_t seq) {
  for (auto& [key, pair] : pairs_) {
    if (key.second == app) RevokePair(&pair, at, cause, seq);
  }
  app_revocations_[app].push_back({at, cause, seq});
}

void OrgState::RecordAccess(const Event& e, uint64_t seq, Verdict as_of) {
  bool authorize = e.kind == Kind::kOauthAuthorize;
  bool password = e.kind == Kind::kOauthToken && e.grant == Grant::password;
  if (!(authorize || password) || !Succeeded(e, as_of)) return;
  Approval a;
  a.granted_at = e.ts;
  if (authorize) a.flow = e.flow;
  a.device = authorize && e.flow == Flow::device;
  a.password = password;
  a.seq = seq;
  pairs_[{*e.user, *e.app}].approvals.push_back(a);
}

}  // namespace authtrail::replay
