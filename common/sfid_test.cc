#include "common/sfid.h"

#include <gtest/gtest.h>

namespace authtrail {
namespace {

TEST(SalesforceId, FifteenToEighteen) {
  // Known pairs (the suffix encodes which characters are uppercase).
  EXPECT_EQ(*NormalizeSalesforceId("001A0000006Vm9r"), "001A0000006Vm9rIAC");
  EXPECT_EQ(*NormalizeSalesforceId("00D000000000001"), "00D000000000001EAA");
  EXPECT_EQ(*NormalizeSalesforceId("003000000000000"), "003000000000000AAA");
  EXPECT_EQ(*NormalizeSalesforceId("ABCDEABCDEABCDE"), "ABCDEABCDEABCDE555");
}

TEST(SalesforceId, EighteenWithMatchingSuffixIsKept) {
  EXPECT_EQ(*NormalizeSalesforceId("001A0000006Vm9rIAC"), "001A0000006Vm9rIAC");
}

TEST(SalesforceId, EighteenWithWrongSuffixIsRejected) {
  Result<std::string> r = NormalizeSalesforceId("001A0000006Vm9rAAA");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("001A0000006Vm9rIAC"), std::string::npos);
  // The comparison is case-sensitive.
  EXPECT_FALSE(NormalizeSalesforceId("001A0000006Vm9riac").ok());
}

TEST(SalesforceId, NonIdsRejectedForOrgs) {
  EXPECT_FALSE(NormalizeSalesforceId("").ok());
  EXPECT_FALSE(NormalizeSalesforceId("00D00000000000").ok());    // 14
  EXPECT_FALSE(NormalizeSalesforceId("00D0000000000011").ok());  // 16
  EXPECT_FALSE(NormalizeSalesforceId("00D00000000000-").ok());   // not alphanumeric
}

TEST(SalesforceId, NamesAreKeptForUsers) {
  EXPECT_EQ(*NormalizeIdOrName("ops@example.com"), "ops@example.com");
  EXPECT_EQ(*NormalizeIdOrName("0055g00000AbCdE"),
            "0055g00000AbCdE" + SalesforceIdSuffix("0055g00000AbCdE"));
  EXPECT_FALSE(NormalizeIdOrName("001A0000006Vm9rAAA").ok());
}

}  // namespace
}  // namespace authtrail
