// Current-state exports -> baseline state events at the snapshot time
// (sources.md §4). One adapter reads every object; each record's object is
// recognized by its columns (a CSV has no type, and REST `attributes` are
// dropped by the reader):
//
//   User (Username / IsActive + Id 005...)      user.upsert (profile, active, user_type)
//   PermissionSet (Id 0PS...) / Profile (00e...) with Permissions* fields
//                                               permset.permission / profile.permission,
//                                               one per permission field present
//   PermissionSetAssignment (AssigneeId, PermissionSetId)
//                                               permset.assign (+ ExpirationDate)
//   SetupEntityAccess (SetupEntityType = ConnectedApplication)
//                                               app.access enabled
//   ConnectedApplication (OptionsAllowAdminApprovedUsersOnly)
//                                               app.upsert + app.policy (policy_source api_field)
//   OauthToken (AppName + UserId)               unmapped: a token is not state in the event model
//   anything else                               rejected: not a snapshot object
//
// Names: a label column in the query (PermissionSet.Label, Profile.Name, ...)
// is preferred to the id, so snapshot events join Setup Audit Trail, which
// names sets, profiles and apps by label. Snapshot events carry no `id`: the
// same object snapshotted at two times are two baselines, and a re-ingest of
// the same file is a duplicate by content.
#include <string>

#include "ingest/adapter_internal.h"

namespace authtrail::ingest::adapter_internal {
namespace {

using Text = std::string_view;

// Permission fields on PermissionSet / Profile -> events.md names.
constexpr std::pair<Text, Text> kPermissionFields[] = {
    {"PermissionsApiEnabled", "api_enabled"},
    {"PermissionsUseAnyApiClient", "use_any_api_client"},
    {"PermissionsCanApproveUninstalledApps", "approve_uninstalled_connected_apps"},
};

// "true"/"false" in any case (CSV exports spell booleans as text).
std::optional<bool> Boolean(Text v) {
  if (SameText(v, "true")) return true;
  if (SameText(v, "false")) return false;
  return std::nullopt;
}

// Salesforce UserType -> events.md user_type; "" when there is no faithful one.
Text UserTypeOf(Text t) {
  if (t == "Standard") return "internal";
  if (t == "PowerPartner" || t == "PowerCustomerSuccess" || t == "CustomerSuccess" ||
      t == "CspLitePortal") {
    return "customer_partner";
  }
  if (t == "CsnOnly") return "chatter_free";
  return {};
}

class SnapshotAdapter : public Adapter {
 public:
  explicit SnapshotAdapter(AdapterOptions options) : options_(std::move(options)) {}

  bool Map(const SourceRecord& record, std::vector<std::string>* out, MapError* error) override {
    Row row(record, error);
    std::string org;
    if (!OrgOf(&row, "", options_.org, &org)) return false;
    org_ = org;
    Text id = row.Get("Id");
    if (row.Has("AssigneeId") && row.Has("PermissionSetId")) return Assignment(&row, out);
    if (row.Has("SetupEntityType") && row.Has("ParentId")) return Access(&row, out);
    if (row.Has("OptionsAllowAdminApprovedUsersOnly")) return App(&row, out);
    if (row.Has("AppName") && row.Has("UserId")) return Token(&row, out);
    if (HasPermissionField(row)) return Permissions(&row, out);
    if (id.starts_with("005") || row.Has("Username")) return User(&row, out);
    return row.Fail("",
                    "not a snapshot object (User, PermissionSet, Profile, "
                    "PermissionSetAssignment, SetupEntityAccess, ConnectedApplication, "
                    "OauthToken): see docs/sources.md");
  }

 private:
  EventJson Start(Text kind, Text object) const {
    EventJson e(kind, options_.at, org_);
    e.Str("source", "snapshot:" + std::string(object));
    return e;
  }

  static bool HasPermissionField(const Row& row) {
    for (auto [field, name] : kPermissionFields) {
      if (row.Has(field)) return true;
    }
    return false;
  }

  bool User(Row* row, std::vector<std::string>* out) {
    Text user;
    if (!row->Require("Id", &user)) return false;
    EventJson e = Start("user.upsert", "User");
    e.Str("user", user).Opt("username", row->Get("Username"));
    e.Opt("profile", row->GetAny({"Profile.Name", "ProfileId"}));
    e.Opt("user_type", UserTypeOf(row->Get("UserType")));
    if (Text active = row->Get("IsActive"); !active.empty()) {
      std::optional<bool> b = Boolean(active);
      if (!b) return row->Fail("IsActive", "expected true or false");
      e.Bool("active", *b);
    }
    out->push_back(std::move(e).Done());
    return true;
  }

  // A profile's permissions live on its profile-owned permission set.
  bool Permissions(Row* row, std::vector<std::string>* out) {
    Text id;
    if (!row->Require("Id", &id)) return false;
    bool profile = id.starts_with("00e") || SameText(row->Get("IsOwnedByProfile"), "true");
    Text holder = id.starts_with("00e") ? row->GetAny({"Name", "Id"})
                  : profile             ? row->GetAny({"Profile.Name", "ProfileId", "Id"})
                                        : row->GetAny({"Label", "Name", "Id"});
    for (auto [field, name] : kPermissionFields) {
      Text v = row->Get(field);
      if (v.empty()) continue;
      std::optional<bool> b = Boolean(v);
      if (!b) return row->Fail(field, "expected true or false");
      EventJson e = Start(profile ? "profile.permission" : "permset.permission",
                          profile ? "Profile" : "PermissionSet");
      e.Str(profile ? "profile" : "permset", holder).Str("permission", name).Bool("enabled", *b);
      out->push_back(std::move(e).Done());
    }
    return true;
  }

  bool Assignment(Row* row, std::vector<std::string>* out) {
    Text user;
    if (!row->Require("AssigneeId", &user)) return false;
    if (SameText(row->Get("PermissionSet.IsOwnedByProfile"), "true")) return true;  // a profile
    Text set = row->GetAny({"PermissionSet.Label", "PermissionSet.Name", "PermissionSetId"});
    if (set.empty()) return row->Fail("PermissionSetId", "is empty");
    EventJson e = Start("permset.assign", "PermissionSetAssignment");
    e.Str("permset", set).Str("user", user);
    if (!row->Get("ExpirationDate").empty()) {
      std::string at;
      if (!RequireTime(row, "ExpirationDate", &at)) return false;
      e.Str("expires_at", at);
    }
    out->push_back(std::move(e).Done());
    return true;
  }

  bool Access(Row* row, std::vector<std::string>* out) {
    if (row->Get("SetupEntityType") != "ConnectedApplication") return true;  // not an app grant
    Text app, parent;
    if (!row->Require("SetupEntityId", &app) || !row->Require("ParentId", &parent)) return false;
    bool profile = SameText(row->Get("Parent.IsOwnedByProfile"), "true");
    Text holder = profile ? row->GetAny({"Parent.Profile.Name", "Parent.ProfileId", "ParentId"})
                          : row->GetAny({"Parent.Label", "Parent.Name", "ParentId"});
    EventJson e = Start("app.access", "SetupEntityAccess");
    e.Str("app", row->GetAny({"SetupEntity.Name", "SetupEntityId"}));
    e.Str(profile ? "profile" : "permset", holder).Bool("enabled", true);
    out->push_back(std::move(e).Done());
    return true;
  }

  bool App(Row* row, std::vector<std::string>* out) {
    Text name;
    if (!row->Require("Name", &name)) return false;
    std::optional<bool> admin = Boolean(row->Get("OptionsAllowAdminApprovedUsersOnly"));
    if (!admin) return row->Fail("OptionsAllowAdminApprovedUsersOnly", "expected true or false");
    EventJson u = Start("app.upsert", "ConnectedApplication");
    u.Str("app", name).Str("name", name);
    out->push_back(std::move(u).Done());
    EventJson p = Start("app.policy", "ConnectedApplication");
    p.Str("app", name).Str("permitted_users", *admin ? "admin_approved" : "self_authorize");
    p.Str("policy_source", "api_field");
    out->push_back(std::move(p).Done());
    return true;
  }

  bool Token(Row* row, std::vector<std::string>* out) {
    Text app, user;
    if (!row->Require("AppName", &app) || !row->Require("UserId", &user)) return false;
    std::string display = "UseCount=" + std::string(row->Get("UseCount")) +
                          " LastUsedDate=" + std::string(row->Get("LastUsedDate"));
    EventJson e = Start("unmapped", "OauthToken");
    e.Str("action", "OauthToken").Str("display", display).Str("user", user).Str("app", app);
    out->push_back(std::move(e).Done());
    return true;
  }

  AdapterOptions options_;
  std::string org_;
};

}  // namespace

std::unique_ptr<Adapter> MakeSnapshotAdapter(const AdapterOptions& options) {
  return std::make_unique<SnapshotAdapter>(options);
}

}  // namespace authtrail::ingest::adapter_internal
