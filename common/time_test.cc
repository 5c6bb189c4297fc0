#include "common/time.h"

#include <gtest/gtest.h>

namespace authtrail {
namespace {

MicrosUtc MustParse(const char* s) {
  Result<MicrosUtc> r = ParseRfc3339(s);
  EXPECT_TRUE(r.ok()) << s << ": " << r.status().ToString();
  return r.ok() ? *r : 0;
}

std::string ParseError(const char* s) {
  Result<MicrosUtc> r = ParseRfc3339(s);
  EXPECT_FALSE(r.ok()) << s << " should be rejected";
  return r.ok() ? "" : r.status().message();
}

TEST(Time, ParsesUtcAndFormatsCanonically) {
  EXPECT_EQ(MustParse("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(FormatCanonical(MustParse("2025-10-01T09:00:00Z")), "2025-10-01T09:00:00.000000Z");
  EXPECT_EQ(FormatOutput(MustParse("2025-10-01T09:00:00Z")), "2025-10-01T09:00:00Z");
}

TEST(Time, LowercaseTAndZAreAccepted) {
  EXPECT_EQ(MustParse("2025-10-01t09:00:00z"), MustParse("2025-10-01T09:00:00Z"));
}

TEST(Time, OffsetsAreConvertedToUtc) {
  EXPECT_EQ(MustParse("2025-10-01T14:30:00+05:30"), MustParse("2025-10-01T09:00:00Z"));
  EXPECT_EQ(MustParse("2025-09-30T23:00:00-08:00"), MustParse("2025-10-01T07:00:00Z"));
  EXPECT_EQ(MustParse("2014-09-10T00:00:00-07:00"), MustParse("2014-09-10T07:00:00Z"));
}

TEST(Time, AppendOutputAppendsWhatFormatOutputReturns) {
  for (MicrosUtc t :
       {MicrosUtc{0}, MicrosUtc{123456}, MicrosUtc{-1}, MustParse("2025-10-01T09:00:00Z"),
        MicrosUtc{253402300800000000} /* year 10000 */}) {
    std::string out = "x";
    AppendOutput(t, &out);
    EXPECT_EQ(out, "x" + FormatOutput(t));
  }
  EXPECT_EQ(FormatOutput(253402300800000000), "out-of-range-time");
}

TEST(Time, FractionsUpToMicroseconds) {
  EXPECT_EQ(MustParse("1970-01-01T00:00:00.5Z"), 500000);
  EXPECT_EQ(MustParse("1970-01-01T00:00:00.000001Z"), 1);
  EXPECT_EQ(MustParse("1970-01-01T00:00:00.123456Z"), 123456);
  EXPECT_EQ(FormatOutput(123456), "1970-01-01T00:00:00.123456Z");
  EXPECT_EQ(FormatCanonical(500000), "1970-01-01T00:00:00.500000Z");
  EXPECT_NE(ParseError("1970-01-01T00:00:00.1234567Z").find("more than 6 digits"),
            std::string::npos);
  ParseError("1970-01-01T00:00:00.Z");
}

TEST(Time, LeapDay) {
  EXPECT_EQ(FormatOutput(MustParse("2024-02-29T12:00:00Z")), "2024-02-29T12:00:00Z");
  EXPECT_EQ(FormatOutput(MustParse("2000-02-29T00:00:00Z")), "2000-02-29T00:00:00Z");
  ParseError("2023-02-29T12:00:00Z");
  ParseError("1900-02-29T12:00:00Z");
}

TEST(Time, LeapSecondRejected) {
  EXPECT_NE(ParseError("2016-12-31T23:59:60Z").find("leap"), std::string::npos);
}

TEST(Time, GarbageRejected) {
  for (const char* bad :
       {"", "yesterday", "2025-10-01", "2025-10-01T09:00:00", "2025-10-01 09:00:00Z",
        "2025-13-01T00:00:00Z", "2025-00-10T00:00:00Z", "2025-10-32T00:00:00Z",
        "2025-10-01T24:00:00Z", "2025-10-01T09:60:00Z", "2025-10-01T09:00:00+5:30",
        "2025-10-01T09:00:00+05:30x", "2025-10-01T09:00:00Zjunk", "+2025-10-01T09:00:00Z",
        "2025-10-01T09:00:00+24:00"}) {
    ParseError(bad);
  }
}

TEST(Time, OffsetsThatLeaveYears0000To9999AreRejected) {
  ParseError("0000-01-01T00:00:00+00:01");
  ParseError("9999-12-31T23:59:59-01:00");
  EXPECT_EQ(FormatOutput(MustParse("0000-01-01T00:00:00Z")), "0000-01-01T00:00:00Z");
}

TEST(Time, NegativeInstantsRoundTrip) {
  MicrosUtc t = MustParse("1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(t, -1);
  EXPECT_EQ(FormatCanonical(t), "1969-12-31T23:59:59.999999Z");
}

TEST(Time, RoundTripsAcrossCenturies) {
  for (const char* s : {"0001-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "2100-03-01T00:00:00Z",
                        "9999-12-31T23:59:59.999999Z"}) {
    EXPECT_EQ(FormatOutput(MustParse(s)), s);
  }
}

}  // namespace
}  // namespace authtrail
