// LoginHistory and LoginEvent -> access events (sources.md §1, §2.8, §6).
//
//   LoginType label (+ LoginSubType)        -> kind
//   Application, SAML/SSO, portal logins     -> login.ui
//   Remote Access 2.0 + web server subtype   -> oauth.authorize flow web_server
//   Remote Access 2.0 + user-agent subtype   -> oauth.authorize flow user_agent
//   Remote Access 2.0 + username-password    -> oauth.token grant password
//   Remote Access 2.0 + refresh token        -> oauth.token grant refresh_token
//   Remote Access 2.0 + client credentials   -> oauth.token grant client_credentials
//   Remote Access 2.0, no subtype / token
//     exchange / OTP; Remote Access Client   -> oauth.token grant unknown
//   Other Apex API, Partner Product          -> soap.login
//   anything else                            -> unmapped (action = LoginType label)
// Status "Success" -> outcome success, any other text -> failure; the text is
// kept in `status`. Application -> app. Id (LoginEvent: EventIdentifier) -> id.
#include <array>

#include "ingest/adapter_internal.h"

namespace authtrail::ingest::adapter_internal {
namespace {

using K = LoginClass::Kind;

struct TypeRow {
  std::string_view label, api_name, elf_code;
  K kind;
};
// sources.md §1.2. Browser logins of every kind are login.ui (never evaluated);
// types whose meaning is unclear (AppExchange, portal API-only, offline
// client, cross-tenant) are deliberately absent: they stay unmapped.
constexpr TypeRow kTypes[] = {
    {"Application", "Application", "A", K::kUi},
    {"Certificate-based login", "Certificate", "s", K::kUi},
    {"Chatter Communities External User", "ChatterCommunityPortalUnPwd", "k", K::kUi},
    {"Chatter Communities External User Third Party SSO", "ChatterCommunityThirdPartySso", "n",
     K::kUi},
    {"Employee Login to Community", "EmployeeLoginToCommunity", "r", K::kUi},
    {"Lightning Login", "LightningLogin", "z", K::kUi},
    {"Passwordless Login", "PasswordlessLogin", "w", K::kUi},
    {"Customer Service Portal", "Portal", "3", K::kUi},
    {"Partner Portal", "PrmPortal", "9", K::kUi},
    {"Partner Portal Third-Party SSO", "PrmPortalThirdPartySso", "q", K::kUi},
    {"Customer Service Portal Third-Party SSO", "PortalThirdPartySso", "", K::kUi},
    {"SAML Idp Initiated SSO", "Saml", "5", K::kUi},
    {"SAML Chatter Communities External User SSO", "SamlChatterNetworks", "m", K::kUi},
    {"SAML Customer Service Portal SSO", "SamlCspPortal", "b", K::kUi},
    {"SAML Partner Portal SSO", "SamlPrmPortal", "c", K::kUi},
    {"SAML Site SSO", "SamlSite", "h", K::kUi},
    {"SAML Sfdc Initiated SSO", "Saml2", "8", K::kUi},
    {"Third Party SSO", "ThirdPartySso", "j", K::kUi},
    {"Remote Access 2.0", "Oauth2", "i", K::kToken},    // refined by the subtype
    {"Remote Access Client", "Oauth", "6", K::kToken},  // OAuth 1.0: grant unknown
    {"Other Apex API", "OtherApi", "I", K::kSoap},
    {"Partner Product", "Partner", "R", K::kSoap},
};

struct SubtypeRow {
  std::string_view label, api_name, elf_code;
  K kind;
  std::string_view flow_or_grant;
};
// sources.md §1.3 and §6. JWT bearer, SAML bearer and device have no subtype:
// they arrive with an empty one and become grant unknown.
constexpr SubtypeRow kSubtypes[] = {
    {"OAuth Web Server", "OauthWebServer", "oauthcode", K::kAuthorize, "web_server"},
    {"OAuth Web Server for Hybrid Apps", "OauthHybridWebServer", "oauthhybridauthcode",
     K::kAuthorize, "web_server"},
    {"OAuth User-Agent", "OauthUserAgent", "oauthtoken", K::kAuthorize, "user_agent"},
    {"OAuth User-Agent with ID Token", "OauthUserAgentIdToken", "oauthtokenidtoken", K::kAuthorize,
     "user_agent"},
    {"OAuth User-Agent for Hybrid Apps", "OauthHybridUserAgent", "oauthhybridtoken", K::kAuthorize,
     "user_agent"},
    {"OAuth Username-Password", "OauthUsernamePassword", "oauthpassword", K::kToken, "password"},
    {"OAuth Refresh Token", "OauthRefreshToken", "oauthrefreshtoken", K::kToken, "refresh_token"},
    {"OAuth Refresh Token for Hybrid Apps", "OauthHybridRefreshToken", "", K::kToken,
     "refresh_token"},
    {"OAuth Client Credentials", "OauthClientCredentials", "oauthclientcredential", K::kToken,
     "client_credentials"},
    {"OAuth Token Exchange", "OauthTokenExchange", "", K::kToken, "unknown"},
    {"OAuth Token Exchange for Hybrid Apps", "OauthHybridTokenExchange", "", K::kToken, "unknown"},
    {"OAuth OTP Login", "OauthOtpLogin", "", K::kToken, "unknown"},
    {"UI Username-Password", "UsernamePasswordUiLogin", "uiup", K::kUi, ""},
};

const TypeRow* FindType(std::string_view label) {
  for (const TypeRow& t : kTypes) {
    if (SameText(label, t.label) || label == t.api_name) return &t;
  }
  return nullptr;
}

const SubtypeRow* FindSubtype(std::string_view label) {
  for (const SubtypeRow& s : kSubtypes) {
    if (SameText(label, s.label) || label == s.api_name) return &s;
  }
  return nullptr;
}

}  // namespace

LoginClass ClassifyLogin(std::string_view type_label, std::string_view subtype_label) {
  const TypeRow* type = FindType(type_label);
  if (type == nullptr) return {};
  if (type->kind != K::kToken) return {type->kind, "", ""};
  if (type->api_name == "Oauth" || subtype_label.empty()) return {K::kToken, "", "unknown"};
  const SubtypeRow* sub = FindSubtype(subtype_label);
  if (sub == nullptr || sub->kind == K::kUi) return {};  // unknown, or a UI subtype on OAuth
  if (sub->kind == K::kAuthorize) return {K::kAuthorize, sub->flow_or_grant, ""};
  return {K::kToken, "", sub->flow_or_grant};
}

std::string_view LoginTypeLabelOfCode(std::string_view code) {
  for (const TypeRow& t : kTypes) {
    if (!t.elf_code.empty() && code == t.elf_code) return t.label;
  }
  return {};
}

std::string_view LoginSubTypeLabelOfCode(std::string_view code) {
  for (const SubtypeRow& s : kSubtypes) {
    if (!s.elf_code.empty() && code == s.elf_code) return s.label;
  }
  return {};
}

namespace {

// Fields every login export shares, by their LoginHistory/LoginEvent names.
struct LoginRecord {
  std::string ts, org;
  std::string_view id, user, app, type, subtype, status;
};

class LoginAdapter : public Adapter {
 public:
  LoginAdapter(AdapterOptions options, bool login_event)
      : options_(std::move(options)), login_event_(login_event) {}

  bool Map(const SourceRecord& record, std::vector<std::string>* out, MapError* error) override {
    Row row(record, error);
    LoginRecord r;
    if (!Read(&row, &r)) return false;
    std::string line;
    if (!Build(&row, r, &line)) return false;
    out->push_back(std::move(line));
    return true;
  }

 private:
  bool Read(Row* row, LoginRecord* r) {
    const char* id_field = login_event_ ? "EventIdentifier" : "Id";
    const char* ts_field = login_event_ ? "EventDate" : "LoginTime";
    if (!row->Require(id_field, &r->id) || !RequireTime(row, ts_field, &r->ts)) return false;
    if (!OrgOf(row, "", options_.org, &r->org)) return false;
    if (!row->Require("UserId", &r->user) || !CheckIdOrName(row, "UserId", r->user)) return false;
    if (!row->Require("LoginType", &r->type)) return false;
    r->app = row->Get("Application");
    r->subtype = row->Get("LoginSubType");
    r->status = row->Get("Status");
    return true;
  }

  bool Build(Row* row, const LoginRecord& r, std::string* line) {
    LoginClass c = ClassifyLogin(r.type, r.subtype);
    std::string_view kind = KindName(c.kind);
    bool oauth = c.kind == K::kAuthorize || c.kind == K::kToken;
    if (oauth && (r.app.empty() || r.app == "N/A")) {
      return row->Fail("Application", "an OAuth login must name its connected app");
    }
    EventJson e(kind, r.ts, r.org);
    e.Str("id", r.id).Str("source", login_event_ ? "LoginEvent" : "LoginHistory");
    e.Str("user", r.user);
    if (c.kind == K::kUnknown) {
      e.Str("action", "LoginType: " + std::string(r.type)).Opt("section", r.subtype);
      e.Opt("app", r.app).Opt("status", r.status);
      *line = std::move(e).Done();
      return true;
    }
    if (oauth || (c.kind == K::kSoap && r.app != "N/A")) e.Opt("app", r.app);
    e.Opt("flow", c.flow).Opt("grant", c.grant);
    if (!r.status.empty()) {
      e.Str("outcome", SameText(r.status, "Success") ? "success" : "failure")
          .Str("status", r.status);
    }
    *line = std::move(e).Done();
    return true;
  }

  static std::string_view KindName(K k) {
    switch (k) {
      case K::kUi:
        return "login.ui";
      case K::kAuthorize:
        return "oauth.authorize";
      case K::kToken:
        return "oauth.token";
      case K::kSoap:
        return "soap.login";
      case K::kUnknown:
        break;
    }
    return "unmapped";
  }

  AdapterOptions options_;
  bool login_event_;
};

}  // namespace

std::unique_ptr<Adapter> MakeLoginAdapter(const AdapterOptions& options, bool login_event) {
  return std::make_unique<LoginAdapter>(options, login_event);
}

}  // namespace authtrail::ingest::adapter_internal
