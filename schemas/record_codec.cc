// Store values: FlatBuffers `Record`s (schemas/authtrail.fbs).
//
// Encoding grammar (one value of the store's `log` column family):
//   value       := FlatBuffers buffer, file identifier "ATR1", root table Record
//   Record      := { batch: uint, body: RecordBody }
//   RecordBody  := Event | BatchBegin | BatchEnd          (union tag 1, 2, 3)
//   Event       := { ts, org, id?, actor?, source?, outcome?, status?, body: EventBody }
//   EventBody   := one table per Kind; union tag = Kind value + 1
// Only present optional fields are written (optional scalars are `= null`),
// so a decoded event is exactly the event that was encoded. Each kind's
// fields are read and written through a table of (Field, vtable slot) built
// from the generated VT_* constants, so a schema edit that moves a slot is a
// compile error here rather than a silent mis-read.
//
// Decoding trusts nothing: the FlatBuffers Verifier runs first (bounds,
// offsets, alignment, identifier), then the union tags, enum ranges, bools,
// UTF-8 and the kind's required fields are checked; any failure is
// kCorruption, whatever the bytes.
//
// ChainBytes of batch records (the bytes the integrity chain hashes; like an
// event's canonical form: one JSON object, keys in byte order, no whitespace,
// strings escaped as canonical.h, instants as FormatCanonical, SHA-256 as 64
// lowercase hex digits, integers in decimal):
//   {"inputs":["a.jsonl","-"],"kind":"batch.begin","number":1,
//    "started_at":"2025-01-02T03:04:05.000000Z","version":"0.1.0"}
//   {"duplicates":0,"ended_at":"...","inputs":[{"name":"a.jsonl",
//    "sha256":"<hex>","size":123}],"kind":"batch.end","number":1,"read":10,
//    "rejected":0,"stored":10}
// A record's `batch` field is not part of its chain bytes: for batch records
// it equals `number`, and for events it is implied by position (the last
// BatchBegin before the event); the store's Verify checks both.
#include "schemas/record_codec.h"

#include <array>
#include <cstring>
#include <span>
#include <type_traits>

#include "schemas/canonical.h"

namespace authtrail {
namespace {

using F = Field;
using flatbuffers::voffset_t;

// ---- Kind layout: which Event member lives in which slot of the kind's table.

struct Slot {
  Field field;
  voffset_t vt;
};

constexpr Slot kOrgCreatedSlots[] = {{F::kEdition, fb::OrgCreated::VT_EDITION}};
constexpr Slot kOrgEditionSlots[] = {{F::kEdition, fb::OrgEdition::VT_EDITION}};
constexpr Slot kOrgSettingSlots[] = {{F::kSetting, fb::OrgSetting::VT_SETTING},
                                     {F::kEnabled, fb::OrgSetting::VT_ENABLED}};
constexpr Slot kOrgEnforcementSlots[] = {{F::kChange, fb::OrgEnforcement::VT_CHANGE},
                                         {F::kAt, fb::OrgEnforcement::VT_AT}};
constexpr Slot kUserUpsertSlots[] = {{F::kUser, fb::UserUpsert::VT_USER},
                                     {F::kUsername, fb::UserUpsert::VT_USERNAME},
                                     {F::kUserType, fb::UserUpsert::VT_USER_TYPE},
                                     {F::kProfile, fb::UserUpsert::VT_PROFILE},
                                     {F::kActive, fb::UserUpsert::VT_ACTIVE}};
constexpr Slot kProfilePermissionSlots[] = {{F::kProfile, fb::ProfilePermission::VT_PROFILE},
                                            {F::kPermission, fb::ProfilePermission::VT_PERMISSION},
                                            {F::kEnabled, fb::ProfilePermission::VT_ENABLED}};
constexpr Slot kPermsetPermissionSlots[] = {{F::kPermset, fb::PermsetPermission::VT_PERMSET},
                                            {F::kPermission, fb::PermsetPermission::VT_PERMISSION},
                                            {F::kEnabled, fb::PermsetPermission::VT_ENABLED}};
constexpr Slot kPermsetAssignSlots[] = {{F::kPermset, fb::PermsetAssign::VT_PERMSET},
                                        {F::kUser, fb::PermsetAssign::VT_USER},
                                        {F::kExpiresAt, fb::PermsetAssign::VT_EXPIRES_AT}};
constexpr Slot kPermsetUnassignSlots[] = {{F::kPermset, fb::PermsetUnassign::VT_PERMSET},
                                          {F::kUser, fb::PermsetUnassign::VT_USER}};
constexpr Slot kAppUpsertSlots[] = {
    {F::kApp, fb::AppUpsert::VT_APP},
    {F::kName, fb::AppUpsert::VT_NAME},
    {F::kAllowlisted, fb::AppUpsert::VT_ALLOWLISTED},
    {F::kOrgManaged, fb::AppUpsert::VT_ORG_MANAGED},
    {F::kSalesforceCliDefault, fb::AppUpsert::VT_SALESFORCE_CLI_DEFAULT}};
constexpr Slot kAppInstallSlots[] = {{F::kApp, fb::AppInstall::VT_APP},
                                     {F::kVia, fb::AppInstall::VT_VIA}};
constexpr Slot kAppUninstallSlots[] = {{F::kApp, fb::AppUninstall::VT_APP},
                                       {F::kVia, fb::AppUninstall::VT_VIA}};
constexpr Slot kAppBlockSlots[] = {{F::kApp, fb::AppBlock::VT_APP}};
constexpr Slot kAppUnblockSlots[] = {{F::kApp, fb::AppUnblock::VT_APP}};
constexpr Slot kAppPolicySlots[] = {{F::kApp, fb::AppPolicy::VT_APP},
                                    {F::kPermittedUsers, fb::AppPolicy::VT_PERMITTED_USERS},
                                    {F::kPolicySource, fb::AppPolicy::VT_POLICY_SOURCE}};
constexpr Slot kAppAccessSlots[] = {{F::kApp, fb::AppAccess::VT_APP},
                                    {F::kProfile, fb::AppAccess::VT_PROFILE},
                                    {F::kPermset, fb::AppAccess::VT_PERMSET},
                                    {F::kEnabled, fb::AppAccess::VT_ENABLED}};
constexpr Slot kLoginUiSlots[] = {{F::kUser, fb::LoginUi::VT_USER}};
constexpr Slot kOauthAuthorizeSlots[] = {{F::kUser, fb::OauthAuthorize::VT_USER},
                                         {F::kApp, fb::OauthAuthorize::VT_APP},
                                         {F::kFlow, fb::OauthAuthorize::VT_FLOW}};
constexpr Slot kOauthTokenSlots[] = {{F::kUser, fb::OauthToken::VT_USER},
                                     {F::kApp, fb::OauthToken::VT_APP},
                                     {F::kGrant, fb::OauthToken::VT_GRANT},
                                     {F::kGrantTs, fb::OauthToken::VT_GRANT_TS}};
constexpr Slot kApiCallSlots[] = {{F::kUser, fb::ApiCall::VT_USER},
                                  {F::kApp, fb::ApiCall::VT_APP},
                                  {F::kOrigin, fb::ApiCall::VT_ORIGIN},
                                  {F::kApiFamily, fb::ApiCall::VT_API_FAMILY},
                                  {F::kGrantTs, fb::ApiCall::VT_GRANT_TS}};
constexpr Slot kSoapLoginSlots[] = {{F::kUser, fb::SoapLogin::VT_USER},
                                    {F::kApp, fb::SoapLogin::VT_APP}};
constexpr Slot kOauthRevokeSlots[] = {{F::kUser, fb::OauthRevoke::VT_USER},
                                      {F::kApp, fb::OauthRevoke::VT_APP},
                                      {F::kCause, fb::OauthRevoke::VT_CAUSE}};
constexpr Slot kUnmappedSlots[] = {{F::kAction, fb::Unmapped::VT_ACTION},
                                   {F::kSection, fb::Unmapped::VT_SECTION},
                                   {F::kDisplay, fb::Unmapped::VT_DISPLAY},
                                   {F::kUser, fb::Unmapped::VT_USER},
                                   {F::kApp, fb::Unmapped::VT_APP}};
constexpr size_t kMaxSlots = 5;

// The union tag of kind K's table T is K's value + 1 (schemas/event.h).
#define AT_KIND_SLOTS(K, T)                                                                \
  case Kind::k##K:                                                                         \
    static_assert(static_cast<int>(Kind::k##K) + 1 == static_cast<int>(fb::EventBody::T)); \
    static_assert(std::size(k##K##Slots) <= kMaxSlots);                                    \
    return k##K##Slots

std::span<const Slot> SlotsOf(Kind k) {
  switch (k) {
    AT_KIND_SLOTS(OrgCreated, OrgCreated);
    AT_KIND_SLOTS(OrgEdition, OrgEdition);
    AT_KIND_SLOTS(OrgSetting, OrgSetting);
    AT_KIND_SLOTS(OrgEnforcement, OrgEnforcement);
    AT_KIND_SLOTS(UserUpsert, UserUpsert);
    AT_KIND_SLOTS(ProfilePermission, ProfilePermission);
    AT_KIND_SLOTS(PermsetPermission, PermsetPermission);
    AT_KIND_SLOTS(PermsetAssign, PermsetAssign);
    AT_KIND_SLOTS(PermsetUnassign, PermsetUnassign);
    AT_KIND_SLOTS(AppUpsert, AppUpsert);
    AT_KIND_SLOTS(AppInstall, AppInstall);
    AT_KIND_SLOTS(AppUninstall, AppUninstall);
    AT_KIND_SLOTS(AppBlock, AppBlock);
    AT_KIND_SLOTS(AppUnblock, AppUnblock);
    AT_KIND_SLOTS(AppPolicy, AppPolicy);
    AT_KIND_SLOTS(AppAccess, AppAccess);
    AT_KIND_SLOTS(LoginUi, LoginUi);
    AT_KIND_SLOTS(OauthAuthorize, OauthAuthorize);
    AT_KIND_SLOTS(OauthToken, OauthToken);
    AT_KIND_SLOTS(ApiCall, ApiCall);
    AT_KIND_SLOTS(SoapLogin, SoapLogin);
    AT_KIND_SLOTS(OauthRevoke, OauthRevoke);
    AT_KIND_SLOTS(Unmapped, Unmapped);
  }
  return {};
}
#undef AT_KIND_SLOTS
static_assert(kKindCount == static_cast<int>(fb::EventBody::MAX));

// Calls fn(member) with the Event member that holds kind-specific field f
// (E is Event or const Event). Returns false for fields that are not
// kind-specific (common fields are handled explicitly).
template <typename E, typename Fn>
bool VisitMember(E& e, Field f, Fn&& fn) {
  // clang-format off
  switch (f) {
    case F::kEdition: fn(e.edition); return true;
    case F::kSetting: fn(e.setting); return true;
    case F::kEnabled: fn(e.enabled); return true;
    case F::kChange: fn(e.change); return true;
    case F::kAt: fn(e.at); return true;
    case F::kUser: fn(e.user); return true;
    case F::kUsername: fn(e.username); return true;
    case F::kUserType: fn(e.user_type); return true;
    case F::kProfile: fn(e.profile); return true;
    case F::kActive: fn(e.active); return true;
    case F::kPermission: fn(e.permission); return true;
    case F::kPermset: fn(e.permset); return true;
    case F::kExpiresAt: fn(e.expires_at); return true;
    case F::kApp: fn(e.app); return true;
    case F::kName: fn(e.name); return true;
    case F::kAllowlisted: fn(e.allowlisted); return true;
    case F::kOrgManaged: fn(e.org_managed); return true;
    case F::kSalesforceCliDefault: fn(e.salesforce_cli_default); return true;
    case F::kVia: fn(e.via); return true;
    case F::kPermittedUsers: fn(e.permitted_users); return true;
    case F::kPolicySource: fn(e.policy_source); return true;
    case F::kFlow: fn(e.flow); return true;
    case F::kGrant: fn(e.grant); return true;
    case F::kGrantTs: fn(e.grant_ts); return true;
    case F::kOrigin: fn(e.origin); return true;
    case F::kApiFamily: fn(e.api_family); return true;
    case F::kCause: fn(e.cause); return true;
    case F::kAction: fn(e.action); return true;
    case F::kSection: fn(e.section); return true;
    case F::kDisplay: fn(e.display); return true;
    default: return false;
  }
  // clang-format on
}

template <typename M>
using ValueOf = typename std::remove_cvref_t<M>::value_type;
template <typename M>
constexpr bool kIsString = std::is_same_v<ValueOf<M>, std::string>;
template <typename M>
constexpr bool kIsTime = std::is_same_v<ValueOf<M>, MicrosUtc>;
template <typename M>
constexpr bool kIsBool = std::is_same_v<ValueOf<M>, bool>;

// ---- Validation shared by ValidateEvent (writers) and decoding (readers).

// True when the 8 bytes at p are all below 0x80.
bool IsAsciiWord(const unsigned char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return (w & 0x8080808080808080) == 0;
}

// Strict UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    if (end - p >= 8 && IsAsciiWord(p)) {  // ids and names: mostly plain ASCII
      p += 8;
      continue;
    }
    if (*p < 0x80) {
      ++p;
      continue;
    }
    int n;
    uint32_t cp;
    if ((*p & 0xE0) == 0xC0) {
      n = 1, cp = *p & 0x1F;
    } else if ((*p & 0xF0) == 0xE0) {
      n = 2, cp = *p & 0x0F;
    } else if ((*p & 0xF8) == 0xF0) {
      n = 3, cp = *p & 0x07;
    } else {
      return false;
    }
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = cp << 6 | (p[i] & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    p += n + 1;
  }
  return true;
}

// Number of values of enum field f (0 for non-enum fields).
size_t EnumSize(Field f) { return EnumNames(f).size(); }

// Checks one present member's value; empty string when fine, else the reason.
template <typename M>
std::string_view CheckValue(Field f, const M& m) {
  if constexpr (kIsString<M>) {
    if (!IsValidUtf8(*m)) return "is not valid UTF-8";
  } else if constexpr (!kIsTime<M> && !kIsBool<M>) {
    if (static_cast<size_t>(*m) >= EnumSize(f)) return "enum value out of range";
  }
  return {};
}

bool IsKindSpecField(Kind k, Field f) {
  for (const FieldRule& r : KindSpec(k)) {
    if (r.field == f) return true;
  }
  return false;
}

std::string FieldError(Kind k, Field f, std::string_view what) {
  std::string m(KindName(k));
  m.append(" field ").append(FieldName(f)).append(" ").append(what);
  return m;
}

// Checks the kind-specific members of a (writer's or decoded) event:
// required ones present, others of the kind absent, values valid.
std::string CheckKindFields(const Event& e) {
  for (int i = static_cast<int>(F::kEdition); i < kFieldCount; ++i) {
    const auto f = static_cast<Field>(i);
    std::string error;
    VisitMember(e, f, [&](const auto& m) {
      if (!m.has_value()) return;
      if (!IsKindSpecField(e.kind, f)) {
        error = FieldError(e.kind, f, "is not a field of this kind");
      } else if (std::string_view why = CheckValue(f, m); !why.empty()) {
        error = FieldError(e.kind, f, why);
      }
    });
    if (!error.empty()) return error;
  }
  for (const FieldRule& r : KindSpec(e.kind)) {
    bool present = false;
    VisitMember(e, r.field, [&](const auto& m) { present = m.has_value(); });
    if (r.required && !present) return FieldError(e.kind, r.field, "is missing");
  }
  return {};
}

std::string CheckCommonFields(const Event& e) {
  if (static_cast<int>(e.kind) >= kKindCount) return "kind out of range";
  if (e.org.size() != 18) return "org is not an 18-character id";
  if (!IsValidUtf8(e.org)) return "org is not valid UTF-8";
  for (const auto* s : {&e.id, &e.actor, &e.source, &e.status}) {
    if (s->has_value() && !IsValidUtf8(**s)) return "a common field is not valid UTF-8";
  }
  if (e.outcome && static_cast<size_t>(*e.outcome) >= EnumSize(F::kOutcome)) {
    return "outcome enum value out of range";
  }
  return {};
}

std::string CheckEvent(const Event& e) {
  std::string error = CheckCommonFields(e);
  return error.empty() ? CheckKindFields(e) : error;
}

// For decoded events: their kind-specific members come only from the kind's
// slots and were value-checked while read, so only presence is left.
std::string CheckRequired(const Event& e) {
  for (const FieldRule& r : KindSpec(e.kind)) {
    if (!r.required) continue;
    bool present = false;
    VisitMember(e, r.field, [&](const auto& m) { present = m.has_value(); });
    if (!present) return FieldError(e.kind, r.field, "is missing");
  }
  return {};
}

// ---- Encoding.

flatbuffers::Offset<flatbuffers::String> OptString(flatbuffers::FlatBufferBuilder& fbb,
                                                   const std::optional<std::string>& s) {
  return s ? fbb.CreateString(s->data(), s->size()) : 0;
}

// Writes the kind table: strings first (they must precede the table), then
// the scalars largest first so the table needs no padding between them.
flatbuffers::Offset<void> EncodeBody(flatbuffers::FlatBufferBuilder& fbb, const Event& e) {
  const std::span<const Slot> slots = SlotsOf(e.kind);
  std::array<flatbuffers::Offset<flatbuffers::String>, kMaxSlots> strings{};
  for (size_t i = 0; i < slots.size(); ++i) {
    VisitMember(e, slots[i].field, [&](const auto& m) {
      if constexpr (kIsString<decltype(m)>) strings[i] = OptString(fbb, m);
    });
  }
  const flatbuffers::uoffset_t start = fbb.StartTable();
  for (size_t i = 0; i < slots.size(); ++i) {
    VisitMember(e, slots[i].field, [&](const auto& m) {
      if constexpr (kIsTime<decltype(m)>) {
        if (m) fbb.AddElement<int64_t>(slots[i].vt, *m);
      }
    });
  }
  for (size_t i = 0; i < slots.size(); ++i) {
    if (!strings[i].IsNull()) fbb.AddOffset(slots[i].vt, strings[i]);
  }
  for (size_t i = 0; i < slots.size(); ++i) {
    VisitMember(e, slots[i].field, [&](const auto& m) {
      using M = decltype(m);
      if constexpr (!kIsString<M> && !kIsTime<M>) {
        if (m) fbb.AddElement<uint8_t>(slots[i].vt, static_cast<uint8_t>(*m));
      }
    });
  }
  return flatbuffers::Offset<void>(fbb.EndTable(start));
}

flatbuffers::Offset<fb::Event> EncodeEventTable(flatbuffers::FlatBufferBuilder& fbb,
                                                const Event& e) {
  const auto body = EncodeBody(fbb, e);
  const auto org = fbb.CreateString(e.org);
  const auto id = OptString(fbb, e.id);
  const auto actor = OptString(fbb, e.actor);
  const auto source = OptString(fbb, e.source);
  const auto status = OptString(fbb, e.status);
  flatbuffers::Optional<fb::Outcome> outcome = flatbuffers::nullopt;
  if (e.outcome) outcome = *e.outcome;
  const auto tag = static_cast<fb::EventBody>(static_cast<uint8_t>(e.kind) + 1);
  return fb::CreateEvent(fbb, e.ts, org, id, actor, source, outcome, status, tag, body);
}

flatbuffers::Offset<fb::BatchBegin> EncodeBatchBegin(flatbuffers::FlatBufferBuilder& fbb,
                                                     const BatchBeginInfo& b) {
  std::vector<flatbuffers::Offset<flatbuffers::String>> names;
  names.reserve(b.inputs.size());
  for (const std::string& n : b.inputs) names.push_back(fbb.CreateString(n));
  const auto inputs = fbb.CreateVector(names);
  const auto version = fbb.CreateString(b.version);
  return fb::CreateBatchBegin(fbb, b.number, b.started_at, version, inputs);
}

flatbuffers::Offset<fb::BatchEnd> EncodeBatchEnd(flatbuffers::FlatBufferBuilder& fbb,
                                                 const BatchEndInfo& b) {
  std::vector<flatbuffers::Offset<fb::BatchInput>> tables;
  tables.reserve(b.inputs.size());
  for (const BatchInputInfo& in : b.inputs) {
    const auto name = fbb.CreateString(in.name);
    const auto sha = fbb.CreateVector(in.sha256.data(), in.sha256.size());
    tables.push_back(fb::CreateBatchInput(fbb, name, in.size, sha));
  }
  const auto inputs = fbb.CreateVector(tables);
  return fb::CreateBatchEnd(fbb, b.number, b.ended_at, inputs, b.read, b.stored, b.duplicates,
                            b.rejected);
}

std::string_view Finish(flatbuffers::FlatBufferBuilder& fbb, uint32_t batch, fb::RecordBody tag,
                        flatbuffers::Offset<void> body) {
  fb::FinishRecordBuffer(fbb, fb::CreateRecord(fbb, batch, tag, body));
  return {reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()};
}

// ---- Decoding (after the Verifier passed).

Status Bad(std::string_view what) { return Status::Corruption(std::string(what)); }

std::optional<std::string> OptString(const flatbuffers::String* s) {
  if (s == nullptr) return std::nullopt;
  return std::string(s->data(), s->size());
}

// Reads one slot of a verified kind table into the matching Event member.
std::string ReadSlot(const flatbuffers::Table& t, const Slot& slot, Event* e) {
  std::string error;
  VisitMember(*e, slot.field, [&](auto& m) {
    using M = decltype(m);
    if constexpr (kIsString<M>) {
      m = OptString(t.GetPointer<const flatbuffers::String*>(slot.vt));
    } else if constexpr (kIsTime<M>) {
      if (auto v = t.GetOptional<int64_t, int64_t>(slot.vt)) m = *v;
    } else if (auto v = t.GetOptional<uint8_t, uint8_t>(slot.vt)) {
      if constexpr (kIsBool<M>) {
        if (*v > 1) error = FieldError(e->kind, slot.field, "is not a bool");
        m = *v != 0;
      } else {
        m = static_cast<ValueOf<M>>(*v);
      }
    }
    if (m.has_value() && error.empty()) {
      if (std::string_view why = CheckValue(slot.field, m); !why.empty()) {
        error = FieldError(e->kind, slot.field, why);
      }
    }
  });
  return error;
}

// Decodes into *e, a default-constructed Event inside the caller's record:
// an Event is ~40 optional members, and moving it out of a Result<Event> and
// into the record's variant cost more than decoding its strings (callgrind).
Status DecodeEventInto(const fb::Event& fe, Event* e) {
  const auto tag = static_cast<int>(fe.body_type());
  if (tag < 1 || tag > kKindCount) return Bad("unknown event kind tag " + std::to_string(tag));
  if (fe.body() == nullptr) return Bad("event has no body");
  if (fe.org() == nullptr) return Bad("event has no org");
  e->kind = static_cast<Kind>(tag - 1);
  e->ts = fe.ts();
  e->org.assign(fe.org()->data(), fe.org()->size());
  e->id = OptString(fe.id());
  e->actor = OptString(fe.actor());
  e->source = OptString(fe.source());
  e->status = OptString(fe.status());
  if (auto o = fe.outcome()) e->outcome = *o;
  const auto& table = *static_cast<const flatbuffers::Table*>(fe.body());
  for (const Slot& slot : SlotsOf(e->kind)) {
    if (std::string error = ReadSlot(table, slot, e); !error.empty()) return Bad(error);
  }
  std::string error = CheckCommonFields(*e);
  if (error.empty()) error = CheckRequired(*e);
  if (!error.empty()) return Bad(error);
  return Status::Ok();
}

Result<BatchBeginInfo> DecodeBatchBegin(const fb::BatchBegin& fb) {
  if (fb.version() == nullptr || fb.inputs() == nullptr) return Bad("batch.begin is incomplete");
  BatchBeginInfo b;
  b.number = fb.number();
  b.started_at = fb.started_at();
  b.version.assign(fb.version()->data(), fb.version()->size());
  for (const flatbuffers::String* s : *fb.inputs()) {
    if (s == nullptr) return Bad("batch.begin input name is missing");
    b.inputs.emplace_back(s->data(), s->size());
  }
  return b;
}

Result<BatchEndInfo> DecodeBatchEnd(const fb::BatchEnd& fb) {
  if (fb.inputs() == nullptr) return Bad("batch.end has no inputs");
  BatchEndInfo b;
  b.number = fb.number();
  b.ended_at = fb.ended_at();
  b.read = fb.read();
  b.stored = fb.stored();
  b.duplicates = fb.duplicates();
  b.rejected = fb.rejected();
  for (const fb::BatchInput* in : *fb.inputs()) {
    if (in == nullptr || in->name() == nullptr) return Bad("batch.end input has no name");
    if (in->sha256() == nullptr || in->sha256()->size() != 32) {
      return Bad("batch.end input sha256 is not 32 bytes");
    }
    BatchInputInfo info{std::string(in->name()->data(), in->name()->size()), in->size(), {}};
    std::memcpy(info.sha256.data(), in->sha256()->data(), 32);
    b.inputs.push_back(std::move(info));
  }
  return b;
}

// Fills *r, a default-constructed record (its body an empty Event).
Status DecodeVerifiedInto(const fb::Record& rec, StoredRecord* r) {
  if (rec.body() == nullptr) return Bad("record has no body");
  r->batch = rec.batch();
  switch (rec.body_type()) {
    case fb::RecordBody::Event:
      return DecodeEventInto(*rec.body_as_Event(), &std::get<Event>(r->body));
    case fb::RecordBody::BatchBegin: {
      AT_ASSIGN_OR_RETURN(r->body, DecodeBatchBegin(*rec.body_as_BatchBegin()));
      return Status::Ok();
    }
    case fb::RecordBody::BatchEnd: {
      AT_ASSIGN_OR_RETURN(r->body, DecodeBatchEnd(*rec.body_as_BatchEnd()));
      return Status::Ok();
    }
    default:
      return Bad("unknown record type " + std::to_string(static_cast<int>(rec.body_type())));
  }
}

// Decodes in place in the returned Result (one return: the compiler builds it
// in the caller's slot). Returning a local StoredRecord moved its Event twice
// on the way into the Result, which showed in the profile.
Result<StoredRecord> DecodeVerified(const fb::Record& rec) {
  Result<StoredRecord> out = StoredRecord{};
  if (Status s = DecodeVerifiedInto(rec, &*out); !s.ok()) out = std::move(s);
  return out;
}

// ---- Chain bytes of batch records (grammar in the file comment).

// Appends `"key":`, preceded by a comma unless it is the object's first member.
void AppendKey(std::string_view key, std::string* out) {
  if (out->back() != '{') out->push_back(',');
  out->push_back('"');
  out->append(key);
  out->append("\":");
}

void AppendNumberMember(std::string_view key, uint64_t v, std::string* out) {
  AppendKey(key, out);
  out->append(std::to_string(v));
}

void AppendStringMember(std::string_view key, std::string_view v, std::string* out) {
  AppendKey(key, out);
  AppendJsonString(v, out);
}

std::string BatchBeginChainBytes(const BatchBeginInfo& b) {
  std::string out = "{";
  AppendKey("inputs", &out);
  out.push_back('[');
  for (size_t i = 0; i < b.inputs.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(b.inputs[i], &out);
  }
  out.push_back(']');
  AppendStringMember("kind", "batch.begin", &out);
  AppendNumberMember("number", b.number, &out);
  AppendStringMember("started_at", FormatCanonical(b.started_at), &out);
  AppendStringMember("version", b.version, &out);
  out.push_back('}');
  return out;
}

void AppendBatchInput(const BatchInputInfo& in, std::string* out) {
  out->push_back('{');
  AppendStringMember("name", in.name, out);
  AppendStringMember("sha256", Hex(in.sha256), out);
  AppendNumberMember("size", in.size, out);
  out->push_back('}');
}

std::string BatchEndChainBytes(const BatchEndInfo& b) {
  std::string out = "{";
  AppendNumberMember("duplicates", b.duplicates, &out);
  AppendStringMember("ended_at", FormatCanonical(b.ended_at), &out);
  AppendKey("inputs", &out);
  out.push_back('[');
  for (size_t i = 0; i < b.inputs.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendBatchInput(b.inputs[i], &out);
  }
  out.push_back(']');
  AppendStringMember("kind", "batch.end", &out);
  AppendNumberMember("number", b.number, &out);
  AppendNumberMember("read", b.read, &out);
  AppendNumberMember("rejected", b.rejected, &out);
  AppendNumberMember("stored", b.stored, &out);
  out.push_back('}');
  return out;
}

}  // namespace

Status ValidateEvent(const Event& e) {
  std::string error = CheckEvent(e);
  return error.empty() ? Status::Ok() : Status::InvalidArgument(std::move(error));
}

std::string_view RecordEncoder::EncodeEvent(uint32_t batch, const Event& e) {
  fbb_.Clear();
  const auto event = EncodeEventTable(fbb_, e);
  return Finish(fbb_, batch, fb::RecordBody::Event, event.Union());
}

std::string_view RecordEncoder::Encode(const StoredRecord& r) {
  if (const auto* e = std::get_if<Event>(&r.body)) return EncodeEvent(r.batch, *e);
  fbb_.Clear();
  if (const auto* b = std::get_if<BatchBeginInfo>(&r.body)) {
    return Finish(fbb_, r.batch, fb::RecordBody::BatchBegin, EncodeBatchBegin(fbb_, *b).Union());
  }
  const auto& end = std::get<BatchEndInfo>(r.body);
  return Finish(fbb_, r.batch, fb::RecordBody::BatchEnd, EncodeBatchEnd(fbb_, end).Union());
}

std::string EncodeRecord(const StoredRecord& r) {
  RecordEncoder encoder;
  return std::string(encoder.Encode(r));
}

Result<StoredRecord> DecodeRecord(std::string_view bytes) {
  // FlatBuffers reads scalars in place, so the buffer must be aligned like
  // the largest scalar (8); RocksDB hands out values at any address.
  // Decoded events own their strings, so the scratch copy can be reused.
  thread_local std::vector<uint64_t> copy;
  if (bytes.size() >= FLATBUFFERS_MAX_BUFFER_SIZE) return Bad("record too large");
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  if (reinterpret_cast<uintptr_t>(data) % alignof(uint64_t) != 0) {
    copy.resize(bytes.size() / sizeof(uint64_t) + 1);
    std::memcpy(copy.data(), bytes.data(), bytes.size());
    data = reinterpret_cast<const uint8_t*>(copy.data());
  }
  if (bytes.size() < 8 || !flatbuffers::BufferHasIdentifier(data, fb::RecordIdentifier())) {
    return Bad("not an authtrail record (no \"ATR1\" file identifier)");
  }
  flatbuffers::Verifier verifier(data, bytes.size());
  if (!fb::VerifyRecordBuffer(verifier)) return Bad("record fails FlatBuffers verification");
  return DecodeVerified(*fb::GetRecord(data));
}

std::string ChainBytes(const StoredRecord& r) {
  if (const auto* e = std::get_if<Event>(&r.body)) return Canonical(*e);
  if (const auto* b = std::get_if<BatchBeginInfo>(&r.body)) return BatchBeginChainBytes(*b);
  return BatchEndChainBytes(std::get<BatchEndInfo>(r.body));
}

}  // namespace authtrail
