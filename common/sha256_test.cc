#include "common/sha256.h"

#include <gtest/gtest.h>

namespace authtrail {
namespace {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(Hex(Sha256Of("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Hex(Sha256Of("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, IncrementalEqualsOneShot) {
  Sha256 h;
  h.Update("a");
  h.Update("bc");
  EXPECT_EQ(h.Finish(), Sha256Of("abc"));
}

TEST(Hex, RoundTrip) {
  std::string bytes("\x00\x01\xfe\xff", 4), back;
  EXPECT_EQ(Hex(bytes), "0001feff");
  ASSERT_TRUE(FromHex("0001FEff", &back));
  EXPECT_EQ(back, bytes);
  EXPECT_FALSE(FromHex("abc", &back));
  EXPECT_FALSE(FromHex("zz", &back));
}

}  // namespace
}  // namespace authtrail
