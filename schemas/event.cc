#include "schemas/event.h"

#include <array>

#include "schemas/canonical.h"

namespace authtrail {
namespace {

constexpr std::array<std::string_view, kKindCount> kKindNames = {
    "org.created",      "org.edition",        "org.setting",        "org.enforcement",
    "user.upsert",      "profile.permission", "permset.permission", "permset.assign",
    "permset.unassign", "app.upsert",         "app.install",        "app.uninstall",
    "app.block",        "app.unblock",        "app.policy",         "app.access",
    "login.ui",         "oauth.authorize",    "oauth.token",        "api.call",
    "soap.login",       "oauth.revoke",       "unmapped",
};

constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "ts",
    "org",
    "kind",
    "id",
    "actor",
    "source",
    "outcome",
    "status",
    "edition",
    "setting",
    "enabled",
    "change",
    "at",
    "user",
    "username",
    "user_type",
    "profile",
    "active",
    "permission",
    "permset",
    "expires_at",
    "app",
    "name",
    "allowlisted",
    "org_managed",
    "salesforce_cli_default",
    "via",
    "permitted_users",
    "policy_source",
    "flow",
    "grant",
    "grant_ts",
    "origin",
    "api_family",
    "cause",
    "action",
    "section",
    "display",
};

using F = Field;
constexpr FieldRule R(F f) { return {f, true}; }
constexpr FieldRule O(F f) { return {f, false}; }

constexpr FieldRule kOrgCreated[] = {R(F::kEdition)};
constexpr FieldRule kOrgEdition[] = {R(F::kEdition)};
constexpr FieldRule kOrgSetting[] = {R(F::kSetting), R(F::kEnabled)};
constexpr FieldRule kOrgEnforcement[] = {R(F::kChange), R(F::kAt)};
constexpr FieldRule kUserUpsert[] = {R(F::kUser), O(F::kUsername), O(F::kUserType), O(F::kProfile),
                                     O(F::kActive)};
constexpr FieldRule kProfilePermission[] = {R(F::kProfile), R(F::kPermission), R(F::kEnabled)};
constexpr FieldRule kPermsetPermission[] = {R(F::kPermset), R(F::kPermission), R(F::kEnabled)};
constexpr FieldRule kPermsetAssign[] = {R(F::kPermset), R(F::kUser), O(F::kExpiresAt)};
constexpr FieldRule kPermsetUnassign[] = {R(F::kPermset), R(F::kUser)};
constexpr FieldRule kAppUpsert[] = {R(F::kApp), O(F::kName), O(F::kAllowlisted), O(F::kOrgManaged),
                                    O(F::kSalesforceCliDefault)};
constexpr FieldRule kAppInstallUninstall[] = {R(F::kApp), O(F::kVia)};
constexpr FieldRule kAppOnly[] = {R(F::kApp)};
constexpr FieldRule kAppPolicy[] = {R(F::kApp), R(F::kPermittedUsers), O(F::kPolicySource)};
constexpr FieldRule kAppAccess[] = {R(F::kApp), O(F::kProfile), O(F::kPermset), R(F::kEnabled)};
constexpr FieldRule kLoginUi[] = {R(F::kUser)};
constexpr FieldRule kOauthAuthorize[] = {R(F::kUser), R(F::kApp), R(F::kFlow)};
constexpr FieldRule kOauthToken[] = {R(F::kUser), R(F::kApp), R(F::kGrant), O(F::kGrantTs)};
constexpr FieldRule kApiCall[] = {R(F::kUser), O(F::kApp), O(F::kOrigin), O(F::kApiFamily),
                                  O(F::kGrantTs)};
constexpr FieldRule kSoapLogin[] = {R(F::kUser), O(F::kApp)};
constexpr FieldRule kOauthRevoke[] = {R(F::kUser), R(F::kApp), O(F::kCause)};
constexpr FieldRule kUnmapped[] = {R(F::kAction), O(F::kSection), O(F::kDisplay), O(F::kUser),
                                   O(F::kApp)};

template <typename E>
std::span<const char* const> NamesOf(const char* const* (*names)()) {
  // FlatBuffers' name tables end with a nullptr sentinel.
  const char* const* n = names();
  size_t count = 0;
  while (n[count] != nullptr) ++count;
  return {n, count};
}

}  // namespace

std::string_view KindName(Kind k) { return kKindNames[static_cast<size_t>(k)]; }

std::optional<Kind> KindFromName(std::string_view name) {
  for (size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) return static_cast<Kind>(i);
  }
  return std::nullopt;
}

bool IsAccessKind(Kind k) { return k >= Kind::kLoginUi && k <= Kind::kOauthRevoke; }

std::string_view FieldName(Field f) { return kFieldNames[static_cast<size_t>(f)]; }

std::optional<Field> FieldFromName(std::string_view name) {
  for (size_t i = 0; i < kFieldNames.size(); ++i) {
    if (kFieldNames[i] == name) return static_cast<Field>(i);
  }
  return std::nullopt;
}

FieldType TypeOf(Field f) {
  switch (f) {
    case F::kOrg:
      return FieldType::kSfId;
    case F::kActor:
    case F::kUser:
    case F::kProfile:
    case F::kPermset:
      return FieldType::kIdOrName;
    case F::kTs:
    case F::kAt:
    case F::kExpiresAt:
    case F::kGrantTs:
      return FieldType::kTimestamp;
    case F::kEnabled:
    case F::kActive:
    case F::kAllowlisted:
    case F::kOrgManaged:
    case F::kSalesforceCliDefault:
      return FieldType::kBool;
    case F::kKind:
    case F::kOutcome:
    case F::kEdition:
    case F::kSetting:
    case F::kChange:
    case F::kUserType:
    case F::kVia:
    case F::kPermittedUsers:
    case F::kPolicySource:
    case F::kFlow:
    case F::kGrant:
    case F::kOrigin:
    case F::kApiFamily:
    case F::kCause:
      return FieldType::kEnum;
    default:
      return FieldType::kString;
  }
}

std::span<const FieldRule> KindSpec(Kind k) {
  switch (k) {
    case Kind::kOrgCreated:
      return kOrgCreated;
    case Kind::kOrgEdition:
      return kOrgEdition;
    case Kind::kOrgSetting:
      return kOrgSetting;
    case Kind::kOrgEnforcement:
      return kOrgEnforcement;
    case Kind::kUserUpsert:
      return kUserUpsert;
    case Kind::kProfilePermission:
      return kProfilePermission;
    case Kind::kPermsetPermission:
      return kPermsetPermission;
    case Kind::kPermsetAssign:
      return kPermsetAssign;
    case Kind::kPermsetUnassign:
      return kPermsetUnassign;
    case Kind::kAppUpsert:
      return kAppUpsert;
    case Kind::kAppInstall:
    case Kind::kAppUninstall:
      return kAppInstallUninstall;
    case Kind::kAppBlock:
    case Kind::kAppUnblock:
      return kAppOnly;
    case Kind::kAppPolicy:
      return kAppPolicy;
    case Kind::kAppAccess:
      return kAppAccess;
    case Kind::kLoginUi:
      return kLoginUi;
    case Kind::kOauthAuthorize:
      return kOauthAuthorize;
    case Kind::kOauthToken:
      return kOauthToken;
    case Kind::kApiCall:
      return kApiCall;
    case Kind::kSoapLogin:
      return kSoapLogin;
    case Kind::kOauthRevoke:
      return kOauthRevoke;
    case Kind::kUnmapped:
      return kUnmapped;
  }
  return {};
}

std::span<const char* const> EnumNames(Field f) {
  switch (f) {
    case F::kOutcome:
      return NamesOf<Outcome>(fb::EnumNamesOutcome);
    case F::kEdition:
      return NamesOf<Edition>(fb::EnumNamesEdition);
    case F::kSetting:
      return NamesOf<Setting>(fb::EnumNamesSetting);
    case F::kChange:
      return NamesOf<Change>(fb::EnumNamesChange);
    case F::kUserType:
      return NamesOf<UserType>(fb::EnumNamesUserType);
    case F::kVia:
      return NamesOf<Via>(fb::EnumNamesVia);
    case F::kPermittedUsers:
      return NamesOf<PermittedUsers>(fb::EnumNamesPermittedUsers);
    case F::kPolicySource:
      return NamesOf<PolicySource>(fb::EnumNamesPolicySource);
    case F::kFlow:
      return NamesOf<Flow>(fb::EnumNamesFlow);
    case F::kGrant:
      return NamesOf<Grant>(fb::EnumNamesGrant);
    case F::kOrigin:
      return NamesOf<Origin>(fb::EnumNamesOrigin);
    case F::kApiFamily:
      return NamesOf<ApiFamily>(fb::EnumNamesApiFamily);
    case F::kCause:
      return NamesOf<RevokeCause>(fb::EnumNamesRevokeCause);
    default:
      return {};
  }
}

}  // namespace authtrail

// ---- Field values as JSON ----
// (AppendJsonString lives with the canonical form, schemas/canonical.cc.)

namespace authtrail {
namespace {

bool Put(const std::optional<std::string>& v, std::string* out) {
  if (!v) return false;
  AppendJsonString(*v, out);
  return true;
}

bool Put(const std::optional<bool>& v, std::string* out) {
  if (!v) return false;
  *out += *v ? "true" : "false";
  return true;
}

bool PutTime(const std::optional<MicrosUtc>& v, TimeStyle style, std::string* out) {
  if (!v) return false;
  *out += '"';
  *out += style == TimeStyle::kCanonical ? FormatCanonical(*v) : FormatOutput(*v);
  *out += '"';
  return true;
}

template <typename E>
bool PutEnum(const std::optional<E>& v, Field f, std::string* out) {
  if (!v) return false;
  *out += '"';
  *out += EnumNames(f)[static_cast<size_t>(*v)];
  *out += '"';
  return true;
}

}  // namespace

bool AppendFieldJson(const Event& e, Field f, TimeStyle style, std::string* out) {
  switch (f) {
    case F::kTs:
      return PutTime(e.ts, style, out);
    case F::kOrg:
      AppendJsonString(e.org, out);
      return true;
    case F::kKind:
      *out += '"';
      *out += KindName(e.kind);
      *out += '"';
      return true;
    case F::kId:
      return Put(e.id, out);
    case F::kActor:
      return Put(e.actor, out);
    case F::kSource:
      return Put(e.source, out);
    case F::kOutcome:
      return PutEnum(e.outcome, f, out);
    case F::kStatus:
      return Put(e.status, out);
    case F::kEdition:
      return PutEnum(e.edition, f, out);
    case F::kSetting:
      return PutEnum(e.setting, f, out);
    case F::kEnabled:
      return Put(e.enabled, out);
    case F::kChange:
      return PutEnum(e.change, f, out);
    case F::kAt:
      return PutTime(e.at, style, out);
    case F::kUser:
      return Put(e.user, out);
    case F::kUsername:
      return Put(e.username, out);
    case F::kUserType:
      return PutEnum(e.user_type, f, out);
    case F::kProfile:
      return Put(e.profile, out);
    case F::kActive:
      return Put(e.active, out);
    case F::kPermission:
      return Put(e.permission, out);
    case F::kPermset:
      return Put(e.permset, out);
    case F::kExpiresAt:
      return PutTime(e.expires_at, style, out);
    case F::kApp:
      return Put(e.app, out);
    case F::kName:
      return Put(e.name, out);
    case F::kAllowlisted:
      return Put(e.allowlisted, out);
    case F::kOrgManaged:
      return Put(e.org_managed, out);
    case F::kSalesforceCliDefault:
      return Put(e.salesforce_cli_default, out);
    case F::kVia:
      return PutEnum(e.via, f, out);
    case F::kPermittedUsers:
      return PutEnum(e.permitted_users, f, out);
    case F::kPolicySource:
      return PutEnum(e.policy_source, f, out);
    case F::kFlow:
      return PutEnum(e.flow, f, out);
    case F::kGrant:
      return PutEnum(e.grant, f, out);
    case F::kGrantTs:
      return PutTime(e.grant_ts, style, out);
    case F::kOrigin:
      return PutEnum(e.origin, f, out);
    case F::kApiFamily:
      return PutEnum(e.api_family, f, out);
    case F::kCause:
      return PutEnum(e.cause, f, out);
    case F::kAction:
      return Put(e.action, out);
    case F::kSection:
      return Put(e.section, out);
    case F::kDisplay:
      return Put(e.display, out);
  }
  return false;
}

}  // namespace authtrail
