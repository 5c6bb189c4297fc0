#include "schemas/event.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace authtrail {
namespace {

Kind KindAt(int i) { return static_cast<Kind>(i); }
Field FieldAt(int i) { return static_cast<Field>(i); }

TEST(Kind, NamesRoundTripForAllKinds) {
  std::set<std::string_view> names;
  for (int i = 0; i < kKindCount; ++i) {
    std::string_view name = KindName(KindAt(i));
    EXPECT_FALSE(name.empty());
    names.insert(name);
    std::optional<Kind> back = KindFromName(name);
    ASSERT_TRUE(back.has_value()) << name;
    EXPECT_EQ(*back, KindAt(i)) << name;
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kKindCount));  // all distinct
}

TEST(Kind, NamesAreTheEventsMdNamesInFoldOrder) {
  const char* const expected[kKindCount] = {
      "org.created",      "org.edition",        "org.setting",        "org.enforcement",
      "user.upsert",      "profile.permission", "permset.permission", "permset.assign",
      "permset.unassign", "app.upsert",         "app.install",        "app.uninstall",
      "app.block",        "app.unblock",        "app.policy",         "app.access",
      "login.ui",         "oauth.authorize",    "oauth.token",        "api.call",
      "soap.login",       "oauth.revoke",       "unmapped",
  };
  for (int i = 0; i < kKindCount; ++i) {
    EXPECT_EQ(KindName(KindAt(i)), expected[i]);
    EXPECT_EQ(KindFoldRank(KindAt(i)), i);
  }
}

TEST(Kind, UnknownNamesAreNotKinds) {
  EXPECT_FALSE(KindFromName("").has_value());
  EXPECT_FALSE(KindFromName("login").has_value());
  EXPECT_FALSE(KindFromName("Login.UI").has_value());  // case-sensitive
  EXPECT_FALSE(KindFromName("login.ui ").has_value());
}

TEST(Kind, AccessKindsAreLoginUiAndLater) {
  EXPECT_FALSE(IsAccessKind(Kind::kOrgCreated));
  EXPECT_FALSE(IsAccessKind(Kind::kAppAccess));
  EXPECT_TRUE(IsAccessKind(Kind::kLoginUi));
  EXPECT_TRUE(IsAccessKind(Kind::kApiCall));
  EXPECT_TRUE(IsAccessKind(Kind::kOauthRevoke));
  EXPECT_FALSE(IsAccessKind(Kind::kUnmapped));  // kept, never evaluated or folded
}

TEST(Field, NamesRoundTripForAllFields) {
  std::set<std::string_view> names;
  for (int i = 0; i < kFieldCount; ++i) {
    std::string_view name = FieldName(FieldAt(i));
    names.insert(name);
    std::optional<Field> back = FieldFromName(name);
    ASSERT_TRUE(back.has_value()) << name;
    EXPECT_EQ(*back, FieldAt(i));
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kFieldCount));
  EXPECT_EQ(FieldFromName("expires_at"), Field::kExpiresAt);
  EXPECT_EQ(FieldFromName("salesforce_cli_default"), Field::kSalesforceCliDefault);
  EXPECT_FALSE(FieldFromName("").has_value());
  EXPECT_FALSE(FieldFromName("Ts").has_value());
  EXPECT_FALSE(FieldFromName("extra").has_value());
}

TEST(Field, TypesFollowEventsMd) {
  EXPECT_EQ(TypeOf(Field::kOrg), FieldType::kSfId);
  for (Field f : {Field::kUser, Field::kProfile, Field::kPermset, Field::kActor}) {
    EXPECT_EQ(TypeOf(f), FieldType::kIdOrName) << FieldName(f);
  }
  for (Field f : {Field::kApp, Field::kId, Field::kUsername, Field::kStatus, Field::kName}) {
    EXPECT_EQ(TypeOf(f), FieldType::kString) << FieldName(f);
  }
  for (Field f : {Field::kTs, Field::kAt, Field::kGrantTs, Field::kExpiresAt}) {
    EXPECT_EQ(TypeOf(f), FieldType::kTimestamp) << FieldName(f);
  }
  for (Field f : {Field::kEnabled, Field::kActive, Field::kAllowlisted, Field::kOrgManaged,
                  Field::kSalesforceCliDefault}) {
    EXPECT_EQ(TypeOf(f), FieldType::kBool) << FieldName(f);
  }
}

TEST(Field, EveryEnumFieldHasNames) {
  for (int i = 0; i < kFieldCount; ++i) {
    Field f = FieldAt(i);
    if (TypeOf(f) != FieldType::kEnum || f == Field::kKind) {
      EXPECT_TRUE(EnumNames(f).empty()) << FieldName(f);
      continue;
    }
    EXPECT_GE(EnumNames(f).size(), 2u) << FieldName(f);
  }
  auto outcome = EnumNames(Field::kOutcome);
  ASSERT_EQ(outcome.size(), 2u);
  EXPECT_STREQ(outcome[0], "success");
  EXPECT_STREQ(outcome[1], "failure");
  EXPECT_EQ(EnumNames(Field::kGrant).size(), 7u);
  EXPECT_STREQ(EnumNames(Field::kGrant)[6], "unknown");
  EXPECT_EQ(EnumNames(Field::kEdition).size(), 9u);
}

bool IsCommon(Field f) {
  return f == Field::kTs || f == Field::kOrg || f == Field::kKind || f == Field::kId ||
         f == Field::kActor || f == Field::kSource || f == Field::kOutcome || f == Field::kStatus;
}

TEST(KindSpec, EveryKindHasDistinctKindSpecificFields) {
  for (int i = 0; i < kKindCount; ++i) {
    std::span<const FieldRule> spec = KindSpec(KindAt(i));
    ASSERT_FALSE(spec.empty()) << KindName(KindAt(i));
    std::set<Field> fields;
    for (const FieldRule& rule : spec) {
      EXPECT_FALSE(IsCommon(rule.field)) << KindName(KindAt(i)) << " " << FieldName(rule.field);
      EXPECT_TRUE(fields.insert(rule.field).second) << "duplicate " << FieldName(rule.field);
    }
    EXPECT_TRUE(spec[0].required) << KindName(KindAt(i)) << ": first field is the subject";
  }
}

bool Requires(Kind k, Field f) {
  for (const FieldRule& rule : KindSpec(k)) {
    if (rule.field == f) return rule.required;
  }
  return false;
}
bool Allows(Kind k, Field f) {
  for (const FieldRule& rule : KindSpec(k)) {
    if (rule.field == f) return true;
  }
  return false;
}

TEST(KindSpec, RequiredAndOptionalFieldsMatchEventsMd) {
  EXPECT_TRUE(Requires(Kind::kOrgEnforcement, Field::kAt));
  EXPECT_TRUE(Requires(Kind::kOauthToken, Field::kGrant));
  EXPECT_TRUE(Allows(Kind::kOauthToken, Field::kGrantTs));
  EXPECT_FALSE(Requires(Kind::kOauthToken, Field::kGrantTs));
  EXPECT_TRUE(Requires(Kind::kApiCall, Field::kUser));
  EXPECT_FALSE(Requires(Kind::kApiCall, Field::kApp));
  EXPECT_TRUE(Allows(Kind::kApiCall, Field::kApiFamily));
  // app.access: both optional here, "exactly one" is checked by ingest.
  EXPECT_TRUE(Allows(Kind::kAppAccess, Field::kProfile));
  EXPECT_FALSE(Requires(Kind::kAppAccess, Field::kProfile));
  EXPECT_FALSE(Requires(Kind::kAppAccess, Field::kPermset));
  EXPECT_TRUE(Requires(Kind::kAppAccess, Field::kEnabled));
  EXPECT_FALSE(Allows(Kind::kLoginUi, Field::kApp));
  EXPECT_FALSE(Allows(Kind::kAppBlock, Field::kVia));
}

}  // namespace
}  // namespace authtrail
