// EventLogFile CSVs -> events (sources.md §0, §2). Columns are read by header
// name only (the schema drifts between releases). Common to every type:
//   TIMESTAMP (yyyyMMddHHmmss[.SSS], GMT; else TIMESTAMP_DERIVED) -> ts
//   ORGANIZATION_ID (15 chars) -> org      REQUEST_ID -> id
//   USER_ID_DERIVED, else USER_ID (15 -> 18 by the JSONL parser) -> user
//   EVENT_TYPE, when present, must be the format's type.
// Per type:
//   Login   LOGIN_TYPE code -> LoginHistory label -> ClassifyLogin; UI and
//           SOAP logins map; OAuth rows become unmapped because no Login
//           column names the connected app (an oauth.* event needs one).
//           Without LOGIN_TYPE (pre-2023 header) a /services/Soap/ URI is a
//           SOAP login; anything else is unmapped. LOGIN_STATUS
//           LOGIN_NO_ERROR -> success, other codes -> failure.
//   LoginAs login.ui of USER_ID (the impersonated user); actor = DELEGATED_USER_ID.
//   Logout  unmapped (no app column, so a revocation cannot name its app).
//   API     api.call; API_TYPE E/P -> soap_data, M -> metadata, D -> apex_soap_ws.
//   RestApi api.call, api_family rest_data, app = CONNECTED_APP_ID; without
//           one the row is unmapped (origin unknown: not a SOAP session).
//   REQUEST_STATUS S -> success, F/A -> failure (API, RestApi).
#include <string>

#include "ingest/adapter_internal.h"

namespace authtrail::ingest::adapter_internal {
namespace {

struct ElfCommon {
  std::string ts, org;
  std::string_view id, user;
};

class ElfAdapter : public Adapter {
 public:
  ElfAdapter(AdapterOptions options, std::string_view type)
      : options_(std::move(options)), type_(type), source_("EventLogFile:" + std::string(type)) {}

  bool Map(const SourceRecord& record, std::vector<std::string>* out, MapError* error) override {
    Row row(record, error);
    ElfCommon c;
    if (!ReadCommon(&row, &c)) return false;
    std::string line;
    bool ok = type_ == "Login"     ? Login(&row, c, &line)
              : type_ == "LoginAs" ? LoginAs(&row, c, &line)
              : type_ == "Logout"  ? Logout(&row, c, &line)
                                   : ApiCall(&row, c, &line);
    if (ok) out->push_back(std::move(line));
    return ok;
  }

 private:
  bool ReadCommon(Row* row, ElfCommon* c) {
    std::string_view type = row->Get("EVENT_TYPE");
    if (!type.empty() && !SameText(type, type_)) {
      return row->Fail("EVENT_TYPE", "is '" + std::string(type) + "'; --format expects " + type_);
    }
    const char* ts_field = row->Has("TIMESTAMP") ? "TIMESTAMP" : "TIMESTAMP_DERIVED";
    if (!RequireTime(row, ts_field, &c->ts)) return false;
    if (!OrgOf(row, "ORGANIZATION_ID", options_.org, &c->org)) return false;
    c->id = row->Get("REQUEST_ID");
    const char* user_field = row->Get("USER_ID_DERIVED").empty() ? "USER_ID" : "USER_ID_DERIVED";
    c->user = row->Get(user_field);
    // A Logout row of a batch revocation has no user; every other row needs one.
    if (c->user.empty() && type_ != "Logout") return row->Fail("USER_ID", "is missing or empty");
    return CheckIdOrName(row, user_field, c->user);
  }

  EventJson Start(std::string_view kind, const ElfCommon& c) const {
    EventJson e(kind, c.ts, c.org);
    e.Opt("id", c.id).Str("source", source_).Opt("user", c.user);
    return e;
  }

  // An unmapped event for this row: action names the type and its codes.
  std::string Unmapped(const ElfCommon& c, std::string action, std::string section,
                       std::string_view status) const {
    EventJson e = Start("unmapped", c);
    e.Str("action", action).Opt("section", section).Opt("status", status);
    return std::move(e).Done();
  }

  bool Login(Row* row, const ElfCommon& c, std::string* line) {
    std::string_view status = row->Get("LOGIN_STATUS");
    LoginClass cls = Classify(*row);
    if (cls.kind != LoginClass::Kind::kUi && cls.kind != LoginClass::Kind::kSoap) {
      bool oauth = cls.kind != LoginClass::Kind::kUnknown;
      *line = Unmapped(c,
                       "Login: LOGIN_TYPE=" + std::string(row->Get("LOGIN_TYPE")) +
                           " LOGIN_SUB_TYPE=" + std::string(row->Get("LOGIN_SUB_TYPE")),
                       oauth ? "OAuth login: ELF Login names no connected app"
                             : "URI " + std::string(row->Get("URI")),
                       status);
      return true;
    }
    EventJson e = Start(cls.kind == LoginClass::Kind::kUi ? "login.ui" : "soap.login", c);
    if (!status.empty()) {
      e.Str("outcome", status == "LOGIN_NO_ERROR" ? "success" : "failure").Str("status", status);
    }
    *line = std::move(e).Done();
    return true;
  }

  static LoginClass Classify(const Row& row) {
    if (row.Has("LOGIN_TYPE")) {
      std::string_view label = LoginTypeLabelOfCode(row.Get("LOGIN_TYPE"));
      std::string_view sub_code = row.Get("LOGIN_SUB_TYPE");
      std::string_view sub = LoginSubTypeLabelOfCode(sub_code);
      if (!sub_code.empty() && sub.empty()) return {};  // unknown subtype code
      return ClassifyLogin(label, sub);
    }
    if (row.Get("URI").starts_with("/services/Soap/")) return {LoginClass::Kind::kSoap, "", ""};
    return {};
  }

  bool LoginAs(Row* row, const ElfCommon& c, std::string* line) {
    EventJson e = Start("login.ui", c);
    e.Opt("actor", row->GetAny({"DELEGATED_USER_ID_DERIVED", "DELEGATED_USER_ID"}));
    *line = std::move(e).Done();
    return true;
  }

  bool Logout(Row* row, const ElfCommon& c, std::string* line) {
    std::string section;
    for (const char* f : {"SESSION_TYPE", "APP_TYPE", "USER_INITIATED_LOGOUT", "RESOLUTION_TYPE"}) {
      if (std::string_view v = row->Get(f); !v.empty()) {
        if (!section.empty()) section += ' ';
        section.append(f).append("=").append(v);
      }
    }
    *line = Unmapped(c, "Logout", section, "");
    return true;
  }

  bool ApiCall(Row* row, const ElfCommon& c, std::string* line) {
    std::string_view app = row->Get("CONNECTED_APP_ID");
    std::string_view request_status = row->Get("REQUEST_STATUS");
    if (type_ == "RestApi" && app.empty()) {
      *line = Unmapped(c, "RestApi", "no CONNECTED_APP_ID: origin unknown", request_status);
      return true;
    }
    EventJson e = Start("api.call", c);
    e.Opt("app", app).Opt("api_family", Family(*row));
    if (request_status == "S" || request_status == "Success") {
      e.Str("outcome", "success");
    } else if (request_status == "F" || request_status == "A") {
      e.Str("outcome", "failure");
    }
    e.Opt("status", request_status);
    *line = std::move(e).Done();
    return true;
  }

  std::string_view Family(const Row& row) const {
    if (type_ == "RestApi") return "rest_data";
    std::string_view t = row.Get("API_TYPE");
    if (t == "E" || t == "P") return "soap_data";
    if (t == "M") return "metadata";
    if (t == "D") return "apex_soap_ws";
    return {};
  }

  AdapterOptions options_;
  std::string type_;
  std::string source_;
};

}  // namespace

std::unique_ptr<Adapter> MakeElfAdapter(const AdapterOptions& options, std::string_view type) {
  return std::make_unique<ElfAdapter>(options, type);
}

}  // namespace authtrail::ingest::adapter_internal
