// JsonlParser: one JSONL line -> a validated, normalized Event (events.md,
// rules.md §13.22), with simdjson's on-demand API.
//
// Two passes over different things:
//   1. one pass over the JSON object, in document order (on-demand values
//      cannot be revisited): every key is looked up, duplicates are noted,
//      the values of known fields are captured (strings unescaped, booleans),
//      and every other value is walked in full so that a line is either valid
//      JSON or rejected as such, whatever fields it carries;
//   2. once `kind` is known, the common fields and KindSpec(kind) are applied
//      in table order: type check, normalization, store. A known field that is
//      not part of the kind is ignored like any unknown field.
// Everything is table-driven (FieldType, KindSpec, EnumNames, kSlots); no kind
// has its own code except app.access's "exactly one of profile / permset".
//
// The parser, the padded copy of the line and the capture table are reused
// from line to line; a caller that reuses its Event also keeps its strings'
// capacity.
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <type_traits>
#include <vector>

#include "common/sfid.h"
#include "common/time.h"
#include "ingest/jsonl.h"
#include "schemas/canonical.h"

namespace authtrail::ingest {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

// Buffers grown for a longer line are released afterwards.
constexpr size_t kKeepCapacity = size_t{1} << 20;
// Nesting limit (the line's object is depth 1). It bounds our recursion and
// stays below the on-demand parser's own max_depth (DEFAULT_MAX_DEPTH, 1024),
// which debug builds of simdjson assert on.
constexpr int kMaxDepth = 1000;
static_assert(kMaxDepth < simdjson::DEFAULT_MAX_DEPTH);
// Bytes of a bad value quoted back in an error message.
constexpr size_t kMaxEcho = 64;

constexpr const char* kMissing = "missing required field";
constexpr const char* kNotString = "expected a string";
constexpr const char* kNotBool = "expected true or false";
constexpr const char* kEmpty = "must not be empty";

size_t Index(Field f) { return static_cast<size_t>(f); }
uint64_t Bit(Field f) { return uint64_t{1} << Index(f); }

// ---- Where each field lives in an Event (indexed by Field) ----

struct Slot {
  std::optional<std::string> Event::*str = nullptr;
  std::optional<bool> Event::*boolean = nullptr;
  std::optional<MicrosUtc> Event::*time = nullptr;
  void (*set_enum)(Event*, size_t) = nullptr;
  void (*reset)(Event*) = nullptr;  // nullptr: always present (ts, org, kind)
};

template <auto M>
void ResetMember(Event* e) {
  (e->*M).reset();
}
template <auto M>
void SetEnumMember(Event* e, size_t value) {
  using T = typename std::remove_reference_t<decltype(e->*M)>::value_type;
  e->*M = static_cast<T>(value);
}
template <auto M>
constexpr Slot Str() {
  return {.str = M, .reset = ResetMember<M>};
}
template <auto M>
constexpr Slot Bool() {
  return {.boolean = M, .reset = ResetMember<M>};
}
template <auto M>
constexpr Slot Time() {
  return {.time = M, .reset = ResetMember<M>};
}
template <auto M>
constexpr Slot Enum() {
  return {.set_enum = SetEnumMember<M>, .reset = ResetMember<M>};
}

using E = Event;
constexpr Slot kSlots[kFieldCount] = {
    {},  // ts: always present, stored in Event::ts
    {},  // org: Event::org
    {},  // kind: Event::kind
    Str<&E::id>(),
    Str<&E::actor>(),
    Str<&E::source>(),
    Enum<&E::outcome>(),
    Str<&E::status>(),
    Enum<&E::edition>(),
    Enum<&E::setting>(),
    Bool<&E::enabled>(),
    Enum<&E::change>(),
    Time<&E::at>(),
    Str<&E::user>(),
    Str<&E::username>(),
    Enum<&E::user_type>(),
    Str<&E::profile>(),
    Bool<&E::active>(),
    Str<&E::permission>(),
    Str<&E::permset>(),
    Time<&E::expires_at>(),
    Str<&E::app>(),
    Str<&E::name>(),
    Bool<&E::allowlisted>(),
    Bool<&E::org_managed>(),
    Bool<&E::salesforce_cli_default>(),
    Enum<&E::via>(),
    Enum<&E::permitted_users>(),
    Enum<&E::policy_source>(),
    Enum<&E::flow>(),
    Enum<&E::grant>(),
    Time<&E::grant_ts>(),
    Enum<&E::origin>(),
    Enum<&E::api_family>(),
    Enum<&E::cause>(),
    Str<&E::action>(),
    Str<&E::section>(),
    Str<&E::display>(),
};

constexpr Field kCommonFields[] = {Field::kTs,    Field::kOrg,    Field::kKind,    Field::kId,
                                   Field::kActor, Field::kSource, Field::kOutcome, Field::kStatus};

bool IsRequiredCommon(Field f) { return f == Field::kTs || f == Field::kOrg || f == Field::kKind; }

// Free text may be empty; an empty identifier names nothing and is rejected.
bool MayBeEmpty(Field f) {
  return f == Field::kName || f == Field::kStatus || f == Field::kSource || f == Field::kSection ||
         f == Field::kDisplay;
}

// ---- Lookups ----

struct NamedField {
  std::string_view name;
  Field field;
};

// Field names sorted for binary search (every key of every line is looked up).
const std::array<NamedField, kFieldCount>& FieldsByName() {
  static const std::array<NamedField, kFieldCount> kTable = [] {
    std::array<NamedField, kFieldCount> t;
    for (int i = 0; i < kFieldCount; ++i) t[i] = {FieldName(Field(i)), Field(i)};
    std::sort(t.begin(), t.end(), [](auto& a, auto& b) { return a.name < b.name; });
    return t;
  }();
  return kTable;
}

std::optional<Field> LookupField(std::string_view key) {
  const auto& table = FieldsByName();
  auto it = std::lower_bound(table.begin(), table.end(), key,
                             [](const NamedField& a, std::string_view k) { return a.name < k; });
  if (it == table.end() || it->name != key) return std::nullopt;
  return it->field;
}

std::optional<size_t> LookupEnum(Field f, std::string_view text) {
  std::span<const char* const> names = EnumNames(f);
  for (size_t i = 0; i < names.size(); ++i) {
    if (text == names[i]) return i;
  }
  return std::nullopt;
}

// ---- Messages ----

// 'value' for an error message: control characters escaped, long values cut
// (at a UTF-8 character boundary) so one bad line cannot flood the log.
std::string Quote(std::string_view value) {
  bool cut = value.size() > kMaxEcho;
  if (cut) {
    size_t n = kMaxEcho;
    while (n > 0 && (static_cast<unsigned char>(value[n]) & 0xC0) == 0x80) --n;
    value = value.substr(0, n);
  }
  // JSON escaping, with the double quotes replaced by single ones.
  std::string quoted;
  AppendJsonString(value, &quoted);
  quoted.front() = '\'';
  quoted.back() = '\'';
  if (cut) quoted.insert(quoted.size() - 1, "...");
  return quoted;
}

std::string UnknownValue(Field f, std::string_view text) {
  std::string reason = "unknown value " + Quote(text) + " (expected one of: ";
  std::span<const char* const> names = EnumNames(f);
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) reason += ", ";
    reason += names[i];
  }
  return reason + ")";
}

// ---- Validating values nobody reads ----

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
// Checked on the text, so big or very precise numbers are valid as JSON says.
bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    return i - start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (digits() == 0) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

// A scalar token as simdjson hands it over: the text up to the next token,
// trailing whitespace included.
std::string_view TrimTrailingSpace(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

error_code Validate(od::value value, int depth);

error_code ValidateObject(od::value value, int depth) {
  od::object object;
  SIMDJSON_TRY(value.get_object().get(object));
  for (auto member : object) {
    od::field field;
    std::string_view key;
    SIMDJSON_TRY(std::move(member).get(field));
    SIMDJSON_TRY(field.unescaped_key().get(key));
    SIMDJSON_TRY(Validate(field.value(), depth + 1));
  }
  return simdjson::SUCCESS;
}

error_code ValidateArray(od::value value, int depth, size_t* count = nullptr) {
  od::array array;
  SIMDJSON_TRY(value.get_array().get(array));
  for (auto element : array) {
    od::value child;
    SIMDJSON_TRY(std::move(element).get(child));
    SIMDJSON_TRY(Validate(child, depth + 1));
    if (count != nullptr) ++*count;
  }
  return simdjson::SUCCESS;
}

error_code ValidateScalar(od::value value, od::json_type type) {
  std::string_view text;
  bool flag = false;
  switch (type) {
    case od::json_type::string:
      return value.get_string().get(text);
    case od::json_type::boolean:
      return value.get_bool().get(flag);
    case od::json_type::null:
      SIMDJSON_TRY(value.is_null().get(flag));
      return flag ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
    case od::json_type::number:
      return IsJsonNumber(TrimTrailingSpace(value.raw_json_token())) ? simdjson::SUCCESS
                                                                     : simdjson::NUMBER_ERROR;
    default:
      return simdjson::TAPE_ERROR;
  }
}

// Walks a whole value so that malformed JSON is reported even where on-demand
// parsing would merely skip over it.
error_code Validate(od::value value, int depth) {
  if (depth > kMaxDepth) return simdjson::DEPTH_ERROR;
  od::json_type type;
  SIMDJSON_TRY(value.type().get(type));
  if (type == od::json_type::object) return ValidateObject(value, depth);
  if (type == od::json_type::array) return ValidateArray(value, depth);
  return ValidateScalar(value, type);
}

bool AtEnd(od::document& doc) {
  // simdjson 3.0 has no document::at_end(): past the last token the location
  // is OUT_OF_BOUNDS, anything else is content after the value.
  return doc.current_location().error() == simdjson::OUT_OF_BOUNDS;
}

// ParseRfc3339 accepts 0000-01-01T00:00:00+00:01 and 9999-12-31T23:59:59-01:00,
// whose UTC instants have no four-digit year: their canonical form would not
// parse back.
bool InFourDigitYears(MicrosUtc t) {
  constexpr int64_t kMicrosPerDay = int64_t{86'400} * 1'000'000;
  static const MicrosUtc kMin = DaysFromCivil(0, 1, 1) * kMicrosPerDay;
  static const MicrosUtc kEnd = DaysFromCivil(10000, 1, 1) * kMicrosPerDay;
  return t >= kMin && t < kEnd;
}

// One known field's value, captured in document order and applied later.
struct Captured {
  od::json_type type = od::json_type::null;
  std::string_view text;  // unescaped string; valid until the next document
  bool boolean = false;
};

}  // namespace

struct JsonlParser::Impl {
  od::parser parser;
  std::unique_ptr<char[]> padded;  // the line, then SIMDJSON_PADDING zero bytes
  std::string wrapped;             // "[line]", for lines that are not objects
  size_t padded_capacity = 0;
  std::array<Captured, kFieldCount> captured;
  uint64_t seen = 0;                         // known fields present in the line
  uint64_t applied = 0;                      // known fields stored into the event
  std::vector<std::string_view> extra_keys;  // unknown keys, to catch duplicates
  // The first repeated key; reported once the whole line is known to be JSON.
  std::optional<std::string_view> duplicate;
  LineError* error = nullptr;

  bool Parse(std::string_view line, Event* e);
  // Pass 1.
  simdjson::padded_string_view Pad(std::string_view line);
  bool ReadObject(std::string_view line);
  bool FailNotObject(std::string_view line);
  bool ReadMember(simdjson::simdjson_result<od::field> member);
  bool ReadExtra(std::string_view key, od::value value);
  bool NoteDuplicate(std::string_view key, od::value value);
  bool Capture(od::value value, Captured* c);
  // Pass 2.
  bool Build(Event* e);
  bool Apply(Field f, bool required, Event* e);
  bool ApplyString(Field f, std::string_view text, Event* e);
  bool SetKind(const Captured& c, Event* e);
  bool SetText(Field f, std::string_view text, Event* e);
  bool SetId(Field f, Result<std::string> id, Event* e);
  bool SetTime(Field f, std::string_view text, Event* e);
  bool SetEnum(Field f, std::string_view text, Event* e);
  bool SetBool(Field f, const Captured& c, Event* e);
  bool CheckAppAccess();
  void ResetUnapplied(Event* e) const;

  bool Fail(std::string_view field, std::string reason);
  bool Fail(Field f, std::string reason) { return Fail(FieldName(f), std::move(reason)); }
  bool FailJson(error_code code);
  bool Check(error_code code) { return code == simdjson::SUCCESS || FailJson(code); }
};

bool JsonlParser::Impl::Fail(std::string_view field, std::string reason) {
  error->field.assign(field);
  error->reason = std::move(reason);
  return false;
}

bool JsonlParser::Impl::FailJson(error_code code) {
  if (code == simdjson::DEPTH_ERROR) {
    return Fail("", "JSON nested deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  return Fail("", std::string("not valid JSON: ") + simdjson::error_message(code));
}

bool JsonlParser::Impl::Parse(std::string_view line, Event* e) {
  seen = applied = 0;
  extra_keys.clear();
  duplicate.reset();
  bool ok = ReadObject(line) && Build(e);
  if (padded_capacity > kKeepCapacity + simdjson::SIMDJSON_PADDING) {
    padded.reset();
    padded_capacity = 0;
    wrapped = std::string();
    parser = od::parser();  // its buffers grew with the line
  }
  return ok;
}

// ---- Pass 1: the JSON object ----

simdjson::padded_string_view JsonlParser::Impl::Pad(std::string_view line) {
  size_t need = line.size() + simdjson::SIMDJSON_PADDING;
  if (need > padded_capacity) {
    padded = std::make_unique_for_overwrite<char[]>(need);
    padded_capacity = need;
  }
  std::memcpy(padded.get(), line.data(), line.size());
  std::memset(padded.get() + line.size(), 0, simdjson::SIMDJSON_PADDING);
  return simdjson::padded_string_view(padded.get(), line.size(), padded_capacity);
}

bool JsonlParser::Impl::ReadObject(std::string_view line) {
  od::document doc;
  od::object object;
  if (!Check(parser.iterate(Pad(line)).get(doc))) return false;
  error_code code = doc.get_object().get(object);
  if (code == simdjson::INCORRECT_TYPE) return FailNotObject(line);
  if (!Check(code)) return false;
  for (auto member : object) {
    if (!ReadMember(std::move(member))) return false;
  }
  if (!AtEnd(doc)) return Fail("", "not valid JSON: unexpected content after the object");
  return !duplicate || Fail(*duplicate, "duplicate field");
}

// Says whether the line is some other JSON value or not JSON at all. The line
// is re-read as the only element of an array: on-demand's accessors for a
// root scalar are laxer than for an element (3.0.1 takes "false3" for false).
bool JsonlParser::Impl::FailNotObject(std::string_view line) {
  wrapped.clear();  // built by pushes: assign().append() trips GCC 12's -Wrestrict at -O3
  wrapped.push_back('[');
  wrapped.append(line);
  wrapped.push_back(']');
  od::document doc;
  od::value value;
  size_t count = 0;
  if (!Check(parser.iterate(Pad(wrapped)).get(doc)) || !Check(doc.get_value().get(value))) {
    return false;
  }
  if (!Check(ValidateArray(value, 0, &count))) return false;
  if (count != 1 || !AtEnd(doc)) return Fail("", "not valid JSON: expected a single value");
  return Fail("", "not a JSON object");
}

bool JsonlParser::Impl::ReadMember(simdjson::simdjson_result<od::field> member) {
  od::field field;
  std::string_view key;
  if (!Check(std::move(member).get(field)) || !Check(field.unescaped_key().get(key))) {
    return false;
  }
  std::optional<Field> known = LookupField(key);
  if (!known) return ReadExtra(key, field.value());
  if ((seen & Bit(*known)) != 0) return NoteDuplicate(key, field.value());
  seen |= Bit(*known);
  return Capture(field.value(), &captured[Index(*known)]);
}

bool JsonlParser::Impl::ReadExtra(std::string_view key, od::value value) {
  if (std::find(extra_keys.begin(), extra_keys.end(), key) != extra_keys.end()) {
    return NoteDuplicate(key, value);
  }
  extra_keys.push_back(key);
  return Check(Validate(value, 2));
}

// A repeated key is an error, but "not valid JSON" later in the line comes first.
bool JsonlParser::Impl::NoteDuplicate(std::string_view key, od::value value) {
  if (!duplicate) duplicate = key;
  return Check(Validate(value, 2));
}

bool JsonlParser::Impl::Capture(od::value value, Captured* c) {
  if (!Check(value.type().get(c->type))) return false;
  if (c->type == od::json_type::string) return Check(value.get_string().get(c->text));
  if (c->type == od::json_type::boolean) return Check(value.get_bool().get(c->boolean));
  return Check(Validate(value, 2));
}

// ---- Pass 2: fields -> Event ----

bool JsonlParser::Impl::Build(Event* e) {
  for (Field f : kCommonFields) {
    if (!Apply(f, IsRequiredCommon(f), e)) return false;
  }
  for (const FieldRule& rule : KindSpec(e->kind)) {
    if (!Apply(rule.field, rule.required, e)) return false;
  }
  if (e->kind == Kind::kAppAccess && !CheckAppAccess()) return false;
  ResetUnapplied(e);
  return true;
}

bool JsonlParser::Impl::Apply(Field f, bool required, Event* e) {
  if ((seen & Bit(f)) == 0) return !required || Fail(f, kMissing);
  applied |= Bit(f);
  const Captured& c = captured[Index(f)];
  if (f == Field::kKind) return SetKind(c, e);
  if (TypeOf(f) == FieldType::kBool) return SetBool(f, c, e);
  if (c.type != od::json_type::string) return Fail(f, kNotString);
  return ApplyString(f, c.text, e);
}

bool JsonlParser::Impl::ApplyString(Field f, std::string_view text, Event* e) {
  switch (TypeOf(f)) {
    case FieldType::kSfId:
      return SetId(f, NormalizeSalesforceId(text), e);
    case FieldType::kIdOrName:
      if (text.empty()) return Fail(f, kEmpty);
      return SetId(f, NormalizeIdOrName(text), e);
    case FieldType::kTimestamp:
      return SetTime(f, text, e);
    case FieldType::kEnum:
      return SetEnum(f, text, e);
    case FieldType::kString:
    case FieldType::kBool:
      break;
  }
  return SetText(f, text, e);
}

bool JsonlParser::Impl::SetKind(const Captured& c, Event* e) {
  if (c.type != od::json_type::string) return Fail(Field::kKind, kNotString);
  std::optional<Kind> kind = KindFromName(c.text);
  if (!kind) return Fail(Field::kKind, "unknown kind " + Quote(c.text));
  e->kind = *kind;
  return true;
}

// Stores into the event's string, reusing its capacity when it has one.
std::string* StringTarget(Field f, Event* e) {
  if (f == Field::kOrg) return &e->org;
  std::optional<std::string>& member = e->*(kSlots[Index(f)].str);
  if (!member) member.emplace();
  return &*member;
}

bool JsonlParser::Impl::SetText(Field f, std::string_view text, Event* e) {
  if (text.empty() && !MayBeEmpty(f)) return Fail(f, kEmpty);
  StringTarget(f, e)->assign(text);
  return true;
}

bool JsonlParser::Impl::SetId(Field f, Result<std::string> id, Event* e) {
  if (!id.ok()) return Fail(f, id.status().message());
  StringTarget(f, e)->assign(*id);
  return true;
}

bool JsonlParser::Impl::SetTime(Field f, std::string_view text, Event* e) {
  Result<MicrosUtc> t = ParseRfc3339(text);
  if (!t.ok()) return Fail(f, t.status().message());
  if (!InFourDigitYears(*t)) return Fail(f, "outside the years 0000-9999 once converted to UTC");
  if (f == Field::kTs) {
    e->ts = *t;
  } else {
    e->*(kSlots[Index(f)].time) = *t;
  }
  return true;
}

bool JsonlParser::Impl::SetEnum(Field f, std::string_view text, Event* e) {
  std::optional<size_t> value = LookupEnum(f, text);
  if (!value) return Fail(f, UnknownValue(f, text));
  kSlots[Index(f)].set_enum(e, *value);
  return true;
}

bool JsonlParser::Impl::SetBool(Field f, const Captured& c, Event* e) {
  if (c.type != od::json_type::boolean) return Fail(f, kNotBool);
  e->*(kSlots[Index(f)].boolean) = c.boolean;
  return true;
}

bool JsonlParser::Impl::CheckAppAccess() {
  bool profile = (applied & Bit(Field::kProfile)) != 0;
  bool permset = (applied & Bit(Field::kPermset)) != 0;
  if (profile == permset) {
    return Fail(Field::kProfile, "exactly one of profile or permset is required");
  }
  return true;
}

// Fields the line did not give (or that its kind does not have) are absent.
void JsonlParser::Impl::ResetUnapplied(Event* e) const {
  for (int i = 0; i < kFieldCount; ++i) {
    const Slot& slot = kSlots[i];
    if (slot.reset != nullptr && (applied & Bit(Field(i))) == 0) slot.reset(e);
  }
}

// ---- Public API ----

JsonlParser::JsonlParser() : impl_(std::make_unique<Impl>()) {}
JsonlParser::~JsonlParser() = default;

bool JsonlParser::Parse(std::string_view line, Event* event, LineError* error) {
  impl_->error = error;
  return impl_->Parse(line, event);
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

}  // namespace authtrail::ingest
