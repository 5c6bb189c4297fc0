// The format registry and the helpers every adapter shares.
#include "ingest/adapter.h"

#include <algorithm>
#include <array>

#include "common/sfid.h"
#include "common/time.h"
#include "ingest/adapter_internal.h"
#include "schemas/canonical.h"

namespace authtrail::ingest {
namespace {

constexpr std::array<SourceFormat, 9> kFormats = {{
    {"loginhistory", "LoginHistory query export (CSV or JSON) -> logins, OAuth, SOAP login", true},
    {"loginevent", "Real-Time Event Monitoring LoginEvent (JSON or CSV) -> as loginhistory", true},
    {"elf-login", "EventLogFile Login CSV -> login.ui, soap.login (OAuth rows: unmapped)", false},
    {"elf-loginas", "EventLogFile LoginAs CSV -> login.ui of the impersonated user", false},
    {"elf-logout", "EventLogFile Logout CSV -> unmapped (no app, revocation not told apart)",
     false},
    {"elf-api", "EventLogFile API (SOAP) CSV -> api.call", false},
    {"elf-restapi", "EventLogFile RestApi CSV -> api.call", false},
    {"setupaudittrail",
     "SetupAuditTrail export (CSV or JSON) -> state events, unmapped, and each\n"
     "                   fact's state before its oldest change row (reconstructed)",
     true},
    {"snapshot", "current-state queries (User, PermissionSet, ...) -> baseline at --at", true},
}};

// Checks --at (required) and hands the snapshot adapter its RFC 3339 form.
Result<std::unique_ptr<Adapter>> MakeSnapshot(AdapterOptions options) {
  if (options.at.empty()) {
    return Status::InvalidArgument("--format snapshot: give --at TS, when the export was taken");
  }
  std::optional<std::string> at = adapter_internal::SalesforceTime(options.at);
  if (!at || !ParseRfc3339(*at).ok()) {
    return Status::InvalidArgument("--at: not a timestamp: '" + options.at + "'");
  }
  options.at = *at;
  return adapter_internal::MakeSnapshotAdapter(options);
}

}  // namespace

std::span<const SourceFormat> SourceFormats() { return kFormats; }

Result<std::unique_ptr<Adapter>> MakeAdapter(std::string_view name, const AdapterOptions& options) {
  namespace ai = adapter_internal;
  auto it = std::find_if(kFormats.begin(), kFormats.end(),
                         [&](const SourceFormat& f) { return f.name == name; });
  if (it == kFormats.end()) {
    std::string known = "jsonl";
    for (const SourceFormat& f : kFormats) known.append(", ").append(f.name);
    return Status::InvalidArgument("unknown --format '" + std::string(name) +
                                   "' (supported: " + known + ")");
  }
  if (!options.org.empty()) {
    if (Result<std::string> org = NormalizeSalesforceId(options.org); !org.ok()) {
      return Status::InvalidArgument("--org: " + org.status().message());
    }
  } else if (it->needs_org) {
    return Status::InvalidArgument("--format " + std::string(name) +
                                   ": the export carries no org id; give --org ORGID");
  }
  if (name == "loginhistory") return ai::MakeLoginAdapter(options, false);
  if (name == "loginevent") return ai::MakeLoginAdapter(options, true);
  if (name == "setupaudittrail") return ai::MakeSetupAuditTrailAdapter(options);
  if (name == "snapshot") return MakeSnapshot(options);
  static constexpr std::pair<std::string_view, std::string_view> kElf[] = {
      {"elf-login", "Login"},
      {"elf-loginas", "LoginAs"},
      {"elf-logout", "Logout"},
      {"elf-api", "API"},
      {"elf-restapi", "RestApi"}};
  for (auto [format, type] : kElf) {
    if (name == format) return ai::MakeElfAdapter(options, type);
  }
  return Status::Unsupported("--format " + std::string(name) + " is not implemented");
}

}  // namespace authtrail::ingest

namespace authtrail::ingest::adapter_internal {

// ---- EventJson ----

EventJson::EventJson(std::string_view kind, std::string_view ts, std::string_view org) {
  out_ = "{\"kind\":";
  AppendJsonString(kind, &out_);
  Str("ts", ts).Str("org", org);
}

EventJson& EventJson::Str(std::string_view key, std::string_view value) {
  out_ += ',';
  AppendJsonString(key, &out_);
  out_ += ':';
  AppendJsonString(value, &out_);
  return *this;
}

EventJson& EventJson::Opt(std::string_view key, std::string_view value) {
  return value.empty() ? *this : Str(key, value);
}

EventJson& EventJson::Bool(std::string_view key, bool value) {
  out_ += ',';
  AppendJsonString(key, &out_);
  out_ += value ? ":true" : ":false";
  return *this;
}

EventJson& EventJson::Fields(std::string_view fragment) {
  out_.append(fragment);
  return *this;
}

JsonFields& JsonFields::Str(std::string_view key, std::string_view value) {
  out_ += ',';
  AppendJsonString(key, &out_);
  out_ += ':';
  AppendJsonString(value, &out_);
  return *this;
}

JsonFields& JsonFields::Bool(std::string_view key, bool value) {
  out_ += ',';
  AppendJsonString(key, &out_);
  out_ += value ? ":true" : ":false";
  return *this;
}

std::string EventJson::Done() && {
  out_ += '}';
  return std::move(out_);
}

// ---- Row ----

std::string_view Row::Get(std::string_view name) const {
  const SourceField* f = record_.Find(name);
  return f ? std::string_view(f->value) : std::string_view();
}

std::string_view Row::GetAny(std::initializer_list<std::string_view> names) const {
  for (std::string_view n : names) {
    if (std::string_view v = Get(n); !v.empty()) return v;
  }
  return {};
}

bool Row::Require(std::string_view name, std::string_view* out) {
  const SourceField* f = record_.Find(name);
  if (f == nullptr) return Fail(name, "missing (no such column or field)");
  if (f->value.empty()) return Fail(name, "is empty");
  *out = f->value;
  return true;
}

bool Row::Fail(std::string_view field, std::string reason) {
  const SourceField* f = field.empty() ? nullptr : record_.Find(field);
  error_->field = std::string(field);
  error_->reason = std::move(reason);
  error_->pos = f ? f->pos : record_.pos;
  return false;
}

// ---- times, ids, text ----

namespace {

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// yyyyMMddHHmmss[.SSS] (EventLogFile TIMESTAMP, GMT).
std::optional<std::string> ElfTime(std::string_view t) {
  if (t.size() < 14 || !AllDigits(t.substr(0, 14))) return std::nullopt;
  std::string_view frac = t.substr(14);
  if (!frac.empty() && (frac[0] != '.' || frac.size() < 2 || !AllDigits(frac.substr(1)))) {
    return std::nullopt;
  }
  std::string out;
  out.append(t.substr(0, 4)).append("-").append(t.substr(4, 2)).append("-");
  out.append(t.substr(6, 2)).append("T").append(t.substr(8, 2)).append(":");
  out.append(t.substr(10, 2)).append(":").append(t.substr(12, 2)).append(frac).append("Z");
  return out;
}

}  // namespace

std::optional<std::string> SalesforceTime(std::string_view t) {
  if (t.size() >= 14 && t.find('-') == std::string_view::npos) return ElfTime(t);
  // ...+0000 / ...-0530: a numeric offset without a colon.
  if (t.size() > 5 && (t[t.size() - 5] == '+' || t[t.size() - 5] == '-') &&
      AllDigits(t.substr(t.size() - 4)) && t.find('T') != std::string_view::npos) {
    std::string out(t.substr(0, t.size() - 2));
    return out.append(":").append(t.substr(t.size() - 2));
  }
  return std::string(t);  // RFC 3339 or not: the JSONL parser decides
}

bool RequireTime(Row* row, std::string_view name, std::string* out) {
  std::string_view text;
  if (!row->Require(name, &text)) return false;
  std::optional<std::string> t = SalesforceTime(text);
  if (!t) return row->Fail(name, "bad timestamp '" + std::string(text) + "'");
  if (Result<MicrosUtc> at = ParseRfc3339(*t); !at.ok()) {
    return row->Fail(name, "bad timestamp '" + std::string(text) + "': " + at.status().message());
  }
  *out = std::move(*t);
  return true;
}

bool CheckIdOrName(Row* row, std::string_view name, std::string_view value) {
  if (Result<std::string> id = NormalizeIdOrName(value); !id.ok()) {
    return row->Fail(name, id.status().message());
  }
  return true;
}

bool OrgOf(Row* row, std::string_view column, std::string_view fallback, std::string* out) {
  std::string_view own = column.empty() ? std::string_view() : row->Get(column);
  if (own.empty() && fallback.empty()) {
    return row->Fail(column, "no org id in the record; give --org ORGID");
  }
  if (!own.empty() && !fallback.empty() &&
      own.substr(0, 15) != fallback.substr(0, std::min<size_t>(15, fallback.size()))) {
    return row->Fail(column,
                     "org " + std::string(own) + " differs from --org " + std::string(fallback));
  }
  *out = std::string(own.empty() ? fallback : own);
  return true;
}

bool SameText(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace authtrail::ingest::adapter_internal
