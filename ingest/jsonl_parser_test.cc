#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/sfid.h"
#include "common/time.h"
#include "ingest/jsonl.h"
#include "schemas/canonical.h"

namespace authtrail::ingest {
namespace {

// The org of events.md's example, and its 18-character form. The suffix,
// worked by hand: chunks "00D5g" (D at bit 2 -> 4 -> 'E'), "00000" (-> 'A'),
// "4Sxyz" (S at bit 1 -> 2 -> 'C').
constexpr const char* kOrg15 = "00D5g000004Sxyz";
constexpr const char* kOrg18 = "00D5g000004SxyzEAC";
// "AbCdE" has uppercase at bits 0, 2, 4 -> 21 -> 'V'.
constexpr const char* kUser18 = "0055g00000AbCdEAAV";
// "1PrOf": bits 1, 3 -> 10 -> 'K'.
constexpr const char* kProfile18 = "00e5g000001PrOfAAK";

std::string Line(std::string_view kind, std::string_view fields = "",
                 std::string_view ts = "2025-06-10T14:02:11Z") {
  std::string line = "{\"ts\":\"" + std::string(ts) + "\",\"org\":\"" + kOrg15 + "\",\"kind\":\"" +
                     std::string(kind) + "\"";
  if (!fields.empty()) line += "," + std::string(fields);
  return line + "}";
}

class JsonlParserTest : public ::testing::Test {
 protected:
  Event MustParse(std::string_view line) {
    Event e;
    LineError error;
    EXPECT_TRUE(parser_.Parse(line, &e, &error))
        << line << "\n  rejected: " << error.field << ": " << error.reason;
    return e;
  }

  LineError MustReject(std::string_view line) {
    Event e;
    LineError error;
    EXPECT_FALSE(parser_.Parse(line, &e, &error)) << line << "\n  was accepted";
    return error;
  }

  // Asserts the rejection names `field` with exactly `reason`.
  void ExpectReject(std::string_view line, std::string_view field, std::string_view reason) {
    LineError error = MustReject(line);
    EXPECT_EQ(error.field, field) << line;
    EXPECT_EQ(error.reason, reason) << line;
  }

  // Asserts the rejection names `field` with a reason starting with `prefix`.
  void ExpectRejectPrefix(std::string_view line, std::string_view field, std::string_view prefix) {
    LineError error = MustReject(line);
    EXPECT_EQ(error.field, field) << line;
    EXPECT_EQ(error.reason.substr(0, prefix.size()), prefix) << line << " -> " << error.reason;
  }

  void ExpectNotJson(std::string_view line) { ExpectRejectPrefix(line, "", "not valid JSON: "); }

  JsonlParser parser_;
};

// ---- Every kind, with all its optional fields ----

struct KindCase {
  std::string line;
  std::string canonical;  // expected, byte for byte
};

// One line per kind (in Kind order) carrying every field the kind allows, with
// ids in 15-character form, an offset timestamp and fractions to normalize.
std::vector<KindCase> AllKindCases() {
  const std::string o = R"("org":"00D5g000004SxyzEAC",)";
  const std::string t = R"("ts":"2025-06-10T14:02:11.000000Z")";
  const std::string u = R"("user":"0055g00000AbCdEAAV")";
  return {
      {Line("org.created", R"("edition":"enterprise")"),
       R"({"edition":"enterprise","kind":"org.created",)" + o + t + "}"},
      {Line("org.edition", R"("edition":"contact_manager")"),
       R"({"edition":"contact_manager","kind":"org.edition",)" + o + t + "}"},
      {Line("org.setting", R"("setting":"admin_approved_apps_only","enabled":true)"),
       R"({"enabled":true,"kind":"org.setting",)" + o + R"("setting":"admin_approved_apps_only",)" +
           t + "}"},
      {Line("org.enforcement", R"("change":"sep2025","at":"2025-09-02T10:00:00+02:00")"),
       R"({"at":"2025-09-02T08:00:00.000000Z","change":"sep2025","kind":"org.enforcement",)" + o +
           t + "}"},
      {Line("user.upsert",
            R"("user":"0055g00000AbCdE","username":"ops@example.com","user_type":"chatter_free",)"
            R"("profile":"00e5g000001PrOf","active":false)"),
       R"({"active":false,"kind":"user.upsert",)" + o + R"("profile":"00e5g000001PrOfAAK",)" + t +
           "," + u + R"(,"user_type":"chatter_free","username":"ops@example.com"})"},
      {Line("profile.permission",
            R"("profile":"00e5g000001PrOf","permission":"api_enabled","enabled":false)"),
       R"({"enabled":false,"kind":"profile.permission",)" + o +
           R"("permission":"api_enabled","profile":"00e5g000001PrOfAAK",)" + t + "}"},
      {Line("permset.permission",
            R"("permset":"0PS5g000000AbCd","permission":"use_any_api_client","enabled":true)"),
       R"({"enabled":true,"kind":"permset.permission",)" + o +
           R"("permission":"use_any_api_client","permset":"0PS5g000000AbCdGAK",)" + t + "}"},
      {Line("permset.assign", R"("permset":"0PS5g000000AbCd","user":"ops@example.com",)"
                              R"("expires_at":"2026-01-01T00:00:00Z")"),
       R"({"expires_at":"2026-01-01T00:00:00.000000Z","kind":"permset.assign",)" + o +
           R"("permset":"0PS5g000000AbCdGAK",)" + t + R"(,"user":"ops@example.com"})"},
      {Line("permset.unassign", R"("permset":"0PS5g000000AbCdGAK","user":"0055g00000AbCdE")"),
       R"({"kind":"permset.unassign",)" + o + R"("permset":"0PS5g000000AbCdGAK",)" + t + "," + u +
           "}"},
      {Line("app.upsert",
            R"("app":"3MVG9dataloaderclone","name":"My Data Loader","allowlisted":false,)"
            R"("org_managed":true,"salesforce_cli_default":false)"),
       R"({"allowlisted":false,"app":"3MVG9dataloaderclone","kind":"app.upsert",)"
       R"("name":"My Data Loader",)" +
           o + R"("org_managed":true,"salesforce_cli_default":false,)" + t + "}"},
      {Line("app.install", R"("app":"a1","via":"package")"),
       R"({"app":"a1","kind":"app.install",)" + o + t + R"(,"via":"package"})"},
      {Line("app.uninstall", R"("app":"a1","via":"oauth_usage")"),
       R"({"app":"a1","kind":"app.uninstall",)" + o + t + R"(,"via":"oauth_usage"})"},
      {Line("app.block", R"("app":"a1")"), R"({"app":"a1","kind":"app.block",)" + o + t + "}"},
      {Line("app.unblock", R"("app":"a1")"), R"({"app":"a1","kind":"app.unblock",)" + o + t + "}"},
      {Line("app.policy",
            R"("app":"a1","permitted_users":"admin_approved","policy_source":"api_field")"),
       R"({"app":"a1","kind":"app.policy",)" + o +
           R"("permitted_users":"admin_approved","policy_source":"api_field",)" + t + "}"},
      {Line("app.access", R"("app":"a1","permset":"0PS5g000000AbCd","enabled":true)"),
       R"({"app":"a1","enabled":true,"kind":"app.access",)" + o +
           R"("permset":"0PS5g000000AbCdGAK",)" + t + "}"},
      {Line("login.ui", R"("user":"0055g00000AbCdE")"),
       R"({"kind":"login.ui",)" + o + t + "," + u + "}"},
      {Line("oauth.authorize", R"("user":"0055g00000AbCdE","app":"a1","flow":"device")"),
       R"({"app":"a1","flow":"device","kind":"oauth.authorize",)" + o + t + "," + u + "}"},
      {Line("oauth.token", R"("user":"0055g00000AbCdE","app":"a1","grant":"jwt_bearer",)"
                           R"("grant_ts":"2025-06-01T00:00:00Z")"),
       R"({"app":"a1","grant":"jwt_bearer","grant_ts":"2025-06-01T00:00:00.000000Z",)"
       R"("kind":"oauth.token",)" +
           o + t + "," + u + "}"},
      {Line("api.call", R"("user":"0055g00000AbCdE","app":"a1","origin":"getsessionid",)"
                        R"("api_family":"apex_soap_ws","grant_ts":"2025-06-01T00:00:00.25Z")"),
       R"({"api_family":"apex_soap_ws","app":"a1","grant_ts":"2025-06-01T00:00:00.250000Z",)"
       R"("kind":"api.call",)" +
           o + R"("origin":"getsessionid",)" + t + "," + u + "}"},
      {Line("soap.login", R"("user":"0055g00000AbCdE","app":"SfdcSoapClient")"),
       R"({"app":"SfdcSoapClient","kind":"soap.login",)" + o + t + "," + u + "}"},
      {Line("oauth.revoke",
            R"("user":"0055g00000AbCdE","app":"a1","cause":"refresh_policy_expiry")"),
       R"({"app":"a1","cause":"refresh_policy_expiry","kind":"oauth.revoke",)" + o + t + "," + u +
           "}"},
      {Line("unmapped", R"("action":"PermSetCreate","section":"Manage Users",)"
                        R"("display":"Created permission set Ops","user":"0055g00000AbCdE")"),
       R"({"action":"PermSetCreate","display":"Created permission set Ops","kind":"unmapped",)" +
           o + R"("section":"Manage Users",)" + t + "," + u + "}"},
  };
}

TEST_F(JsonlParserTest, EveryKindParsesWithAllItsOptionalFields) {
  std::vector<KindCase> cases = AllKindCases();
  ASSERT_EQ(cases.size(), static_cast<size_t>(kKindCount));
  for (int i = 0; i < kKindCount; ++i) {
    Kind kind = static_cast<Kind>(i);
    SCOPED_TRACE(KindName(kind));
    Event e = MustParse(cases[i].line);
    EXPECT_EQ(e.kind, kind);
    EXPECT_EQ(e.org, kOrg18);
    EXPECT_EQ(FormatCanonical(e.ts), "2025-06-10T14:02:11.000000Z");
    EXPECT_EQ(Canonical(e), cases[i].canonical);
  }
}

TEST_F(JsonlParserTest, CanonicalFormParsesBackToTheSameEvent) {
  for (const KindCase& k : AllKindCases()) {
    Event e = MustParse(k.line);
    EXPECT_EQ(MustParse(Canonical(e)), e) << k.line;
  }
}

TEST_F(JsonlParserTest, EventsMdExampleLines) {
  Event e =
      MustParse(R"({"ts":"2025-06-10T14:03:40Z","org":"00D5g000004Sxyz","kind":"oauth.authorize",)"
                R"("user":"0055g00000AbCdE","app":"3MVG9dataloaderclone","flow":"device",)"
                R"("outcome":"success","id":"0Ya5g00001XyZab"})");
  EXPECT_EQ(e.kind, Kind::kOauthAuthorize);
  EXPECT_EQ(e.user, kUser18);
  EXPECT_EQ(e.app, "3MVG9dataloaderclone");
  EXPECT_EQ(e.flow, Flow::device);
  EXPECT_EQ(e.outcome, Outcome::success);
  EXPECT_EQ(e.id, "0Ya5g00001XyZab");  // ids are kept exactly as given, even 15 alphanumerics
  EXPECT_FALSE(e.grant.has_value());
  EXPECT_FALSE(e.source.has_value());
}

TEST_F(JsonlParserTest, CommonOptionalFields) {
  Event e = MustParse(Line("app.block",
                           R"("app":"a","id":"x-1","actor":"005000000000001","source":"jsonl",)"
                           R"("outcome":"failure","status":"Invalid Password")"));
  EXPECT_EQ(e.id, "x-1");
  EXPECT_EQ(e.actor, "005000000000001AAA");
  EXPECT_EQ(e.source, "jsonl");
  EXPECT_EQ(e.outcome, Outcome::failure);  // kept on a state kind (rules.md §13.22)
  EXPECT_EQ(e.status, "Invalid Password");
}

TEST_F(JsonlParserTest, FieldOrderInTheLineDoesNotMatter) {
  Event a = MustParse(R"({"kind":"login.ui","user":"u1","org":"00D5g000004Sxyz",)"
                      R"("ts":"2025-01-01T00:00:00Z"})");
  Event b = MustParse(R"({"ts":"2025-01-01T00:00:00Z","org":"00D5g000004Sxyz",)"
                      R"("kind":"login.ui","user":"u1"})");
  EXPECT_EQ(a, b);
}

TEST_F(JsonlParserTest, WhitespaceAroundTokensIsAccepted) {
  Event e = MustParse(
      " \t{ \"ts\" : \"2025-01-01T00:00:00Z\" ,\r\"org\":\"00D5g000004Sxyz\", "
      "\"kind\" :\"login.ui\",\"user\":\"u\" } \t\r");
  EXPECT_EQ(e.kind, Kind::kLoginUi);
}

TEST_F(JsonlParserTest, ReusingTheEventClearsFieldsTheNextLineLacks) {
  Event reused;
  LineError error;
  ASSERT_TRUE(parser_.Parse(AllKindCases()[4].line, &reused, &error));  // user.upsert, all fields
  std::string second = Line("login.ui", R"("user":"someone")");
  ASSERT_TRUE(parser_.Parse(second, &reused, &error));
  EXPECT_EQ(reused, MustParse(second));
  EXPECT_FALSE(reused.username.has_value());
  EXPECT_FALSE(reused.profile.has_value());
  EXPECT_FALSE(reused.active.has_value());
}

TEST_F(JsonlParserTest, AParseAfterARejectIsUnaffected) {
  MustReject(Line("oauth.token", R"("user":"u","app":"a","grant":"bogus")"));
  Event e = MustParse(Line("oauth.token", R"("user":"u","app":"a","grant":"unknown")"));
  EXPECT_EQ(e.grant, Grant::unknown);
}

// ---- Ids ----

TEST_F(JsonlParserTest, OrgIdIsNormalizedTo18Characters) {
  EXPECT_EQ(MustParse(Line("login.ui", R"("user":"u")")).org, kOrg18);
  // A real-world pair: 001A0000006Vm9r -> 001A0000006Vm9rIAC.
  Event e = MustParse(R"({"ts":"2025-01-01T00:00:00Z","org":"001A0000006Vm9r","kind":"login.ui",)"
                      R"("user":"u"})");
  EXPECT_EQ(e.org, "001A0000006Vm9rIAC");
  e = MustParse(R"({"ts":"2025-01-01T00:00:00Z","org":"001A0000006Vm9rIAC","kind":"login.ui",)"
                R"("user":"u"})");
  EXPECT_EQ(e.org, "001A0000006Vm9rIAC");
  EXPECT_EQ(SalesforceIdSuffix(kOrg15), "EAC");  // the hand-worked suffix above
}

TEST_F(JsonlParserTest, OrgIdWithWrongSuffixOrNotAnIdIsRejected) {
  auto with_org = [](std::string_view org) {
    return R"({"ts":"2025-01-01T00:00:00Z","org":")" + std::string(org) +
           R"(","kind":"login.ui","user":"u"})";
  };
  ExpectReject(with_org("001A0000006Vm9rAAA"), "org",
               "18-character id suffix does not match (expected 001A0000006Vm9rIAC)");
  // The suffix comparison is case-sensitive.
  ExpectReject(with_org("001A0000006Vm9riac"), "org",
               "18-character id suffix does not match (expected 001A0000006Vm9rIAC)");
  ExpectRejectPrefix(with_org("acme"), "org", "not a Salesforce id");
  ExpectRejectPrefix(with_org(""), "org", "not a Salesforce id");
  ExpectRejectPrefix(with_org("00D5g000004Sxy"), "org", "not a Salesforce id");  // 14
}

TEST_F(JsonlParserTest, UserLikeIdsAreNormalizedAndNamesKept) {
  Event e =
      MustParse(Line("user.upsert", R"("user":"0055g00000AbCdE","profile":"00e5g000001PrOf")"));
  EXPECT_EQ(e.user, kUser18);
  EXPECT_EQ(e.profile, kProfile18);
  e = MustParse(
      Line("user.upsert", R"("user":"ops@example.com","profile":"System Administrator")"));
  EXPECT_EQ(e.user, "ops@example.com");
  EXPECT_EQ(e.profile, "System Administrator");
  e = MustParse(Line("permset.unassign", R"("permset":"0PS5g000000AbCdGAK","user":"jdoe")"));
  EXPECT_EQ(e.permset, "0PS5g000000AbCdGAK");
  EXPECT_EQ(e.user, "jdoe");
}

TEST_F(JsonlParserTest, UserLikeIdsWithWrongSuffixAreRejected) {
  const std::string bad = "0055g00000AbCdEAAA";
  const std::string reason = NormalizeSalesforceId(bad).status().message();
  ExpectReject(Line("login.ui", R"("user":")" + bad + "\""), "user", reason);
  ExpectReject(Line("user.upsert", R"("user":"u","profile":")" + bad + "\""), "profile", reason);
  ExpectReject(Line("permset.unassign", R"("user":"u","permset":")" + bad + "\""), "permset",
               reason);
  ExpectReject(Line("app.block", R"("app":"a","actor":")" + bad + "\""), "actor", reason);
  // Case-sensitive suffix comparison.
  ExpectRejectPrefix(Line("login.ui", R"("user":"0055g00000AbCdEaav")"), "user",
                     "18-character id suffix does not match");
}

TEST_F(JsonlParserTest, AppAndIdAreKeptExactlyAsGiven) {
  Event e = MustParse(Line("app.block", R"("app":"0H4000000000001","id":"0Ya000000000001")"));
  EXPECT_EQ(e.app, "0H4000000000001");  // 15 alphanumerics, not extended
  EXPECT_EQ(e.id, "0Ya000000000001");
  e = MustParse(Line("app.block", R"("app":" Spaced Name ","id":"REQ\u00e9/1")"));
  EXPECT_EQ(e.app, " Spaced Name ");
  EXPECT_EQ(e.id, "REQ\xc3\xa9/1");
}

// ---- Timestamps ----

std::string TsOf(JsonlParser* parser, std::string_view ts) {
  Event e;
  LineError error;
  if (!parser->Parse(Line("login.ui", R"("user":"u")", ts), &e, &error)) {
    return "rejected: " + error.field + ": " + error.reason;
  }
  return FormatCanonical(e.ts);
}

TEST_F(JsonlParserTest, TimestampsInUtcWithAnyCaseTAndZ) {
  EXPECT_EQ(TsOf(&parser_, "2025-06-10T14:02:11Z"), "2025-06-10T14:02:11.000000Z");
  EXPECT_EQ(TsOf(&parser_, "2025-06-10T14:02:11z"), "2025-06-10T14:02:11.000000Z");
  EXPECT_EQ(TsOf(&parser_, "2025-06-10t14:02:11Z"), "2025-06-10T14:02:11.000000Z");
}

TEST_F(JsonlParserTest, TimestampOffsetsAreConvertedToUtc) {
  EXPECT_EQ(TsOf(&parser_, "2025-06-10T14:02:11+05:30"), "2025-06-10T08:32:11.000000Z");
  EXPECT_EQ(TsOf(&parser_, "2025-06-10T20:02:11-08:00"), "2025-06-11T04:02:11.000000Z");
  EXPECT_EQ(TsOf(&parser_, "2025-01-01T01:00:00+02:00"), "2024-12-31T23:00:00.000000Z");
  EXPECT_EQ(TsOf(&parser_, "2025-06-10T14:02:11+00:00"), "2025-06-10T14:02:11.000000Z");
}

TEST_F(JsonlParserTest, TimestampFractionsOfOneToSixDigits) {
  EXPECT_EQ(TsOf(&parser_, "2025-06-10T14:02:11.5Z"), "2025-06-10T14:02:11.500000Z");
  EXPECT_EQ(TsOf(&parser_, "2025-06-10T14:02:11.25Z"), "2025-06-10T14:02:11.250000Z");
  EXPECT_EQ(TsOf(&parser_, "2025-06-10T14:02:11.123Z"), "2025-06-10T14:02:11.123000Z");
  EXPECT_EQ(TsOf(&parser_, "2025-06-10T14:02:11.0001Z"), "2025-06-10T14:02:11.000100Z");
  EXPECT_EQ(TsOf(&parser_, "2025-06-10T14:02:11.00001Z"), "2025-06-10T14:02:11.000010Z");
  EXPECT_EQ(TsOf(&parser_, "2025-06-10T14:02:11.000001+01:00"), "2025-06-10T13:02:11.000001Z");
}

TEST_F(JsonlParserTest, LeapDayOnlyInLeapYears) {
  EXPECT_EQ(TsOf(&parser_, "2024-02-29T12:00:00Z"), "2024-02-29T12:00:00.000000Z");
  EXPECT_EQ(TsOf(&parser_, "2000-02-29T12:00:00Z"), "2000-02-29T12:00:00.000000Z");
  ExpectReject(Line("login.ui", R"("user":"u")", "2023-02-29T12:00:00Z"), "ts",
               ParseRfc3339("2023-02-29T12:00:00Z").status().message());
  ExpectReject(Line("login.ui", R"("user":"u")", "1900-02-29T12:00:00Z"), "ts",
               ParseRfc3339("1900-02-29T12:00:00Z").status().message());
}

TEST_F(JsonlParserTest, BadTimestampsAreRejectedWithTheParserReason) {
  for (const char* bad : {
           "2025-06-10T14:02:11.1234567Z",  // 7 fraction digits
           "2016-12-31T23:59:60Z",          // leap second
           "2025-06-10T14:02:11",           // no zone
           "2025-06-10 14:02:11Z",          // space instead of T
           "2025-13-01T00:00:00Z",
           "2025-06-31T00:00:00Z",
           "2025-06-10T24:00:00Z",
           "2025-06-10T14:02:11.Z",
           "2025-06-10T14:02:11+0530",
           "2025-06-10T14:02:11Z ",
           "yesterday",
           "",
           "2025-06-10",
       }) {
    SCOPED_TRACE(bad);
    Result<MicrosUtc> expected = ParseRfc3339(bad);
    ASSERT_FALSE(expected.ok());
    ExpectReject(Line("login.ui", R"("user":"u")", bad), "ts", expected.status().message());
  }
}

TEST_F(JsonlParserTest, TimestampsMustStayWithinFourDigitYearsInUtc) {
  EXPECT_EQ(TsOf(&parser_, "0000-01-01T00:00:00Z"), "0000-01-01T00:00:00.000000Z");
  EXPECT_EQ(TsOf(&parser_, "9999-12-31T23:59:59.999999Z"), "9999-12-31T23:59:59.999999Z");
  EXPECT_EQ(TsOf(&parser_, "0000-01-01T01:00:00+01:00"), "0000-01-01T00:00:00.000000Z");
  const char* reason = "outside the years 0000-9999 once converted to UTC";
  ExpectReject(Line("login.ui", R"("user":"u")", "0000-01-01T00:00:00+00:01"), "ts", reason);
  ExpectReject(Line("login.ui", R"("user":"u")", "9999-12-31T23:59:59-01:00"), "ts", reason);
  ExpectReject(Line("api.call", R"("user":"u","grant_ts":"9999-12-31T23:30:00-00:30")"), "grant_ts",
               reason);
}

TEST_F(JsonlParserTest, EveryTimestampFieldIsChecked) {
  const std::string bad = R"("2023-02-29T00:00:00Z")";
  const std::string reason = ParseRfc3339("2023-02-29T00:00:00Z").status().message();
  ExpectReject(Line("org.enforcement", R"("change":"sep2025","at":)" + bad), "at", reason);
  ExpectReject(Line("permset.assign", R"("permset":"p","user":"u","expires_at":)" + bad),
               "expires_at", reason);
  ExpectReject(Line("oauth.token", R"("user":"u","app":"a","grant":"password","grant_ts":)" + bad),
               "grant_ts", reason);
  ExpectReject(Line("api.call", R"("user":"u","grant_ts":)" + bad), "grant_ts", reason);
}

// ---- Reject reasons ----

TEST_F(JsonlParserTest, NotJsonIsRejectedForTheWholeLine) {
  ExpectNotJson("not json");
  ExpectNotJson("{");
  ExpectNotJson(R"({"ts":)");
  ExpectNotJson(R"({"ts":"2025-01-01T00:00:00Z")");
  ExpectNotJson(R"({"ts":"2025-01-01T00:00:00Z",})");
  ExpectNotJson(R"({"ts" "2025-01-01T00:00:00Z"})");
  ExpectNotJson(R"({"ts":"unterminated})");
  ExpectNotJson(R"({'ts':'x'})");
  ExpectNotJson(R"({ts:"x"})");
  ExpectNotJson("{\"a\":1}}");
  // Not objects, and not JSON either.
  ExpectNotJson("[1,2");
  ExpectNotJson("[1,,2]");
  ExpectNotJson("tru");
  ExpectNotJson("\"x\" 1");
  ExpectNotJson("1 2");
  ExpectNotJson("\xef\xbb\xbf{}");  // a byte-order mark is not JSON whitespace
}

TEST_F(JsonlParserTest, ContentAfterTheObjectIsRejected) {
  ExpectNotJson(Line("login.ui", R"("user":"u")") + " x");
  ExpectNotJson(Line("login.ui", R"("user":"u")") + "{}");
  ExpectNotJson(Line("login.ui", R"("user":"u")") + Line("login.ui", R"("user":"u")"));
}

TEST_F(JsonlParserTest, MalformedValuesOfUnknownFieldsAreStillRejected) {
  // On-demand parsing would skip these values; a line must be valid JSON as a whole.
  for (const char* extra : {
           R"("x":[1,2 3])", R"("x":tru)",      R"("x":nul)",          R"("x":01)",
           R"("x":1.)",      R"("x":-)",        R"("x":1e)",           R"("x":+1)",
           R"("x":.5)",      R"("x":{"a"})",    R"("x":{"a":1,})",     R"("x":[1,])",
           R"("x":"\q")",    R"("x":"\ud800")", R"("x":{"\ud800":1})", R"("x":[}])",
           R"("x":NaN)",     R"("x":0x10)",     R"("x":truefalse)",
       }) {
    SCOPED_TRACE(extra);
    ExpectNotJson(Line("login.ui", std::string(R"("user":"u",)") + extra));
  }
}

TEST_F(JsonlParserTest, MalformedValuesOfKnownFieldsAreNotJson) {
  ExpectNotJson(Line("org.setting", R"("setting":"api_feature","enabled":tru)"));
  ExpectNotJson(Line("login.ui", R"("user":"\x41")"));
  ExpectNotJson(Line("login.ui", R"("user":"u","status":01)"));
}

TEST_F(JsonlParserTest, UnescapedControlCharactersInStringsAreNotJson) {
  ExpectNotJson(Line("login.ui", "\"user\":\"a\tb\""));
  ExpectNotJson(Line("login.ui", "\"user\":\"u\",\"x\":\"a\x01\""));
  ExpectNotJson(Line("login.ui", "\"user\":\"a\rb\""));
}

TEST_F(JsonlParserTest, InvalidUtf8IsRejected) {
  ExpectNotJson(Line("login.ui", "\"user\":\"\xff\""));
  ExpectNotJson(Line("login.ui", "\"user\":\"u\",\"x\":\"\xc3\""));      // truncated sequence
  ExpectNotJson(Line("login.ui", "\"user\":\"u\",\"x\":\"\xc0\xaf\""));  // overlong
  ExpectNotJson(Line("login.ui", "\"user\":\"\xed\xa0\x80\""));          // UTF-16 surrogate
  ExpectNotJson(Line("login.ui", "\"user\":\"u\",\"\xfe\":1"));
}

TEST_F(JsonlParserTest, ValidUnicodeIsKept) {
  Event e = MustParse(
      Line("app.upsert", "\"app\":\"a\",\"name\":\"Caf\xc3\xa9 \\u20ac \\ud83d\\udd11\""));
  EXPECT_EQ(e.name, "Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91");
}

TEST_F(JsonlParserTest, EmbeddedNulIsKept) {
  Event e = MustParse(Line("app.upsert", R"("app":"a\u0000b","status":"\u0000")"));
  EXPECT_EQ(e.app, std::string("a\0b", 3));
  EXPECT_EQ(e.status, std::string("\0", 1));
}

TEST_F(JsonlParserTest, EscapedStringsAreUnescaped) {
  Event e = MustParse(Line("app.block", R"("app":"a\"b\\c\/d\n\u0041")"));
  EXPECT_EQ(e.app, "a\"b\\c/d\nA");
}

TEST_F(JsonlParserTest, NotAnObjectIsRejected) {
  for (const char* line : {"[]", "[1,2]", "\"x\"", "1", "null", "true"}) {
    SCOPED_TRACE(line);
    ExpectReject(line, "", "not a JSON object");
  }
}

TEST_F(JsonlParserTest, MissingCommonFields) {
  ExpectReject(R"({"org":"00D5g000004Sxyz","kind":"login.ui","user":"u"})", "ts",
               "missing required field");
  ExpectReject(R"({"ts":"2025-01-01T00:00:00Z","kind":"login.ui","user":"u"})", "org",
               "missing required field");
  ExpectReject(R"({"ts":"2025-01-01T00:00:00Z","org":"00D5g000004Sxyz","user":"u"})", "kind",
               "missing required field");
  ExpectReject("{}", "ts", "missing required field");
}

TEST_F(JsonlParserTest, MissingKindSpecificFields) {
  ExpectReject(Line("login.ui"), "user", "missing required field");
  ExpectReject(Line("org.created"), "edition", "missing required field");
  ExpectReject(Line("org.setting", R"("setting":"api_feature")"), "enabled",
               "missing required field");
  ExpectReject(Line("org.enforcement", R"("change":"sep2025")"), "at", "missing required field");
  ExpectReject(Line("oauth.token", R"("user":"u","app":"a")"), "grant", "missing required field");
  ExpectReject(Line("oauth.authorize", R"("user":"u","flow":"device")"), "app",
               "missing required field");
  ExpectReject(Line("app.policy", R"("app":"a")"), "permitted_users", "missing required field");
  ExpectReject(Line("permset.assign", R"("user":"u")"), "permset", "missing required field");
  ExpectReject(Line("profile.permission", R"("profile":"p","enabled":true)"), "permission",
               "missing required field");
}

TEST_F(JsonlParserTest, EveryRequiredFieldOfEveryKindIsEnforced) {
  // Drop each required field of each full example line in turn.
  for (const KindCase& k : AllKindCases()) {
    Event full = MustParse(k.line);
    for (const FieldRule& rule : KindSpec(full.kind)) {
      if (!rule.required) continue;
      std::string key = "\"" + std::string(FieldName(rule.field)) + "\":";
      std::string line = k.line;
      size_t at = line.find(key);
      ASSERT_NE(at, std::string::npos) << line;
      line.replace(at, key.size(), "\"dropped\":");
      SCOPED_TRACE(line);
      ExpectReject(line, FieldName(rule.field), "missing required field");
    }
  }
}

TEST_F(JsonlParserTest, WrongTypesIncludingNull) {
  ExpectReject(R"({"ts":null,"org":"00D5g000004Sxyz","kind":"login.ui","user":"u"})", "ts",
               "expected a string");
  ExpectReject(R"({"ts":"2025-01-01T00:00:00Z","org":123,"kind":"login.ui","user":"u"})", "org",
               "expected a string");
  ExpectReject(R"({"ts":"2025-01-01T00:00:00Z","org":"00D5g000004Sxyz","kind":true,"user":"u"})",
               "kind", "expected a string");
  ExpectReject(Line("login.ui", R"("user":null)"), "user", "expected a string");
  ExpectReject(Line("app.block", R"("app":42)"), "app", "expected a string");
  ExpectReject(Line("app.block", R"("app":"a","id":{"v":1})"), "id", "expected a string");
  ExpectReject(Line("app.block", R"("app":"a","outcome":["success"])"), "outcome",
               "expected a string");
  ExpectReject(Line("org.created", R"("edition":3)"), "edition", "expected a string");
  ExpectReject(Line("app.block", R"("app":"a","status":false)"), "status", "expected a string");
  ExpectReject(Line("permset.assign", R"("permset":"p","user":"u","expires_at":1700000000)"),
               "expires_at", "expected a string");
}

TEST_F(JsonlParserTest, BooleansMustBeJsonBooleans) {
  ExpectReject(Line("org.setting", R"("setting":"api_feature","enabled":"true")"), "enabled",
               "expected true or false");
  ExpectReject(Line("org.setting", R"("setting":"api_feature","enabled":null)"), "enabled",
               "expected true or false");
  ExpectReject(Line("user.upsert", R"("user":"u","active":1)"), "active", "expected true or false");
  ExpectReject(Line("app.upsert", R"("app":"a","org_managed":[])"), "org_managed",
               "expected true or false");
}

TEST_F(JsonlParserTest, UnknownKind) {
  ExpectReject(Line("login.api", R"("user":"u")"), "kind", "unknown kind 'login.api'");
  ExpectReject(Line("", R"("user":"u")"), "kind", "unknown kind ''");
  ExpectReject(Line("Login.UI", R"("user":"u")"), "kind", "unknown kind 'Login.UI'");
}

TEST_F(JsonlParserTest, UnknownEnumValuesListTheAcceptedOnes) {
  ExpectReject(Line("oauth.authorize", R"("user":"u","app":"a","flow":"implicit")"), "flow",
               "unknown value 'implicit' (expected one of: web_server, user_agent, device)");
  ExpectReject(Line("app.block", R"("app":"a","outcome":"partial")"), "outcome",
               "unknown value 'partial' (expected one of: success, failure)");
  ExpectReject(Line("app.install", R"("app":"a","via":"")"), "via",
               "unknown value '' (expected one of: package, oauth_usage)");
  ExpectReject(Line("org.enforcement", R"("change":"SEP2025","at":"2025-09-01T00:00:00Z")"),
               "change", "unknown value 'SEP2025' (expected one of: sep2025, dec2025)");
  ExpectRejectPrefix(Line("org.created", R"("edition":"free")"), "edition",
                     "unknown value 'free' (expected one of: contact_manager, group, ");
}

TEST_F(JsonlParserTest, EchoedValuesAreEscapedAndCut) {
  LineError error = MustReject(Line("bad\\nkind\\u0001", R"("user":"u")"));
  EXPECT_EQ(error.reason, "unknown kind 'bad\\nkind\\u0001'");
  std::string long_value(200, 'v');
  error = MustReject(Line("app.install", R"("app":"a","via":")" + long_value + "\""));
  EXPECT_EQ(error.reason.substr(0, 15 + 64 + 4), "unknown value '" + std::string(64, 'v') + "...'");
  // A cut never splits a UTF-8 character: 63 ASCII bytes then 'é' (2 bytes) straddle byte 64.
  std::string straddle = std::string(63, 'a') + "\xc3\xa9" + std::string(10, 'b');
  error = MustReject(Line("app.install", R"("app":"a","via":")" + straddle + "\""));
  EXPECT_EQ(error.reason.substr(0, 15 + 63 + 4), "unknown value '" + std::string(63, 'a') + "...'");
}

TEST_F(JsonlParserTest, EmptyIdentifiersAreRejected) {
  ExpectReject(Line("login.ui", R"("user":"")"), "user", "must not be empty");
  ExpectReject(Line("app.block", R"("app":"")"), "app", "must not be empty");
  ExpectReject(Line("app.block", R"("app":"a","id":"")"), "id", "must not be empty");
  ExpectReject(Line("app.block", R"("app":"a","actor":"")"), "actor", "must not be empty");
  ExpectReject(Line("user.upsert", R"("user":"u","profile":"")"), "profile", "must not be empty");
  ExpectReject(Line("user.upsert", R"("user":"u","username":"")"), "username", "must not be empty");
  ExpectReject(Line("permset.permission", R"("permset":"p","permission":"","enabled":true)"),
               "permission", "must not be empty");
  ExpectRejectPrefix(Line("login.ui", R"("user":"u")", ""), "ts", "not an RFC 3339 timestamp");
}

TEST_F(JsonlParserTest, EmptyFreeTextIsKept) {
  Event e = MustParse(Line("app.upsert", R"("app":"a","name":"","status":"","source":"")"));
  EXPECT_EQ(e.name, "");
  EXPECT_EQ(e.status, "");
  EXPECT_EQ(e.source, "");
}

TEST_F(JsonlParserTest, AppAccessNeedsExactlyOneOfProfileOrPermset) {
  const char* reason = "exactly one of profile or permset is required";
  ExpectReject(Line("app.access", R"("app":"a","enabled":true)"), "profile", reason);
  ExpectReject(Line("app.access", R"("app":"a","profile":"p","permset":"s","enabled":true)"),
               "profile", reason);
  Event e =
      MustParse(Line("app.access", R"("app":"a","profile":"00e5g000001PrOf","enabled":false)"));
  EXPECT_EQ(e.profile, kProfile18);
  EXPECT_FALSE(e.permset.has_value());
  EXPECT_EQ(e.enabled, false);
}

TEST_F(JsonlParserTest, DuplicateKeysAreRejected) {
  ExpectReject(Line("login.ui", R"("user":"u","user":"u")"), "user", "duplicate field");
  ExpectReject(Line("login.ui", R"("user":"u","ts":"2025-01-01T00:00:00Z")"), "ts",
               "duplicate field");
  ExpectReject(Line("login.ui", R"("user":"u","x":1,"x":1)"), "x", "duplicate field");
  // Keys compare after unescaping: "\u0074s" is "ts".
  ExpectReject(Line("login.ui", R"("user":"u","\u0074s":"2025-01-01T00:00:00Z")"), "ts",
               "duplicate field");
  // A field of another kind counts too: it is still a key of the object.
  ExpectReject(Line("login.ui", R"("user":"u","app":"a","app":"b")"), "app", "duplicate field");
  // The first repeat is named.
  ExpectReject(Line("login.ui", R"("user":"u","b":1,"a":1,"b":2,"a":2)"), "b", "duplicate field");
  // Invalid JSON after a repeated key is reported as such.
  ExpectNotJson(Line("login.ui", R"("user":"u","user":"u","x":[1,])"));
  ExpectNotJson(Line("login.ui", R"("user":"u","":"","":})"));
}

TEST_F(JsonlParserTest, EscapedKnownKeysAreRecognized) {
  Event e = MustParse(Line("login.ui", R"("\u0075ser":"u")"));
  EXPECT_EQ(e.user, "u");
}

TEST_F(JsonlParserTest, UnknownExtraFieldsAreIgnored) {
  Event plain = MustParse(Line("login.ui", R"("user":"u")"));
  Event extra = MustParse(
      Line("login.ui",
           R"("user":"u","extra":{"nested":[1,-2.5e3,{"a":null,"b":[true,false]}],"s":"\u00e9"},)"
           R"("big":123456789012345678901234567890,"huge":1e400,"neg":-0,"e":[],"o":{},"n":null)"));
  EXPECT_EQ(extra, plain);
  EXPECT_EQ(Canonical(extra), Canonical(plain));
}

TEST_F(JsonlParserTest, FieldsOfOtherKindsAreIgnoredWhateverTheirType) {
  Event plain = MustParse(Line("login.ui", R"("user":"u")"));
  Event e = MustParse(
      Line("login.ui",
           R"("user":"u","app":123,"grant":"bogus","enabled":"yes","at":"never","flow":null)"));
  EXPECT_EQ(e, plain);
  EXPECT_FALSE(e.app.has_value());
  EXPECT_FALSE(e.grant.has_value());
}

TEST_F(JsonlParserTest, NestingIsBounded) {
  auto nested = [](int depth) {
    return Line("login.ui",
                "\"user\":\"u\",\"x\":" + std::string(depth, '[') + std::string(depth, ']'));
  };
  // The line's object is depth 1, so 999 brackets reach depth 1000, the limit.
  MustParse(nested(999));
  ExpectReject(nested(1000), "", "JSON nested deeper than 1000 levels");
  ExpectReject(nested(200000), "", "JSON nested deeper than 1000 levels");  // no stack overflow
  std::string objects = "\"user\":\"u\",\"x\":";
  for (int i = 0; i < 5000; ++i) objects += "{\"k\":";
  ExpectReject(Line("login.ui", objects + "1" + std::string(5000, '}')), "",
               "JSON nested deeper than 1000 levels");
}

TEST_F(JsonlParserTest, LongLinesParseAndTheParserRecovers) {
  std::string big(3 << 20, 'x');
  Event e = MustParse(Line("app.upsert", R"("app":"a","name":")" + big + "\""));
  EXPECT_EQ(e.name->size(), big.size());
  e = MustParse(Line("app.block", R"("app":"b")"));
  EXPECT_EQ(e.app, "b");
  EXPECT_FALSE(e.name.has_value());
}

TEST_F(JsonlParserTest, CanonicalOfAParsedLineDropsExtrasAndNormalizes) {
  Event e = MustParse(
      R"({"kind":"oauth.token","extra":1,"grant":"password","app":"a","user":"0055g00000AbCdE",)"
      R"("org":"00D5g000004Sxyz","ts":"2025-06-10T16:02:11.5+02:00","outcome":"failure"})");
  EXPECT_EQ(
      Canonical(e),
      R"({"app":"a","grant":"password","kind":"oauth.token","org":"00D5g000004SxyzEAC",)"
      R"("outcome":"failure","ts":"2025-06-10T14:02:11.500000Z","user":"0055g00000AbCdEAAV"})");
}

TEST(IsBlank, OnlySpacesAndTabs) {
  EXPECT_TRUE(IsBlank(""));
  EXPECT_TRUE(IsBlank(" "));
  EXPECT_TRUE(IsBlank("\t \t  "));
  EXPECT_FALSE(IsBlank("{}"));
  EXPECT_FALSE(IsBlank("  x"));
  EXPECT_FALSE(IsBlank("\r"));
  EXPECT_FALSE(IsBlank(std::string_view("\0", 1)));
}

}  // namespace
}  // namespace authtrail::ingest
