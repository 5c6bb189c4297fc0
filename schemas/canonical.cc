// Canonical JSON of an Event (events.md "Canonical form and idempotency").
//
// Grammar of the output (no whitespace anywhere):
//   canonical := '{' member (',' member)* '}'
//   member    := '"' field-name '":' value      -- fields in byte order of their names
//   value     := string | "true" | "false"   -- enums and instants are strings
// Only the fields of the event's kind (common + KindSpec) that are present are
// written; enums are written by name, instants as YYYY-MM-DDTHH:MM:SS.ffffffZ.
//
// This runs once per ingested event, so the per-kind field order (with the
// `"name":` prefixes) is computed once, and no map or sort runs per call.
#include "schemas/canonical.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <vector>

namespace authtrail {
namespace {

// How one field is tested for presence and written. Indexed by Field.
struct FieldWriter {
  Field field;
  bool (*present)(const Event&);
  void (*write)(const Event&, std::string*);
};

template <auto M>
bool Has(const Event& e) {
  return (e.*M).has_value();
}
bool Always(const Event&) { return true; }

template <auto M>
void WriteString(const Event& e, std::string* out) {
  AppendJsonString(*(e.*M), out);
}

template <auto M>
void WriteBool(const Event& e, std::string* out) {
  out->append(*(e.*M) ? "true" : "false");
}

void WriteInstant(MicrosUtc t, std::string* out) {
  out->push_back('"');
  out->append(FormatCanonical(t));
  out->push_back('"');
}

template <auto M>
void WriteTime(const Event& e, std::string* out) {
  WriteInstant(*(e.*M), out);
}

template <auto M, Field F>
void WriteEnum(const Event& e, std::string* out) {
  auto value = static_cast<size_t>(*(e.*M));
  std::span<const char* const> names = EnumNames(F);
  // Only a hand-built or corrupt Event can hold an undeclared value; writing
  // its number keeps the output valid JSON and distinct from every real name.
  if (value >= names.size()) {
    out->append(std::to_string(value));
    return;
  }
  AppendJsonString(names[value], out);
}

void WriteTs(const Event& e, std::string* out) { WriteInstant(e.ts, out); }
void WriteOrg(const Event& e, std::string* out) { AppendJsonString(e.org, out); }
void WriteKind(const Event& e, std::string* out) { AppendJsonString(KindName(e.kind), out); }

template <auto M>
constexpr FieldWriter Str(Field f) {
  return {f, Has<M>, WriteString<M>};
}
template <auto M>
constexpr FieldWriter Bool(Field f) {
  return {f, Has<M>, WriteBool<M>};
}
template <auto M>
constexpr FieldWriter Time(Field f) {
  return {f, Has<M>, WriteTime<M>};
}
template <auto M, Field F>
constexpr FieldWriter Enum() {
  return {F, Has<M>, WriteEnum<M, F>};
}

using F = Field;
using E = Event;

// In Field order (checked by FieldOrderIsConsistent below).
constexpr FieldWriter kWriters[kFieldCount] = {
    {F::kTs, Always, WriteTs},
    {F::kOrg, Always, WriteOrg},
    {F::kKind, Always, WriteKind},
    Str<&E::id>(F::kId),
    Str<&E::actor>(F::kActor),
    Str<&E::source>(F::kSource),
    Enum<&E::outcome, F::kOutcome>(),
    Str<&E::status>(F::kStatus),
    Enum<&E::edition, F::kEdition>(),
    Enum<&E::setting, F::kSetting>(),
    Bool<&E::enabled>(F::kEnabled),
    Enum<&E::change, F::kChange>(),
    Time<&E::at>(F::kAt),
    Str<&E::user>(F::kUser),
    Str<&E::username>(F::kUsername),
    Enum<&E::user_type, F::kUserType>(),
    Str<&E::profile>(F::kProfile),
    Bool<&E::active>(F::kActive),
    Str<&E::permission>(F::kPermission),
    Str<&E::permset>(F::kPermset),
    Time<&E::expires_at>(F::kExpiresAt),
    Str<&E::app>(F::kApp),
    Str<&E::name>(F::kName),
    Bool<&E::allowlisted>(F::kAllowlisted),
    Bool<&E::org_managed>(F::kOrgManaged),
    Bool<&E::salesforce_cli_default>(F::kSalesforceCliDefault),
    Enum<&E::via, F::kVia>(),
    Enum<&E::permitted_users, F::kPermittedUsers>(),
    Enum<&E::policy_source, F::kPolicySource>(),
    Enum<&E::flow, F::kFlow>(),
    Enum<&E::grant, F::kGrant>(),
    Time<&E::grant_ts>(F::kGrantTs),
    Enum<&E::origin, F::kOrigin>(),
    Enum<&E::api_family, F::kApiFamily>(),
    Enum<&E::cause, F::kCause>(),
    Str<&E::action>(F::kAction),
    Str<&E::section>(F::kSection),
    Str<&E::display>(F::kDisplay),
};

constexpr bool FieldOrderIsConsistent() {
  for (int i = 0; i < kFieldCount; ++i) {
    if (static_cast<int>(kWriters[i].field) != i) return false;
  }
  return true;
}
static_assert(FieldOrderIsConsistent(), "kWriters must be indexed by Field");

constexpr Field kCommonFields[] = {F::kTs,    F::kOrg,    F::kKind,    F::kId,
                                   F::kActor, F::kSource, F::kOutcome, F::kStatus};

// One member of a kind's canonical form: the writer and its `"name":` prefix.
struct Member {
  const FieldWriter* writer;
  std::string prefix;
};

std::vector<Member> MembersOf(Kind k) {
  std::vector<Field> fields(std::begin(kCommonFields), std::end(kCommonFields));
  for (const FieldRule& rule : KindSpec(k)) fields.push_back(rule.field);
  // std::string_view compares as unsigned bytes (char_traits<char>::compare).
  std::sort(fields.begin(), fields.end(),
            [](Field a, Field b) { return FieldName(a) < FieldName(b); });
  std::vector<Member> members;
  for (Field f : fields) {
    // Appended piecewise: `"\"" + std::string(...)` trips GCC 12's -Wrestrict at -O3.
    std::string prefix = "\"";
    prefix.append(FieldName(f));
    prefix.append("\":");
    members.push_back({&kWriters[static_cast<size_t>(f)], std::move(prefix)});
  }
  return members;
}

// The members of each kind in canonical order, built once (thread-safe static).
const std::vector<Member>& MembersFor(Kind k) {
  static const std::array<std::vector<Member>, kKindCount> kByKind = [] {
    std::array<std::vector<Member>, kKindCount> all;
    for (int i = 0; i < kKindCount; ++i) all[i] = MembersOf(static_cast<Kind>(i));
    return all;
  }();
  static const std::vector<Member> kNone;
  // Only a corrupt Event can hold an undeclared kind; "{}" never matches a real event.
  assert(static_cast<int>(k) < kKindCount);
  if (static_cast<int>(k) >= kKindCount) return kNone;
  return kByKind[static_cast<size_t>(k)];
}

char HexDigit(unsigned v) { return "0123456789abcdef"[v & 0xf]; }

// The two-character escapes JSON has; every other control character is \u00xx.
constexpr std::string_view kShortFrom = "\"\\\b\f\n\r\t";
constexpr std::string_view kShortTo = "\"\\bfnrt";

void AppendEscaped(unsigned char c, std::string* out) {
  out->push_back('\\');
  size_t i = kShortFrom.find(static_cast<char>(c));
  if (i != std::string_view::npos) {
    out->push_back(kShortTo[i]);
    return;
  }
  const char u[] = {'u', '0', '0', HexDigit(c >> 4), HexDigit(c)};
  out->append(u, sizeof u);
}

bool NeedsEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// The length of the prefix of `s` that needs no escaping, found 8 bytes at a
// time: ids, org ids and names are short plain ASCII, and replay escapes four
// of them per output line, where the byte loop alone was the largest single
// cost of the JSON writer (callgrind). A word test may report a byte that is
// fine (borrows of the subtraction trick); the byte loop then decides.
size_t PlainPrefix(std::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101, kHighs = 0x8080808080808080;
  auto has_zero = [](uint64_t w) { return (w - kOnes) & ~w & kHighs; };
  auto has_below = [](uint64_t w, uint8_t n) { return (w - kOnes * n) & ~w & kHighs; };
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (has_below(w, 0x20) | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\'))) break;
  }
  while (i < s.size() && !NeedsEscape(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  const size_t plain = PlainPrefix(s);
  size_t run = 0;  // start of the pending run of bytes copied as they are
  for (size_t i = plain; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (!NeedsEscape(c)) continue;
    out->append(s.data() + run, i - run);
    AppendEscaped(c, out);
    run = i + 1;
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void AppendCanonical(const Event& e, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const Member& m : MembersFor(e.kind)) {
    if (!m.writer->present(e)) continue;
    if (!first) out->push_back(',');
    first = false;
    out->append(m.prefix);
    m.writer->write(e, out);
  }
  out->push_back('}');
}

std::string Canonical(const Event& e) {
  std::string out;
  out.reserve(256);
  AppendCanonical(e, &out);
  return out;
}

}  // namespace authtrail
