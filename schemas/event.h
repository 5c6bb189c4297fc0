// Event: one normalized record of events.md, the language every module speaks.
//
// ingest/ produces Events (parsed, validated, normalized); store/ encodes them
// as FlatBuffers `Record`s (schemas/authtrail.fbs) and decodes them on read;
// replay/ folds them. An Event keeps exactly the fields its source gave:
// optional members are absent when the input did not carry them; defaults
// (e.g. api.call origin) are applied by replay, never stored.
//
// Which members a kind uses, and which are required, is the table returned by
// KindSpec(); ingest validates against it and the canonical form (canonical.h)
// writes the present ones.
//
// Thread-safety: thread-compatible value types.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/time.h"
#include "schemas/authtrail_generated.h"

namespace authtrail {

// Enumerations shared with the on-disk format; their names are the JSONL values.
using fb::ApiFamily;
using fb::Change;
using fb::Edition;
using fb::Flow;
using fb::Grant;
using fb::Origin;
using fb::Outcome;
using fb::PermittedUsers;
using fb::PolicySource;
using fb::RevokeCause;
using fb::Setting;
using fb::UserType;
using fb::Via;

// Event kinds, in FOLD ORDER (events.md "Ordering": state kinds in table order,
// then the access kinds). The numeric value is the fold rank; it is also the
// FlatBuffers EventBody tag minus one (checked in record_codec.cc).
enum class Kind : uint8_t {
  kOrgCreated,
  kOrgEdition,
  kOrgSetting,
  kOrgEnforcement,
  kUserUpsert,
  kProfilePermission,
  kPermsetPermission,
  kPermsetAssign,
  kPermsetUnassign,
  kAppUpsert,
  kAppInstall,
  kAppUninstall,
  kAppBlock,
  kAppUnblock,
  kAppPolicy,
  kAppAccess,
  // access kinds
  kLoginUi,
  kOauthAuthorize,
  kOauthToken,
  kApiCall,
  kSoapLogin,
  kOauthRevoke,
  // kept but never folded (appended last: kind values are on-disk tags)
  kUnmapped,
};
inline constexpr int kKindCount = 23;

// "org.created", "oauth.token", ...
std::string_view KindName(Kind k);
std::optional<Kind> KindFromName(std::string_view name);
// Fold rank at equal ts (0 = first).
inline uint8_t KindFoldRank(Kind k) { return static_cast<uint8_t>(k); }
// login.ui .. soap.login are evaluated by replay; oauth.revoke is folded as
// state (rules.md §13.18) but listed with the access kinds in events.md.
// unmapped is neither: replay skips it.
bool IsAccessKind(Kind k);

// Every JSONL field name of events.md. Values are not persisted.
enum class Field : uint8_t {
  kTs,
  kOrg,
  kKind,
  kId,
  kActor,
  kSource,
  kOutcome,
  kStatus,
  kEdition,
  kSetting,
  kEnabled,
  kChange,
  kAt,
  kUser,
  kUsername,
  kUserType,
  kProfile,
  kActive,
  kPermission,
  kPermset,
  kExpiresAt,
  kApp,
  kName,
  kAllowlisted,
  kOrgManaged,
  kSalesforceCliDefault,
  kVia,
  kPermittedUsers,
  kPolicySource,
  kFlow,
  kGrant,
  kGrantTs,
  kOrigin,
  kApiFamily,
  kCause,
  kAction,
  kSection,
  kDisplay,
};
inline constexpr int kFieldCount = 38;
std::string_view FieldName(Field f);  // "expires_at", ...
std::optional<Field> FieldFromName(std::string_view name);

// How a field's JSON value is read and normalized.
enum class FieldType : uint8_t {
  kString,     // any JSON string, kept as given
  kSfId,       // must be a 15/18-char Salesforce id; stored as 18 (org)
  kIdOrName,   // normalized to 18 chars when it is a 15/18-char id, else as given
  kTimestamp,  // RFC 3339 string -> UTC micros
  kBool,       // JSON true/false
  kEnum,       // one of the names of the field's enumeration
};
FieldType TypeOf(Field f);

struct FieldRule {
  Field field;
  bool required;
};
// The kind-specific fields of `k` (common fields not included). app.access's
// "exactly one of profile / permset" is checked separately (both optional here).
std::span<const FieldRule> KindSpec(Kind k);

// For kEnum fields: the accepted names (index = on-disk value).
std::span<const char* const> EnumNames(Field f);

struct Event {
  // --- common (events.md "Common fields") ---
  MicrosUtc ts = 0;
  std::string org;  // 18 characters
  Kind kind = Kind::kLoginUi;
  std::optional<std::string> id;
  std::optional<std::string> actor;
  std::optional<std::string> source;
  std::optional<Outcome> outcome;
  std::optional<std::string> status;

  // --- kind-specific (see KindSpec) ---
  std::optional<Edition> edition;
  std::optional<Setting> setting;
  std::optional<bool> enabled;
  std::optional<Change> change;
  std::optional<MicrosUtc> at;
  std::optional<std::string> user;
  std::optional<std::string> username;
  std::optional<UserType> user_type;
  std::optional<std::string> profile;
  std::optional<bool> active;
  std::optional<std::string> permission;
  std::optional<std::string> permset;
  std::optional<MicrosUtc> expires_at;
  std::optional<std::string> app;
  std::optional<std::string> name;
  std::optional<bool> allowlisted;
  std::optional<bool> org_managed;
  std::optional<bool> salesforce_cli_default;
  std::optional<Via> via;
  std::optional<PermittedUsers> permitted_users;
  std::optional<PolicySource> policy_source;
  std::optional<Flow> flow;
  std::optional<Grant> grant;
  std::optional<MicrosUtc> grant_ts;
  std::optional<Origin> origin;
  std::optional<ApiFamily> api_family;
  std::optional<RevokeCause> cause;
  std::optional<std::string> action;   // unmapped
  std::optional<std::string> section;  // unmapped
  std::optional<std::string> display;  // unmapped

  bool operator==(const Event&) const = default;
};

// How timestamps are written: canonical (always 6 fraction digits) or output
// (cli.md: fraction only when non-zero).
enum class TimeStyle { kCanonical, kOutput };

// Appends the JSON value of field `f` of `e` (a quoted, escaped string; true/
// false; an enum name; a timestamp in `style`) and returns true, or returns
// false and appends nothing when the event does not carry the field.
bool AppendFieldJson(const Event& e, Field f, TimeStyle style, std::string* out);

}  // namespace authtrail
