// Adapters, from export text to validated events (the path `ingest --format`
// takes): records.h -> Adapter::Map -> JsonlParser.
#include "ingest/adapter.h"

#include <gtest/gtest.h>

#include <string>

#include "common/time.h"
#include "ingest/adapter_internal.h"
#include "ingest/jsonl.h"

namespace authtrail::ingest {
namespace {

constexpr const char* kOrg = "00D5g000004Sxyz";
constexpr const char* kOrg18 = "00D5g000004SxyzEAC";

struct Mapped {
  std::vector<Event> events;
  std::vector<std::string> errors;  // "line:column: field: reason"
};

Mapped MapAll(std::string_view format, std::string_view text, std::string org = kOrg,
              std::string at = "") {
  auto adapter = MakeAdapter(format, {org, at});
  EXPECT_TRUE(adapter.ok()) << adapter.status().ToString();
  Mapped out;
  if (!adapter.ok()) return out;
  std::unique_ptr<RecordReader> reader = OpenRecords(LinesOf(text));
  JsonlParser parser;
  SourceRecord record;
  RecordError read_error;
  while (true) {
    RecordReader::Outcome o = reader->Next(&record, &read_error);
    if (o == RecordReader::Outcome::kEnd) break;
    if (o == RecordReader::Outcome::kError) {
      out.errors.push_back(std::to_string(read_error.pos.line) + ":" +
                           std::to_string(read_error.pos.column) + ": " + read_error.reason);
      continue;
    }
    std::vector<std::string> lines;
    MapError e;
    if (!(*adapter)->Map(record, &lines, &e)) {
      out.errors.push_back(std::to_string(e.pos.line) + ":" + std::to_string(e.pos.column) + ": " +
                           e.field + ": " + e.reason);
      continue;
    }
    for (const std::string& line : lines) {
      Event event;
      LineError le;
      if (!parser.Parse(line, &event, &le)) {
        out.errors.push_back(line + " -> " + le.field + ": " + le.reason);
      } else {
        out.events.push_back(event);
      }
    }
  }
  return out;
}

std::string Ts(const Event& e) { return FormatOutput(e.ts); }

// ---- time and label helpers ----

TEST(SalesforceTime, AcceptsRestElfAndRfc3339Forms) {
  using adapter_internal::SalesforceTime;
  EXPECT_EQ(SalesforceTime("2023-07-23T16:18:23.000+0000"), "2023-07-23T16:18:23.000+00:00");
  EXPECT_EQ(SalesforceTime("2024-07-08T07:26:18.239-0530"), "2024-07-08T07:26:18.239-05:30");
  EXPECT_EQ(SalesforceTime("2021-10-19T11:47:22Z"), "2021-10-19T11:47:22Z");
  EXPECT_EQ(SalesforceTime("20231218054831.655"), "2023-12-18T05:48:31.655Z");
  EXPECT_EQ(SalesforceTime("20220803011210"), "2022-08-03T01:12:10Z");
  EXPECT_EQ(SalesforceTime("20220803011210.x"), std::nullopt);
  EXPECT_EQ(SalesforceTime("2022080301121a"), std::nullopt);
}

TEST(ClassifyLogin, LabelsAndApiNamesGiveKindFlowAndGrant) {
  using adapter_internal::ClassifyLogin;
  using K = adapter_internal::LoginClass::Kind;
  EXPECT_EQ(ClassifyLogin("Application", "").kind, K::kUi);
  EXPECT_EQ(ClassifyLogin("SAML Idp Initiated SSO", "").kind, K::kUi);
  EXPECT_EQ(ClassifyLogin("Other Apex API", "").kind, K::kSoap);
  EXPECT_EQ(ClassifyLogin("Partner Product", "").kind, K::kSoap);
  auto web = ClassifyLogin("Remote Access 2.0", "OAuth Web Server");
  EXPECT_EQ(web.kind, K::kAuthorize);
  EXPECT_EQ(web.flow, "web_server");
  EXPECT_EQ(ClassifyLogin("Oauth2", "OauthUserAgent").flow, "user_agent");
  EXPECT_EQ(ClassifyLogin("Remote Access 2.0", "OAuth Refresh Token").grant, "refresh_token");
  EXPECT_EQ(ClassifyLogin("Remote Access 2.0", "OAuth Username-Password").grant, "password");
  EXPECT_EQ(ClassifyLogin("Remote Access 2.0", "OAuth Client Credentials").grant,
            "client_credentials");
  EXPECT_EQ(ClassifyLogin("Remote Access 2.0", "").grant, "unknown");  // JWT, device, ...
  EXPECT_EQ(ClassifyLogin("Remote Access Client", "").grant, "unknown");
  EXPECT_EQ(ClassifyLogin("Remote Access 2.0", "OAuth Something New").kind, K::kUnknown);
  EXPECT_EQ(ClassifyLogin("AJAX Toolkit", "").kind, K::kUnknown);
  EXPECT_EQ(adapter_internal::LoginTypeLabelOfCode("i"), "Remote Access 2.0");
  EXPECT_EQ(adapter_internal::LoginTypeLabelOfCode("I"), "Other Apex API");
  EXPECT_EQ(adapter_internal::LoginSubTypeLabelOfCode("oauthcode"), "OAuth Web Server");
}

TEST(MakeAdapter, UnknownFormatAndMissingOrgAreUsageErrors) {
  EXPECT_FALSE(MakeAdapter("csv", {kOrg, ""}).ok());
  EXPECT_FALSE(MakeAdapter("loginhistory", {"", ""}).ok());
  EXPECT_FALSE(MakeAdapter("loginhistory", {"00D5g000004SxyzXXX", ""}).ok());  // bad suffix
  EXPECT_TRUE(MakeAdapter("elf-login", {"", ""}).ok());    // ELF rows carry their org
  EXPECT_FALSE(MakeAdapter("snapshot", {kOrg, ""}).ok());  // --at required
  EXPECT_FALSE(MakeAdapter("snapshot", {kOrg, "last week"}).ok());
  EXPECT_TRUE(MakeAdapter("snapshot", {kOrg, "2025-11-01T00:00:00.000+0000"}).ok());
}

// ---- LoginHistory ----

constexpr const char* kLoginHistoryCsv =
    "\xEF\xBB\xBF\"Id\",\"LoginTime\",\"UserId\",\"LoginType\",\"LoginSubType\",\"Application\","
    "\"Status\"\r\n"
    "\"0Ya000000000001\",\"2025-06-10T14:03:40.000+0000\",\"0055g00000AbCdE\",\"Remote Access "
    "2.0\",\"OAuth Web Server\",\"Data Loader, EU\",\"Success\"\r\n"
    "\"0Ya000000000002\",\"2025-06-10T15:00:00.000+0000\",\"0055g00000AbCdEAAV\",\"Remote Access "
    "2.0\",\"\",\"Data Loader, EU\",\"Failed: Invalid Nonce\"\r\n"
    "\"0Ya000000000003\",\"2025-06-10T16:00:00.000+0000\",\"0055g00000AbCdE\",\"Application\","
    "\"UI Username-Password\",\"Browser\",\"Success\"\r\n"
    "\"0Ya000000000004\",\"2025-06-10T17:00:00.000+0000\",\"0055g00000AbCdE\",\"AJAX Toolkit\","
    "\"\",\"Workbench\",\"Success\"\r\n";

TEST(LoginHistoryAdapter, CsvExportMapsToAccessEvents) {
  Mapped m = MapAll("loginhistory", kLoginHistoryCsv);
  ASSERT_TRUE(m.errors.empty()) << m.errors[0];
  ASSERT_EQ(m.events.size(), 4u);
  const Event& a = m.events[0];
  EXPECT_EQ(a.kind, Kind::kOauthAuthorize);
  EXPECT_EQ(a.org, kOrg18);
  EXPECT_EQ(a.user, "0055g00000AbCdEAAV");  // 15 -> 18
  EXPECT_EQ(a.app, "Data Loader, EU");
  EXPECT_EQ(a.flow, Flow::web_server);
  EXPECT_EQ(a.outcome, Outcome::success);
  EXPECT_EQ(a.id, "0Ya000000000001");
  EXPECT_EQ(a.source, "LoginHistory");
  EXPECT_EQ(Ts(a), "2025-06-10T14:03:40Z");
  const Event& t = m.events[1];
  EXPECT_EQ(t.kind, Kind::kOauthToken);
  EXPECT_EQ(t.grant, Grant::unknown);
  EXPECT_EQ(t.outcome, Outcome::failure);
  EXPECT_EQ(t.status, "Failed: Invalid Nonce");
  EXPECT_EQ(m.events[2].kind, Kind::kLoginUi);
  EXPECT_FALSE(m.events[2].app.has_value());
  const Event& u = m.events[3];  // unknown LoginType: kept, not guessed
  EXPECT_EQ(u.kind, Kind::kUnmapped);
  EXPECT_EQ(u.action, "LoginType: AJAX Toolkit");
  EXPECT_EQ(u.app, "Workbench");
  EXPECT_EQ(u.user, "0055g00000AbCdEAAV");
}

TEST(LoginHistoryAdapter, JsonQueryResultMapsLikeCsv) {
  Mapped m = MapAll("loginhistory", R"({"totalSize":1,"done":true,"records":[{
    "attributes":{"type":"LoginHistory","url":"/services/data/v60.0/sobjects/LoginHistory/0Ya1"},
    "Id":"0Ya000000000009","LoginTime":"2025-06-11T08:00:00.000+0000","UserId":"0055g00000AbCdEAAV",
    "LoginType":"Other Apex API","LoginSubType":null,"Application":"N/A","Status":"Success",
    "ApiType":"SOAP Partner"}]})");
  ASSERT_TRUE(m.errors.empty()) << m.errors[0];
  ASSERT_EQ(m.events.size(), 1u);
  EXPECT_EQ(m.events[0].kind, Kind::kSoapLogin);
  EXPECT_FALSE(m.events[0].app.has_value());  // N/A is no app
}

TEST(LoginHistoryAdapter, MissingColumnsAndBadValuesAreRejectedWithPositions) {
  Mapped m = MapAll("loginhistory",
                    "Id,LoginTime,UserId,Application,Status\n"
                    "0Ya1,2025-06-10T14:03:40Z,0055g00000AbCdE,X,Success\n");
  ASSERT_EQ(m.errors.size(), 1u);
  EXPECT_EQ(m.errors[0], "2:1: LoginType: missing (no such column or field)");
  m = MapAll("loginhistory",
             "Id,LoginTime,UserId,LoginType,Application\n"
             "0Ya1,yesterday,0055g00000AbCdE,Application,Browser\n"
             "0Ya2,2025-06-10T14:03:40Z,0055g00000AbCdE,Remote Access 2.0,\n"
             "0Ya3,2025-06-10T14:03:40Z,0055g00000AbCdEXXX,Application,Browser\n");
  ASSERT_EQ(m.errors.size(), 3u);
  EXPECT_EQ(m.errors[0].substr(0, 30), "2:6: LoginTime: bad timestamp ") << m.errors[0];
  EXPECT_EQ(m.errors[1], "3:61: Application: an OAuth login must name its connected app");
  EXPECT_EQ(m.errors[2].substr(0, 15), "4:27: UserId: 1") << m.errors[2];  // 18-char id suffix
}

// ---- LoginEvent ----

TEST(LoginEventAdapter, EventIdentifierIsTheId) {
  Mapped m = MapAll("loginevent", R"({"records":[{"Id":"000000000000000AAA",
    "EventIdentifier":"5e4c8fd3-1a2b-4c3d-9e8f-0a1b2c3d4e5f","EventDate":"2024-07-08T07:26:18.239+0000",
    "UserId":"0055g00000AbCdEAAV","LoginType":"Remote Access 2.0","LoginSubType":"OAuth Refresh Token",
    "Application":"Mobile","Status":"Success"}]})");
  ASSERT_TRUE(m.errors.empty()) << m.errors[0];
  ASSERT_EQ(m.events.size(), 1u);
  EXPECT_EQ(m.events[0].id, "5e4c8fd3-1a2b-4c3d-9e8f-0a1b2c3d4e5f");
  EXPECT_EQ(m.events[0].grant, Grant::refresh_token);
  EXPECT_EQ(m.events[0].source, "LoginEvent");
  EXPECT_EQ(Ts(m.events[0]), "2024-07-08T07:26:18.239000Z");
}

// ---- EventLogFile ----

// The real 2023 Login header (sources.md §2.2), quoted as ELF quotes it.
constexpr const char* kElfLoginHeader =
    "\"EVENT_TYPE\",\"TIMESTAMP\",\"REQUEST_ID\",\"ORGANIZATION_ID\",\"USER_ID\",\"RUN_TIME\","
    "\"CPU_TIME\",\"URI\",\"SESSION_KEY\",\"LOGIN_KEY\",\"USER_TYPE\",\"REQUEST_STATUS\","
    "\"DB_TOTAL_TIME\",\"LOGIN_TYPE\",\"BROWSER_TYPE\",\"API_TYPE\",\"API_VERSION\",\"USER_NAME\","
    "\"TLS_PROTOCOL\",\"CIPHER_SUITE\",\"AUTHENTICATION_METHOD_REFERENCE\",\"LOGIN_SUB_TYPE\","
    "\"TIMESTAMP_DERIVED\",\"USER_ID_DERIVED\",\"CLIENT_IP\",\"URI_ID_DERIVED\",\"LOGIN_STATUS\","
    "\"SOURCE_IP\"\n";

std::string ElfLoginRow(std::string ts, std::string req, std::string type, std::string sub,
                        std::string status, std::string uri = "/index.jsp") {
  return "\"Login\",\"" + ts + "\",\"" + req +
         "\",\"00D5g000004Sxyz\",\"0055g00000AbCdE\",\"84\",\"36\",\"" + uri +
         "\",\"\",\"k1\",\"Standard\",\"\",\"1\",\"" + type +
         "\",\"Go-http-client/1.1\",\"\",\"9998.0\",\"ops@example.com\",\"TLSv1.2\","
         "\"ECDHE-RSA-AES256-GCM-SHA384\",\"\",\"" +
         sub +
         "\",\"2023-12-18T05:48:31.655Z\",\"0055g00000AbCdEAAV\",\"Salesforce.com IP\",\"\",\"" +
         status + "\",\"10.0.0.1\"\n";
}

TEST(ElfLoginAdapter, RealHeaderRowsMapByColumnName) {
  std::string csv =
      std::string(kElfLoginHeader) +
      ElfLoginRow("20231218054831.655", "R1", "A", "uiup", "LOGIN_NO_ERROR") +
      ElfLoginRow("20231218054900", "R2", "I", "", "LOGIN_ERROR_INVALID_PASSWORD",
                  "/services/Soap/u/58.0") +
      ElfLoginRow("20231218055000.1", "R3", "i", "", "LOGIN_NO_ERROR", "/services/oauth2/token") +
      ElfLoginRow("20231218055100", "R4", "Q", "", "LOGIN_NO_ERROR");
  Mapped m = MapAll("elf-login", csv, "");
  ASSERT_TRUE(m.errors.empty()) << m.errors[0];
  ASSERT_EQ(m.events.size(), 4u);
  EXPECT_EQ(m.events[0].kind, Kind::kLoginUi);
  EXPECT_EQ(m.events[0].org, kOrg18);
  EXPECT_EQ(m.events[0].user, "0055g00000AbCdEAAV");
  EXPECT_EQ(m.events[0].id, "R1");
  EXPECT_EQ(Ts(m.events[0]), "2023-12-18T05:48:31.655000Z");
  EXPECT_EQ(m.events[0].outcome, Outcome::success);
  EXPECT_EQ(m.events[1].kind, Kind::kSoapLogin);
  EXPECT_EQ(m.events[1].outcome, Outcome::failure);
  EXPECT_EQ(m.events[1].status, "LOGIN_ERROR_INVALID_PASSWORD");
  EXPECT_EQ(Ts(m.events[1]), "2023-12-18T05:49:00Z");
  // OAuth rows name no app in ELF Login: kept as unmapped, never guessed.
  EXPECT_EQ(m.events[2].kind, Kind::kUnmapped);
  EXPECT_EQ(m.events[2].action, "Login: LOGIN_TYPE=i LOGIN_SUB_TYPE=");
  EXPECT_EQ(m.events[3].kind, Kind::kUnmapped);  // unknown LOGIN_TYPE code
}

TEST(ElfLoginAdapter, ColumnsInAnotherOrderAndPre2023HeaderWithoutLoginType) {
  Mapped m =
      MapAll("elf-login",
             "\"URI\",\"USER_ID\",\"ORGANIZATION_ID\",\"TIMESTAMP\",\"EVENT_TYPE\",\"REQUEST_ID\"\n"
             "\"/services/Soap/u/52.0\",\"0055g00000AbCdE\",\"00D5g000004Sxyz\","
             "\"20210101000000\",\"Login\",\"R9\"\n",
             "");
  ASSERT_TRUE(m.errors.empty()) << m.errors[0];
  ASSERT_EQ(m.events.size(), 1u);
  EXPECT_EQ(m.events[0].kind, Kind::kSoapLogin);
}

TEST(ElfLoginAdapter, WrongEventTypeOrgMismatchAndMissingTimestampAreRejected) {
  std::string header =
      "\"EVENT_TYPE\",\"TIMESTAMP\",\"ORGANIZATION_ID\",\"USER_ID\",\"LOGIN_TYPE\"\n";
  Mapped m = MapAll(
      "elf-login",
      header + "\"Logout\",\"20210101000000\",\"00D5g000004Sxyz\",\"0055g00000AbCdE\",\"A\"\n" +
          "\"Login\",\"20210101000000\",\"00D5g000004Other\",\"0055g00000AbCdE\",\"A\"\n" +
          "\"Login\",\"\",\"00D5g000004Sxyz\",\"0055g00000AbCdE\",\"A\"\n",
      kOrg);
  ASSERT_EQ(m.errors.size(), 3u);
  EXPECT_EQ(m.errors[0], "2:1: EVENT_TYPE: is 'Logout'; --format expects Login");
  EXPECT_EQ(m.errors[1].substr(0, 23), "3:26: ORGANIZATION_ID: ");
  EXPECT_EQ(m.errors[2], "4:9: TIMESTAMP: is empty");
}

TEST(ElfAdapters, LoginAsLogoutApiAndRestApi) {
  Mapped as =
      MapAll("elf-loginas",
             "\"EVENT_TYPE\",\"TIMESTAMP\",\"ORGANIZATION_ID\",\"USER_ID\",\"DELEGATED_USER_ID\"\n"
             "\"LoginAs\",\"20250101000000\",\"00D5g000004Sxyz\",\"0055g00000AbCdE\","
             "\"0055g00000ZzZzZ\"\n",
             "");
  ASSERT_EQ(as.events.size(), 1u);
  EXPECT_EQ(as.events[0].kind, Kind::kLoginUi);
  EXPECT_EQ(as.events[0].actor, "0055g00000ZzZzZAAV");
  Mapped out =
      MapAll("elf-logout",
             "\"EVENT_TYPE\",\"TIMESTAMP\",\"ORGANIZATION_ID\",\"USER_ID\",\"SESSION_TYPE\","
             "\"APP_TYPE\",\"USER_INITIATED_LOGOUT\"\n"
             "\"Logout\",\"20250101000000\",\"00D5g000004Sxyz\",\"\",\"O\",\"2514\",\"0\"\n",
             "");
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].kind, Kind::kUnmapped);
  EXPECT_EQ(out.events[0].section, "SESSION_TYPE=O APP_TYPE=2514 USER_INITIATED_LOGOUT=0");
  EXPECT_FALSE(out.events[0].user.has_value());  // batch revocation: no user
  Mapped api = MapAll(
      "elf-api",
      "\"EVENT_TYPE\",\"TIMESTAMP\",\"ORGANIZATION_ID\",\"USER_ID\",\"API_TYPE\","
      "\"REQUEST_STATUS\",\"REQUEST_ID\"\n"
      "\"API\",\"20250101000000\",\"00D5g000004Sxyz\",\"0055g00000AbCdE\",\"M\",\"S\",\"Q1\"\n",
      "");
  ASSERT_EQ(api.events.size(), 1u);
  EXPECT_EQ(api.events[0].kind, Kind::kApiCall);
  EXPECT_EQ(api.events[0].api_family, ApiFamily::metadata);
  EXPECT_EQ(api.events[0].outcome, Outcome::success);
  Mapped rest =
      MapAll("elf-restapi",
             "\"EVENT_TYPE\",\"TIMESTAMP\",\"ORGANIZATION_ID\",\"USER_ID\",\"CONNECTED_APP_ID\"\n"
             "\"RestApi\",\"20250101000000\",\"00D5g000004Sxyz\",\"0055g00000AbCdE\",\"0H4xx\"\n"
             "\"RestApi\",\"20250101000001\",\"00D5g000004Sxyz\",\"0055g00000AbCdE\",\"\"\n",
             "");
  ASSERT_EQ(rest.events.size(), 2u);
  EXPECT_EQ(rest.events[0].kind, Kind::kApiCall);
  EXPECT_EQ(rest.events[0].app, "0H4xx");
  EXPECT_EQ(rest.events[0].api_family, ApiFamily::rest_data);
  EXPECT_EQ(rest.events[1].kind, Kind::kUnmapped);
}

// ---- SetupAuditTrail ----

std::string SatCsv(std::initializer_list<std::pair<std::string, std::string>> rows) {
  std::string csv = "Id,Action,Section,CreatedDate,CreatedById,Display\n";
  int n = 0;
  for (const auto& [action, display] : rows) {
    std::string quoted;
    for (char c : display) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    csv += "0Ym00000000000" + std::to_string(n++) + "," + action +
           ",Manage Users,2025-06-10T14:00:00.000+0000,0055g00000ZzZzZ,\"" + quoted + "\"\n";
  }
  return csv;
}

TEST(SetupAuditTrailAdapter, ConnectedAppActionsMapToAppEvents) {
  Mapped m = MapAll(
      "setupaudittrail",
      SatCsv({{"insertConnectedApplication", "Installed Connected App Data Loader to Salesforce"},
              {"deleteConnectedApplication", "Uninstalled Connected App Data Loader"},
              {"blockConnectedApplication", "Blocked Connected App Data Loader"},
              {"unblockConnectedApplication", "Unblocked Connected App Data Loader to Salesforce"},
              {"changeUserRuntimeAccessPolicy",
               "Changed connected app Data Loader Permitted Users setting from All users may "
               "self-authorize to Admin approved users are pre-authorized"},
              {"SetupEntityAccessAudit_PermissionSet_ConnectedApplication_Enabled",
               "Changed permission set Integration, EU: Data Loader connected app is enabled"},
              {"SetupEntityAccessAudit_Profile_ConnectedApplication_DisabledCustom",
               "Changed profile Sales: Data Loader connected app is disabled"}}));
  ASSERT_TRUE(m.errors.empty()) << m.errors[0];
  ASSERT_EQ(m.events.size(), 7u);
  EXPECT_EQ(m.events[0].kind, Kind::kAppInstall);
  EXPECT_EQ(m.events[0].app, "Data Loader");
  EXPECT_EQ(m.events[0].actor, "0055g00000ZzZzZAAV");
  EXPECT_EQ(m.events[0].source, "SetupAuditTrail");
  EXPECT_EQ(m.events[1].kind, Kind::kAppUninstall);
  EXPECT_EQ(m.events[2].kind, Kind::kAppBlock);
  EXPECT_EQ(m.events[3].kind, Kind::kAppUnblock);
  EXPECT_EQ(m.events[3].app, "Data Loader");
  EXPECT_EQ(m.events[4].kind, Kind::kAppPolicy);
  EXPECT_EQ(m.events[4].permitted_users, PermittedUsers::admin_approved);
  EXPECT_EQ(m.events[5].kind, Kind::kAppAccess);
  EXPECT_EQ(m.events[5].permset, "Integration, EU");
  EXPECT_EQ(m.events[5].enabled, true);
  EXPECT_EQ(m.events[6].profile, "Sales");
  EXPECT_EQ(m.events[6].enabled, false);
}

TEST(SetupAuditTrailAdapter, PermissionSetsProfilesAndUsers) {
  Mapped m = MapAll(
      "setupaudittrail",
      SatCsv({{"PermSetAssign",
               "Permission set Ops: assigned to user Ann Lee (UserID: [0055g00000AbCdE])"},
              {"PermSetAssign_HasExpiration",
               "Permission set Temp API with expiration: assigned to user Ann Lee (UserID: "
               "[0055g00000AbCdE]), expiring on Sat May 20 06:59:59 GMT 2023"},
              {"PermSetUnassign",
               "Permission set Ops: unassigned from user Ann Lee (UserID: [0055g00000AbCdE])"},
              {"PermSetEnableUserPerm",
               "Changed permission set Ops: API Enabled permission was changed from disabled to "
               "enabled"},
              {"PermSetDisableUserPerm",
               "Changed permission set Ops: Use Any API Client permission was changed from enabled "
               "to disabled"},
              {"profilePermChangedCustom",
               "Changed profile Sales: general user permission Approve Uninstalled Connected Apps "
               "was changed from disabled to enabled"},
              {"changedprofileforuser", "Changed profile for user Ann Lee from Sales to Support"},
              {"deactivateduser", "Deactivated user Ann Lee (UserID: [0055g00000AbCdE])"},
              {"PermSetGroupAssign",
               "Permission set group Integrations: assigned to user Ann Lee (UserID: "
               "[0055g00000AbCdEAAV])"}}));
  ASSERT_TRUE(m.errors.empty()) << m.errors[0];
  ASSERT_EQ(m.events.size(), 9u);
  EXPECT_EQ(m.events[0].kind, Kind::kPermsetAssign);
  EXPECT_EQ(m.events[0].permset, "Ops");
  EXPECT_EQ(m.events[0].user, "0055g00000AbCdEAAV");
  EXPECT_FALSE(m.events[0].expires_at.has_value());
  EXPECT_EQ(m.events[1].permset, "Temp API");
  ASSERT_TRUE(m.events[1].expires_at.has_value());
  EXPECT_EQ(FormatOutput(*m.events[1].expires_at), "2023-05-20T06:59:59Z");
  EXPECT_EQ(m.events[2].kind, Kind::kPermsetUnassign);
  EXPECT_EQ(m.events[3].kind, Kind::kPermsetPermission);
  EXPECT_EQ(m.events[3].permission, "api_enabled");
  EXPECT_EQ(m.events[3].enabled, true);
  EXPECT_EQ(m.events[4].permission, "use_any_api_client");
  EXPECT_EQ(m.events[4].enabled, false);
  EXPECT_EQ(m.events[5].kind, Kind::kProfilePermission);
  EXPECT_EQ(m.events[5].permission, "approve_uninstalled_connected_apps");
  EXPECT_EQ(m.events[6].kind, Kind::kUserUpsert);
  EXPECT_EQ(m.events[6].user, "Ann Lee");  // Display names no id here
  EXPECT_EQ(m.events[6].profile, "Support");
  EXPECT_EQ(m.events[7].active, false);
  EXPECT_EQ(m.events[8].permset, "Integrations");
}

TEST(SetupAuditTrailAdapter, UnknownActionsAndUnreadableDisplaysAreKeptAsUnmapped) {
  Mapped m = MapAll("setupaudittrail",
                    SatCsv({{"PermSetCreate", "Created permission set \"Ops\"\nsecond line"},
                            {"insertConnectedApplication", "Something else entirely"},
                            {"PermSetAssign_HasExpiration",
                             "Permission set X with expiration: assigned to user A (UserID: "
                             "[0055g00000AbCdE]), expiring on Sat May 20 06:59:59 PDT 2023"}}));
  ASSERT_TRUE(m.errors.empty()) << m.errors[0];
  ASSERT_EQ(m.events.size(), 3u);
  for (const Event& e : m.events) EXPECT_EQ(e.kind, Kind::kUnmapped);
  EXPECT_EQ(m.events[0].action, "PermSetCreate");
  EXPECT_EQ(m.events[0].section, "Manage Users");
  EXPECT_EQ(m.events[0].display, "Created permission set \"Ops\"\nsecond line");
  EXPECT_EQ(m.events[2].action, "PermSetAssign_HasExpiration");  // PDT: no guessing
}

TEST(SetupAuditTrailAdapter, JsonWithNullSectionAndRelationshipUsername) {
  Mapped m = MapAll("setupaudittrail", R"({"records":[{"attributes":{"type":"SetupAuditTrail"},
    "Id":"0Ym5g000001AbCd","Action":"frozeuser","Section":null,"CreatedDate":"2024-02-01T10:00:00.000+0000",
    "CreatedBy":{"attributes":{"type":"User"},"Username":"admin@example.com"},
    "Display":"Froze user Ann Lee"}]})");
  ASSERT_TRUE(m.errors.empty()) << m.errors[0];
  ASSERT_EQ(m.events.size(), 1u);
  EXPECT_EQ(m.events[0].kind, Kind::kUnmapped);
  EXPECT_EQ(m.events[0].actor, "admin@example.com");
  EXPECT_FALSE(m.events[0].section.has_value());
}

TEST(SetupAuditTrailAdapter, MissingActionIsRejected) {
  Mapped m =
      MapAll("setupaudittrail", "Id,CreatedDate,Display\n0Ym1,2025-06-10T14:00:00Z,Something\n");
  ASSERT_EQ(m.errors.size(), 1u);
  EXPECT_EQ(m.errors[0], "2:1: Action: missing (no such column or field)");
}

// ---- snapshot ----

constexpr const char* kAt = "2025-11-01T00:00:00Z";

TEST(SnapshotAdapter, UsersAndPermissionFieldsBecomeBaselineState) {
  Mapped users = MapAll("snapshot",
                        "Id,Username,IsActive,UserType,Profile.Name\n"
                        "0055g00000AbCdE,ann@example.com,true,Standard,Sales\n"
                        "0055g00000BbBbB,bot@example.com,FALSE,Guest,\n",
                        kOrg, kAt);
  ASSERT_TRUE(users.errors.empty()) << users.errors[0];
  ASSERT_EQ(users.events.size(), 2u);
  EXPECT_EQ(users.events[0].kind, Kind::kUserUpsert);
  EXPECT_EQ(users.events[0].user, "0055g00000AbCdEAAV");
  EXPECT_EQ(users.events[0].profile, "Sales");
  EXPECT_EQ(users.events[0].user_type, UserType::internal);
  EXPECT_EQ(users.events[0].active, true);
  EXPECT_EQ(Ts(users.events[0]), kAt);
  EXPECT_FALSE(users.events[0].id.has_value());  // a baseline per snapshot time
  EXPECT_EQ(users.events[0].source, "snapshot:User");
  EXPECT_FALSE(users.events[1].user_type.has_value());  // Guest: no faithful user_type
  EXPECT_EQ(users.events[1].active, false);

  Mapped perms = MapAll("snapshot", R"({"records":[
    {"attributes":{"type":"PermissionSet"},"Id":"0PS5g000000AbCd","Label":"Integration, EU",
     "IsOwnedByProfile":false,"PermissionsApiEnabled":true,"PermissionsUseAnyApiClient":false},
    {"attributes":{"type":"PermissionSet"},"Id":"0PS5g000000XyZa","IsOwnedByProfile":true,
     "Profile":{"Name":"Sales"},"PermissionsApiEnabled":false},
    {"attributes":{"type":"Profile"},"Id":"00e5g000001PrOf","Name":"Support",
     "PermissionsCanApproveUninstalledApps":true}]})",
                        kOrg, kAt);
  ASSERT_TRUE(perms.errors.empty()) << perms.errors[0];
  ASSERT_EQ(perms.events.size(), 4u);
  EXPECT_EQ(perms.events[0].kind, Kind::kPermsetPermission);
  EXPECT_EQ(perms.events[0].permset, "Integration, EU");
  EXPECT_EQ(perms.events[0].permission, "api_enabled");
  EXPECT_EQ(perms.events[1].permission, "use_any_api_client");
  EXPECT_EQ(perms.events[1].enabled, false);
  EXPECT_EQ(perms.events[2].kind, Kind::kProfilePermission);
  EXPECT_EQ(perms.events[2].profile, "Sales");
  EXPECT_EQ(perms.events[3].profile, "Support");
  EXPECT_EQ(perms.events[3].permission, "approve_uninstalled_connected_apps");
}

constexpr const char* kAssignments =
    "AssigneeId,PermissionSetId,PermissionSet.Label,PermissionSet.IsOwnedByProfile,"
    "ExpirationDate\n"
    "0055g00000AbCdE,0PS5g000000AbCd,\"Integration, EU\",false,2026-01-01T00:00:00.000+0000\n"
    "0055g00000AbCdE,0PS5g000000XyZa,X00ex,true,\n";

constexpr const char* kSetupEntityAccess =
    "Id,ParentId,SetupEntityId,SetupEntityType\n"
    "0J05g0000001,0PS5g000000AbCd,0H45g0000000001,ConnectedApplication\n"
    "0J05g0000002,0PS5g000000AbCd,01p5g0000000001,ApexClass\n";

TEST(SnapshotAdapter, AssignmentsAndConnectedAppAccess) {
  Mapped m = MapAll("snapshot", kAssignments, kOrg, kAt);
  ASSERT_TRUE(m.errors.empty()) << m.errors[0];
  ASSERT_EQ(m.events.size(), 1u);  // the profile-owned set is the profile, not an assignment
  EXPECT_EQ(m.events[0].kind, Kind::kPermsetAssign);
  EXPECT_EQ(m.events[0].permset, "Integration, EU");
  EXPECT_EQ(FormatOutput(*m.events[0].expires_at), "2026-01-01T00:00:00Z");

  Mapped access = MapAll("snapshot", kSetupEntityAccess, kOrg, kAt);
  ASSERT_TRUE(access.errors.empty()) << access.errors[0];
  ASSERT_EQ(access.events.size(), 1u);
  EXPECT_EQ(access.events[0].kind, Kind::kAppAccess);
  EXPECT_EQ(access.events[0].app, "0H45g0000000001");
  EXPECT_EQ(access.events[0].permset, "0PS5g000000AbCdGAK");
}

TEST(SnapshotAdapter, AppsTokensAndUnknownObjects) {
  Mapped apps = MapAll("snapshot",
                       "Id,Name,OptionsAllowAdminApprovedUsersOnly\n"
                       "0H45g0000000001,Data Loader,true\n"
                       "0H45g0000000002,Other,maybe\n",
                       kOrg, kAt);
  ASSERT_EQ(apps.events.size(), 2u);
  EXPECT_EQ(apps.events[0].kind, Kind::kAppUpsert);
  EXPECT_EQ(apps.events[1].kind, Kind::kAppPolicy);
  EXPECT_EQ(apps.events[1].permitted_users, PermittedUsers::admin_approved);
  EXPECT_EQ(apps.events[1].policy_source, PolicySource::api_field);
  ASSERT_EQ(apps.errors.size(), 1u);
  EXPECT_EQ(apps.errors[0], "3:23: OptionsAllowAdminApprovedUsersOnly: expected true or false");

  Mapped tokens =
      MapAll("snapshot", "AppName,UserId,UseCount\nData Loader,0055g00000AbCdE,3\n", kOrg, kAt);
  ASSERT_EQ(tokens.events.size(), 1u);
  EXPECT_EQ(tokens.events[0].kind, Kind::kUnmapped);
  EXPECT_EQ(tokens.events[0].action, "OauthToken");

  Mapped other = MapAll("snapshot", "Foo,Bar\n1,2\n", kOrg, kAt);
  ASSERT_EQ(other.errors.size(), 1u);
  EXPECT_NE(other.errors[0].find("not a snapshot object"), std::string::npos);
}

}  // namespace
}  // namespace authtrail::ingest
