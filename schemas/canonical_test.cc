#include "schemas/canonical.h"

#include <gtest/gtest.h>

#include <string>

namespace authtrail {
namespace {

MicrosUtc At(const char* rfc3339) {
  Result<MicrosUtc> t = ParseRfc3339(rfc3339);
  EXPECT_TRUE(t.ok()) << rfc3339;
  return t.ok() ? *t : 0;
}

Event Base(Kind kind, const char* ts = "2016-03-01T08:00:00Z") {
  Event e;
  e.ts = At(ts);
  e.org = "00D5g000004SxyzEAC";
  e.kind = kind;
  return e;
}

std::string Json(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

TEST(Canonical, OrgCreated) {
  Event e = Base(Kind::kOrgCreated);
  e.edition = Edition::enterprise;
  EXPECT_EQ(Canonical(e),
            R"({"edition":"enterprise","kind":"org.created","org":"00D5g000004SxyzEAC",)"
            R"("ts":"2016-03-01T08:00:00.000000Z"})");
}

TEST(Canonical, KeysAreInByteOrderWithAllCommonFields) {
  Event e = Base(Kind::kUserUpsert);
  e.id = "rec-1";
  e.actor = "005000000000001AAA";
  e.source = "SetupAuditTrail";
  e.outcome = Outcome::success;
  e.status = "Success";
  e.user = "0055g00000AbCdEIAK";
  e.username = "ops@example.com";
  e.user_type = UserType::internal;
  e.profile = "00e5g000001PrOfAAE";
  e.active = false;
  // "active" < "actor"; "user" < "user_type" < "username" ('_' is 0x5f, 'n' 0x6e).
  EXPECT_EQ(Canonical(e),
            R"({"active":false,"actor":"005000000000001AAA","id":"rec-1","kind":"user.upsert",)"
            R"("org":"00D5g000004SxyzEAC","outcome":"success","profile":"00e5g000001PrOfAAE",)"
            R"("source":"SetupAuditTrail","status":"Success","ts":"2016-03-01T08:00:00.000000Z",)"
            R"("user":"0055g00000AbCdEIAK","user_type":"internal","username":"ops@example.com"})");
}

TEST(Canonical, OnlyPresentFieldsAreWritten) {
  Event e = Base(Kind::kApiCall, "2025-10-01T09:00:00Z");
  e.user = "0055g00000AbCdEIAK";
  EXPECT_EQ(Canonical(e),
            R"({"kind":"api.call","org":"00D5g000004SxyzEAC","ts":"2025-10-01T09:00:00.000000Z",)"
            R"("user":"0055g00000AbCdEIAK"})");
}

TEST(Canonical, ApiCallWithEveryOptionalField) {
  Event e = Base(Kind::kApiCall, "2025-10-01T09:00:00.5Z");
  e.user = "u1";
  e.app = "3MVG9dataloaderclone";
  e.origin = Origin::soap_session;
  e.api_family = ApiFamily::bulk;
  e.grant_ts = At("2025-06-10T14:03:40.000123Z");
  e.outcome = Outcome::failure;
  // "api_family" < "app" ('i' < 'p'); "grant_ts" after "app".
  EXPECT_EQ(Canonical(e),
            R"({"api_family":"bulk","app":"3MVG9dataloaderclone",)"
            R"("grant_ts":"2025-06-10T14:03:40.000123Z","kind":"api.call",)"
            R"("org":"00D5g000004SxyzEAC","origin":"soap_session","outcome":"failure",)"
            R"("ts":"2025-10-01T09:00:00.500000Z","user":"u1"})");
}

TEST(Canonical, TimestampsBoolsAndEnumsOfStateKinds) {
  Event enforcement = Base(Kind::kOrgEnforcement);
  enforcement.change = Change::dec2025;
  enforcement.at = At("2025-12-01T00:00:00Z");
  EXPECT_EQ(Canonical(enforcement),
            R"({"at":"2025-12-01T00:00:00.000000Z","change":"dec2025","kind":"org.enforcement",)"
            R"("org":"00D5g000004SxyzEAC","ts":"2016-03-01T08:00:00.000000Z"})");

  Event upsert = Base(Kind::kAppUpsert);
  upsert.app = "app";
  upsert.name = "My Data Loader";
  upsert.allowlisted = true;
  upsert.org_managed = false;
  upsert.salesforce_cli_default = true;
  EXPECT_EQ(Canonical(upsert),
            R"({"allowlisted":true,"app":"app","kind":"app.upsert","name":"My Data Loader",)"
            R"("org":"00D5g000004SxyzEAC","org_managed":false,"salesforce_cli_default":true,)"
            R"("ts":"2016-03-01T08:00:00.000000Z"})");

  Event assign = Base(Kind::kPermsetAssign);
  assign.permset = "0PS000000000001AAA";
  assign.user = "u";
  assign.expires_at = At("2026-01-01T00:00:00+01:00");
  EXPECT_EQ(Canonical(assign),
            R"({"expires_at":"2025-12-31T23:00:00.000000Z","kind":"permset.assign",)"
            R"("org":"00D5g000004SxyzEAC","permset":"0PS000000000001AAA",)"
            R"("ts":"2016-03-01T08:00:00.000000Z","user":"u"})");
}

TEST(Canonical, PermissionFieldsSortByBytes) {
  Event e = Base(Kind::kPermsetPermission);
  e.permset = "ps";
  e.permission = "api_enabled";
  e.enabled = true;
  // "permission" < "permset" ('i' < 's').
  EXPECT_EQ(Canonical(e),
            R"({"enabled":true,"kind":"permset.permission","org":"00D5g000004SxyzEAC",)"
            R"("permission":"api_enabled","permset":"ps","ts":"2016-03-01T08:00:00.000000Z"})");

  Event policy = Base(Kind::kAppPolicy);
  policy.app = "a";
  policy.permitted_users = PermittedUsers::admin_approved;
  policy.policy_source = PolicySource::api_field;
  EXPECT_EQ(Canonical(policy), R"({"app":"a","kind":"app.policy","org":"00D5g000004SxyzEAC",)"
                               R"("permitted_users":"admin_approved","policy_source":"api_field",)"
                               R"("ts":"2016-03-01T08:00:00.000000Z"})");
}

TEST(Canonical, FieldsOfOtherKindsAreNotPartOfIt) {
  Event e = Base(Kind::kLoginUi);
  e.user = "u";
  e.app = "not a login.ui field";
  e.enabled = true;
  e.grant = Grant::password;
  EXPECT_EQ(Canonical(e),
            R"({"kind":"login.ui","org":"00D5g000004SxyzEAC","ts":"2016-03-01T08:00:00.000000Z",)"
            R"("user":"u"})");
}

TEST(Canonical, EqualEventsHaveEqualBytesAndDifferentOnesDiffer) {
  Event a = Base(Kind::kOauthToken);
  a.user = "u";
  a.app = "a";
  a.grant = Grant::jwt_bearer;
  Event b = a;
  EXPECT_EQ(Canonical(a), Canonical(b));
  b.grant = Grant::refresh_token;
  EXPECT_NE(Canonical(a), Canonical(b));
  b = a;
  b.ts += 1;  // one microsecond
  EXPECT_NE(Canonical(a), Canonical(b));
}

TEST(Canonical, AppendDoesNotClear) {
  Event e = Base(Kind::kAppBlock);
  e.app = "x";
  std::string out = "prefix|";
  AppendCanonical(e, &out);
  EXPECT_EQ(out, "prefix|" + Canonical(e));
}

TEST(Canonical, StringValuesAreEscaped) {
  Event e = Base(Kind::kOauthRevoke);
  e.user = "u";
  e.app = "a\"b\\c\nd";
  e.cause = RevokeCause::admin_revoke;
  EXPECT_EQ(Canonical(e),
            R"({"app":"a\"b\\c\nd","cause":"admin_revoke","kind":"oauth.revoke",)"
            R"("org":"00D5g000004SxyzEAC","ts":"2016-03-01T08:00:00.000000Z","user":"u"})");
}

TEST(JsonString, EscapesQuoteAndBackslash) {
  EXPECT_EQ(Json(""), R"("")");
  EXPECT_EQ(Json("plain"), R"("plain")");
  EXPECT_EQ(Json("a\"b"), R"("a\"b")");
  EXPECT_EQ(Json("a\\b"), R"("a\\b")");
  EXPECT_EQ(Json("/"), R"("/")");  // the solidus is not escaped
}

TEST(JsonString, EscapesControlCharactersShortOrAsLowercaseHex) {
  EXPECT_EQ(Json("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(Json(std::string_view("\0", 1)), R"("\u0000")");
  EXPECT_EQ(Json("\x01\x0b\x1f"), R"("\u0001\u000b\u001f")");
  EXPECT_EQ(Json("a\x1b[0m"), R"("a\u001b[0m")");
}

TEST(JsonString, KeepsDeleteAndNonAsciiRaw) {
  EXPECT_EQ(Json("\x7f"), "\"\x7f\"");
  EXPECT_EQ(Json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91"),
            "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91\"");
  EXPECT_EQ(Json("\x20"), R"(" ")");
}

// AppendJsonString skips plain bytes 8 at a time: every byte value at every
// position of a word and of the tail must still be escaped exactly as the
// byte-by-byte rule says.
TEST(JsonString, EscapesEveryByteAtEveryPosition) {
  auto expected = [](std::string_view s) {
    std::string out = "\"";
    for (char ch : s) {
      auto c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += ch;
      } else if (c < 0x20) {
        std::string one = Json(std::string_view(&ch, 1));  // one byte: checked above
        out += one.substr(1, one.size() - 2);
      } else {
        out += ch;
      }
    }
    return out + '"';
  };
  for (size_t pos = 0; pos < 19; ++pos) {
    for (int c = 0; c < 256; ++c) {
      std::string s(19, 'x');
      s[pos] = static_cast<char>(c);
      ASSERT_EQ(Json(s), expected(s)) << "byte " << c << " at " << pos;
    }
  }
}

TEST(JsonString, AppendsToExistingContent) {
  std::string out = "x=";
  AppendJsonString("a\tb", &out);
  EXPECT_EQ(out, R"(x="a\tb")");
}

TEST(Canonical, UndeclaredEnumValueStaysValidJson) {
  // Only a corrupt decode can produce this; the output must still be JSON and
  // differ from every declared name.
  Event e = Base(Kind::kOrgEdition);
  e.edition = static_cast<Edition>(200);
  EXPECT_EQ(Canonical(e), R"({"edition":200,"kind":"org.edition","org":"00D5g000004SxyzEAC",)"
                          R"("ts":"2016-03-01T08:00:00.000000Z"})");
}

}  // namespace
}  // namespace authtrail
