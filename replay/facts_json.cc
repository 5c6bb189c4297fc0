// Facts / Readings <-> JSON (facts_json.h): one codec per Facts member, in a
// table, so the writer and the strict reader cannot drift apart.
#include "replay/facts_json.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <map>

#include "common/time.h"

namespace authtrail::replay {
namespace {

namespace dom = simdjson::dom;

struct Out {
  Facts* facts;
  bool* cli_default_device;
};

// One named fact: how to write it and how to read it back.
struct Codec {
  std::string_view name;
  void (*write)(const Facts& f, bool cli, std::string* out);
  Status (*read)(dom::element e, const Out& out);  // message without the name
};

Status Bad(std::string_view expected) {
  return Status::Corruption("expected " + std::string(expected));
}

// ---- scalars ----

void Quoted(std::string_view s, std::string* out) {  // names and times: nothing to escape
  *out += '"';
  *out += s;
  *out += '"';
}

Status ReadBool(dom::element e, bool* out) {
  if (e.get_bool().get(*out)) return Bad("true or false");
  return Status::Ok();
}

Status ReadUint(dom::element e, uint64_t* out) {
  if (e.get_uint64().get(*out)) return Bad("an unsigned integer");
  return Status::Ok();
}

Status ReadTime(dom::element e, MicrosUtc* out) {
  std::string_view s;
  if (e.get_string().get(s)) return Bad("a time string");
  Result<MicrosUtc> t = ParseRfc3339(s);
  if (!t.ok() || FormatCanonical(*t) != s) return Bad("a time as YYYY-MM-DDTHH:MM:SS.ffffffZ");
  *out = *t;
  return Status::Ok();
}

// An events.md enumeration value by name (index = value).
template <typename E>
Status ReadEnum(dom::element e, Field field, E* out) {
  std::string_view s;
  if (e.get_string().get(s)) return Bad("a " + std::string(FieldName(field)) + " name");
  auto names = EnumNames(field);
  for (size_t i = 0; i < names.size(); ++i) {
    if (s == names[i]) {
      *out = static_cast<E>(i);
      return Status::Ok();
    }
  }
  return Bad("a " + std::string(FieldName(field)) + " name, got '" + std::string(s) + "'");
}

template <typename E>
void WriteEnum(E v, Field field, std::string* out) {
  Quoted(EnumNames(field)[static_cast<size_t>(v)], out);
}

template <typename E>
void WriteOptEnum(const std::optional<E>& v, Field field, std::string* out) {
  if (v)
    WriteEnum(*v, field, out);
  else
    *out += "null";
}

template <typename E>
Status ReadOptEnum(dom::element e, Field field, std::optional<E>* out) {
  if (e.is_null()) {
    out->reset();
    return Status::Ok();
  }
  E v{};
  AT_RETURN_IF_ERROR(ReadEnum(e, field, &v));
  *out = v;
  return Status::Ok();
}

// ---- objects ----

// Calls read(key, value) for each member of `e`, which must be an object
// holding exactly `keys`, each once.
template <typename F>
Status ReadObject(dom::element e, std::span<const std::string_view> keys, F read) {
  dom::object obj;
  if (e.get_object().get(obj)) return Bad("an object");
  std::vector<bool> seen(keys.size());
  for (auto [key, value] : obj) {
    auto it = std::find(keys.begin(), keys.end(), key);
    if (it == keys.end()) return Status::Corruption("unknown key '" + std::string(key) + "'");
    size_t i = it - keys.begin();
    if (seen[i]) return Status::Corruption("repeated key '" + std::string(key) + "'");
    seen[i] = true;
    AT_RETURN_IF_ERROR(read(key, value).WithContext(key));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!seen[i]) return Status::Corruption("missing key '" + std::string(keys[i]) + "'");
  }
  return Status::Ok();
}

void WriteCutover(const Cutover& c, std::string* out) {
  if (c.known) {
    *out += "{\"known\":true,\"at\":";
    Quoted(FormatCanonical(c.at), out);
  } else {
    *out += "{\"known\":false,\"window_start\":";
    Quoted(FormatCanonical(c.window_start), out);
    *out += ",\"window_end\":";
    Quoted(FormatCanonical(c.window_end), out);
  }
  *out += '}';
}

Status ReadCutover(dom::element e, Cutover* c) {
  constexpr std::string_view kKnown[] = {"known", "at"};
  constexpr std::string_view kWindow[] = {"known", "window_start", "window_end"};
  dom::element known;
  if (e.is_object() && !e["known"].get(known) && known.is_bool()) {
    *c = Cutover{};
    c->known = known.get_bool().value_unsafe();
    if (c->known) {
      return ReadObject(e, kKnown, [&](std::string_view k, dom::element v) {
        return k == "at" ? ReadTime(v, &c->at) : Status::Ok();
      });
    }
    return ReadObject(e, kWindow, [&](std::string_view k, dom::element v) {
      if (k == "window_start") return ReadTime(v, &c->window_start);
      return k == "window_end" ? ReadTime(v, &c->window_end) : Status::Ok();
    });
  }
  return Bad("an object with \"known\": true or false");
}

std::string_view CauseName(const std::optional<RevokeCauseEx>& c) {
  return c ? RevokeCauseName(*c) : std::string_view();
}

void WriteApproval(const ApprovalFact& a, std::string* out) {
  *out += "{\"granted_at\":";
  Quoted(FormatCanonical(a.granted_at), out);
  *out += std::string(",\"revoked\":") + (a.revoked ? "true" : "false") + ",\"cause\":";
  if (a.cause)
    Quoted(CauseName(a.cause), out);
  else
    *out += "null";
  *out += std::string(",\"password\":") + (a.password ? "true" : "false") +
          ",\"assumed\":" + (a.assumed ? "true" : "false") + ",\"seq\":" + std::to_string(a.seq) +
          ",\"revoked_seq\":" + std::to_string(a.revoked_seq) + "}";
}

Status ReadCause(dom::element e, std::optional<RevokeCauseEx>* out) {
  out->reset();
  if (e.is_null()) return Status::Ok();
  std::string_view s;
  if (e.get_string().get(s)) return Bad("a revocation cause or null");
  for (int i = 0; i <= static_cast<int>(RevokeCauseEx::kPackageUninstall); ++i) {
    if (RevokeCauseName(static_cast<RevokeCauseEx>(i)) == s) {
      *out = static_cast<RevokeCauseEx>(i);
      return Status::Ok();
    }
  }
  return Bad("a revocation cause, got '" + std::string(s) + "'");
}

Status ReadApproval(dom::element e, ApprovalFact* a) {
  constexpr std::string_view kKeys[] = {"granted_at", "revoked", "cause",      "password",
                                        "assumed",    "seq",     "revoked_seq"};
  *a = ApprovalFact{};
  return ReadObject(e, kKeys, [&](std::string_view k, dom::element v) {
    if (k == "granted_at") return ReadTime(v, &a->granted_at);
    if (k == "revoked") return ReadBool(v, &a->revoked);
    if (k == "cause") return ReadCause(v, &a->cause);
    if (k == "password") return ReadBool(v, &a->password);
    if (k == "assumed") return ReadBool(v, &a->assumed);
    if (k == "seq") return ReadUint(v, &a->seq);
    return ReadUint(v, &a->revoked_seq);
  });
}

// ---- flags and check points ----

constexpr std::string_view kCheckPointNames[] = {"none", "authz", "call"};

void WriteFlags(uint32_t flags, std::string* out) {
  *out += '[';
  bool first = true;
  for (std::string_view name : FlagNames(flags)) {
    if (!first) *out += ',';
    first = false;
    Quoted(name, out);
  }
  *out += ']';
}

Status ReadFlags(dom::element e, uint32_t* flags) {
  dom::array a;
  if (e.get_array().get(a)) return Bad("an array of FLAG_* names");
  *flags = 0;
  for (dom::element item : a) {
    std::string_view s;
    if (item.get_string().get(s)) return Bad("an array of FLAG_* names");
    uint32_t bit = 0;
    for (int i = 0; i < 32 && bit == 0; ++i) {
      auto names = FlagNames(1u << i);
      if (names.size() == 1 && names[0] == s) bit = 1u << i;
    }
    if (bit == 0) return Bad("a FLAG_* name, got '" + std::string(s) + "'");
    *flags |= bit;
  }
  std::string canonical, given = simdjson::minify(e);
  WriteFlags(*flags, &canonical);
  if (canonical != given) return Bad("each flag once, in the order FlagNames gives");
  return Status::Ok();
}

Status ReadCheckPoint(dom::element e, CheckPoint* out) {
  std::string_view s;
  if (e.get_string().get(s)) return Bad("none, authz or call");
  for (size_t i = 0; i < std::size(kCheckPointNames); ++i) {
    if (s == kCheckPointNames[i]) {
      *out = static_cast<CheckPoint>(i);
      return Status::Ok();
    }
  }
  return Bad("none, authz or call");
}

// ---- the table ----

template <bool Facts::*M>
constexpr Codec BoolCodec(std::string_view name) {
  return {name, [](const Facts& f, bool, std::string* o) { *o += f.*M ? "true" : "false"; },
          [](dom::element e, const Out& out) { return ReadBool(e, &(out.facts->*M)); }};
}

template <std::optional<ApiFamily> Facts::*M, Field F>
constexpr Codec OptEnumCodec(std::string_view name) {
  return {name, [](const Facts& f, bool, std::string* o) { WriteOptEnum(f.*M, F, o); },
          [](dom::element e, const Out& out) { return ReadOptEnum(e, F, &(out.facts->*M)); }};
}

constexpr Codec kCodecs[] = {
    {"kind", [](const Facts& f, bool, std::string* o) { Quoted(KindName(f.kind), o); },
     [](dom::element e, const Out& out) {
       std::string_view s;
       if (e.get_string().get(s) || !KindFromName(s)) return Bad("an events.md kind");
       out.facts->kind = *KindFromName(s);
       return Status::Ok();
     }},
    {"t", [](const Facts& f, bool, std::string* o) { Quoted(FormatCanonical(f.t), o); },
     [](dom::element e, const Out& out) { return ReadTime(e, &out.facts->t); }},
    {"check_point",
     [](const Facts& f, bool, std::string* o) {
       Quoted(kCheckPointNames[static_cast<size_t>(f.check_point)], o);
     },
     [](dom::element e, const Out& out) { return ReadCheckPoint(e, &out.facts->check_point); }},
    BoolCodec<&Facts::has_app>("has_app"),
    BoolCodec<&Facts::allowlisted>("allowlisted"),
    BoolCodec<&Facts::flow_device>("flow_device"),
    BoolCodec<&Facts::flow_jwt>("flow_jwt"),
    BoolCodec<&Facts::flow_refresh>("flow_refresh"),
    BoolCodec<&Facts::flow_password>("flow_password"),
    BoolCodec<&Facts::flow_user_agent>("flow_user_agent"),
    BoolCodec<&Facts::continued>("continued"),
    BoolCodec<&Facts::origin_visualforce>("origin_visualforce"),
    OptEnumCodec<&Facts::api_family, Field::kApiFamily>("api_family"),
    {"event_flags", [](const Facts& f, bool, std::string* o) { WriteFlags(f.event_flags, o); },
     [](dom::element e, const Out& out) { return ReadFlags(e, &out.facts->event_flags); }},
    {"lineage",
     [](const Facts& f, bool, std::string* o) {
       if (f.lineage)
         WriteApproval(*f.lineage, o);
       else
         *o += "null";
     },
     [](dom::element e, const Out& out) {
       out.facts->lineage.reset();
       if (e.is_null()) return Status::Ok();
       return ReadApproval(e, &out.facts->lineage.emplace());
     }},
    BoolCodec<&Facts::lineage_device>("lineage_device"),
    {"approvals",
     [](const Facts& f, bool, std::string* o) {
       *o += '[';
       for (size_t i = 0; i < f.approvals.size(); ++i) {
         if (i) *o += ',';
         WriteApproval(f.approvals[i], o);
       }
       *o += ']';
     },
     [](dom::element e, const Out& out) {
       dom::array a;
       if (e.get_array().get(a)) return Bad("an array of approvals");
       out.facts->approvals.clear();
       for (dom::element item : a) {
         AT_RETURN_IF_ERROR(ReadApproval(item, &out.facts->approvals.emplace_back()));
       }
       return Status::Ok();
     }},
    {"edition",
     [](const Facts& f, bool, std::string* o) { WriteOptEnum(f.edition, Field::kEdition, o); },
     [](dom::element e, const Out& out) {
       return ReadOptEnum(e, Field::kEdition, &out.facts->edition);
     }},
    BoolCodec<&Facts::api_feature>("api_feature"),
    BoolCodec<&Facts::customizable_profiles>("customizable_profiles"),
    BoolCodec<&Facts::aac_enabled>("aac_enabled"),
    BoolCodec<&Facts::pref_internal>("pref_internal"),
    BoolCodec<&Facts::pref_external>("pref_external"),
    BoolCodec<&Facts::pref_visualforce>("pref_visualforce"),
    BoolCodec<&Facts::block_username_password_flow>("block_username_password_flow"),
    BoolCodec<&Facts::block_user_agent_flow>("block_user_agent_flow"),
    {"t3", [](const Facts& f, bool, std::string* o) { WriteCutover(f.t3, o); },
     [](dom::element e, const Out& out) { return ReadCutover(e, &out.facts->t3); }},
    {"t4", [](const Facts& f, bool, std::string* o) { WriteCutover(f.t4, o); },
     [](dom::element e, const Out& out) { return ReadCutover(e, &out.facts->t4); }},
    {"user_type",
     [](const Facts& f, bool, std::string* o) { WriteOptEnum(f.user_type, Field::kUserType, o); },
     [](dom::element e, const Out& out) {
       return ReadOptEnum(e, Field::kUserType, &out.facts->user_type);
     }},
    BoolCodec<&Facts::api_enabled>("api_enabled"),
    BoolCodec<&Facts::use_any_api_client>("use_any_api_client"),
    BoolCodec<&Facts::approve_uninstalled>("approve_uninstalled"),
    BoolCodec<&Facts::time_limited_app_assignment>("time_limited_app_assignment"),
    BoolCodec<&Facts::installed>("installed"),
    BoolCodec<&Facts::blocked>("blocked"),
    BoolCodec<&Facts::org_managed>("org_managed"),
    {"permitted_users",
     [](const Facts& f, bool, std::string* o) {
       WriteEnum(f.permitted_users, Field::kPermittedUsers, o);
     },
     [](dom::element e, const Out& out) {
       return ReadEnum(e, Field::kPermittedUsers, &out.facts->permitted_users);
     }},
    BoolCodec<&Facts::policy_from_api_field>("policy_from_api_field"),
    BoolCodec<&Facts::preauthorized>("preauthorized"),
    {"cli_default_device",
     [](const Facts&, bool cli, std::string* o) { *o += cli ? "true" : "false"; },
     [](dom::element e, const Out& out) { return ReadBool(e, out.cli_default_device); }},
};

constexpr auto kNames = [] {
  std::array<std::string_view, std::size(kCodecs)> names{};
  for (size_t i = 0; i < names.size(); ++i) names[i] = kCodecs[i].name;
  return names;
}();

}  // namespace

std::span<const std::string_view> FactNames() { return kNames; }

std::span<const std::string_view> RequestFactNames() {
  static constexpr std::string_view kRequest[] = {"kind",
                                                  "t",
                                                  "check_point",
                                                  "has_app",
                                                  "flow_device",
                                                  "flow_jwt",
                                                  "flow_refresh",
                                                  "flow_password",
                                                  "flow_user_agent",
                                                  "continued",
                                                  "origin_visualforce",
                                                  "api_family",
                                                  "event_flags"};
  return kRequest;
}

std::vector<NamedFact> FactsToJson(const Facts& facts, bool cli_default_device) {
  std::vector<NamedFact> out;
  out.reserve(std::size(kCodecs));
  for (const Codec& c : kCodecs) {
    NamedFact& n = out.emplace_back();
    n.name = c.name;
    c.write(facts, cli_default_device, &n.value_json);
  }
  return out;
}

Status FactsFromJson(std::span<const NamedFact> named, Facts* facts, bool* cli_default_device) {
  *facts = Facts{};
  *cli_default_device = false;
  std::vector<bool> seen(std::size(kCodecs));
  dom::parser parser;
  for (const NamedFact& n : named) {
    auto it = std::find(kNames.begin(), kNames.end(), n.name);
    if (it == kNames.end()) return Status::Corruption("unknown fact '" + n.name + "'");
    size_t i = it - kNames.begin();
    if (seen[i]) return Status::Corruption("fact '" + n.name + "' given twice");
    seen[i] = true;
    dom::element e;
    if (parser.parse(n.value_json).get(e)) {
      return Status::Corruption("fact " + n.name + ": not JSON");
    }
    AT_RETURN_IF_ERROR(
        kCodecs[i].read(e, {facts, cli_default_device}).WithContext("fact " + n.name));
  }
  for (size_t i = 0; i < seen.size(); ++i) {
    if (!seen[i]) return Status::Corruption("fact '" + std::string(kNames[i]) + "' is missing");
  }
  return Status::Ok();
}

// ---- readings ----

namespace {

// (name, value) of each reading, from DescribeReadings' "A3 name=value" lines.
std::vector<std::pair<std::string, std::string>> ReadingPairs(const Readings& r) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& line : DescribeReadings(r)) {
    size_t sp = line.find(' '), eq = line.find('=');
    out.emplace_back(line.substr(sp + 1, eq - sp - 1), line.substr(eq + 1));
  }
  return out;
}

}  // namespace

std::string ReadingsToJson(const Readings& r) {
  std::string out = "{";
  for (const auto& [name, value] : ReadingPairs(r)) {
    if (out.size() > 1) out += ',';
    Quoted(name, &out);
    out += ':';
    if (value == "true" || value == "false")
      out += value;
    else
      Quoted(value, &out);
  }
  return out + "}";
}

Result<Readings> ReadingsFromJson(std::string_view json) {
  std::vector<std::string> names;
  for (auto& [name, value] : ReadingPairs(Readings{})) names.push_back(name);
  std::vector<std::string_view> keys(names.begin(), names.end());
  dom::parser parser;
  dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc))
    return Status::Corruption("readings: not JSON");
  Readings r;
  Status s = ReadObject(doc, keys, [&](std::string_view key, dom::element v) {
    std::string value;
    bool b = false;
    std::string_view str;
    if (!v.get_bool().get(b))
      value = b ? "true" : "false";
    else if (key == "t3_unknown" && !v.get_string().get(str) && str != "default")
      value = str;
    else
      return Bad(key == "t3_unknown" ? "a string" : "true or false");
    Status applied = ApplyReading(std::string(key) + "=" + value, &r);
    return applied.ok() ? applied : Status::Corruption(applied.message());
  });
  if (!s.ok()) return s.WithContext("readings");
  return r;
}

}  // namespace authtrail::replay
