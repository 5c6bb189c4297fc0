// Checkpoints in the store: lookup by instant, replacement, and the
// invalidation an append of older (or constant-kind) events performs.
#include <gtest/gtest.h>

#include "store/store_test_util.h"

namespace authtrail::store {
namespace {

using namespace testing;  // NOLINT: store test helpers
using ::authtrail::testing::TempDir;

StateCheckpoint Cp(MicrosUtc before, std::string state) {
  StateCheckpoint cp;
  cp.before = before;
  cp.constant_seqs = {7, 9};
  cp.state = std::move(state);
  return cp;
}

std::optional<MicrosUtc> Found(Store& s, const std::string& org, MicrosUtc at) {
  auto cp = s.FindCheckpoint(org, at);
  EXPECT_TRUE(cp.ok()) << cp.status().ToString();
  if (!cp.ok() || !*cp) return std::nullopt;
  return (*cp)->before;
}

TEST(StoreCheckpoints, FindsTheLatestAtOrBeforeAndRoundTrips) {
  TempDir tmp;
  auto s = OpenStore(tmp.Sub("db"), Writable());
  ASSERT_NE(s, nullptr);
  for (MicrosUtc b : {kT0 + 100, kT0 + 200, kT0 + 300}) {
    ASSERT_OK(s->PutCheckpoint(kOrgA, Cp(b, std::string(5000, 'x') + std::to_string(b))));
  }
  ASSERT_OK(s->PutCheckpoint(kOrgB, Cp(kT0 + 150, "b")));
  EXPECT_EQ(Found(*s, kOrgA, kT0 + 99), std::nullopt);
  EXPECT_EQ(Found(*s, kOrgA, kT0 + 100), kT0 + 100);
  EXPECT_EQ(Found(*s, kOrgA, kT0 + 299), kT0 + 200);
  EXPECT_EQ(Found(*s, kOrgA, kT0 + 10'000), kT0 + 300);
  EXPECT_EQ(Found(*s, kOrgB, kT0 + 10'000), kT0 + 150);
  auto cp = s->FindCheckpoint(kOrgA, kT0 + 250);
  ASSERT_OK(cp.status());
  ASSERT_TRUE(*cp);
  EXPECT_EQ((*cp)->state, std::string(5000, 'x') + std::to_string(kT0 + 200));
  EXPECT_EQ((*cp)->constant_seqs, (std::vector<uint64_t>{7, 9}));
  ASSERT_OK(s->ClearCheckpoints());
  EXPECT_EQ(Found(*s, kOrgA, kT0 + 10'000), std::nullopt);
}

TEST(StoreCheckpoints, AnOlderEventDeletesOnlyTheCheckpointsAfterIt) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  {
    auto s = OpenStore(dir, Writable());
    ASSERT_NE(s, nullptr);
    Ingest(*s, {Login(kT0 + 500, "u1")});
    for (MicrosUtc b : {kT0 + 100, kT0 + 200, kT0 + 300})
      ASSERT_OK(s->PutCheckpoint(kOrgA, Cp(b, "s")));
    ASSERT_OK(s->PutCheckpoint(kOrgB, Cp(kT0 + 300, "s")));
  }
  auto s = OpenStore(dir, Writable());  // bounds are reloaded on open
  ASSERT_NE(s, nullptr);
  Ingest(*s, {Login(kT0 + 150, "late")});  // covered by 200 and 300, not 100
  EXPECT_EQ(Found(*s, kOrgA, kT0 + 10'000), kT0 + 100);
  EXPECT_EQ(Found(*s, kOrgB, kT0 + 10'000), kT0 + 300);  // another org: untouched
  Ingest(*s, {Login(kT0 + 100, "at-the-bound")});        // ts < 100 is false: stays
  EXPECT_EQ(Found(*s, kOrgA, kT0 + 10'000), kT0 + 100);
  Ingest(*s, {SettingEvent(kT0 + 9'000, fb::Setting::api_access_control, true)});  // newer: stays
  EXPECT_EQ(Found(*s, kOrgA, kT0 + 10'000), kT0 + 100);
  EXPECT_OK(s->Verify(nullptr).status());
}

TEST(StoreCheckpoints, AConstantKindDeletesAllOfTheOrgsCheckpoints) {
  TempDir tmp;
  auto s = OpenStore(tmp.Sub("db"), Writable());
  ASSERT_NE(s, nullptr);
  ASSERT_OK(s->PutCheckpoint(kOrgA, Cp(kT0 + 100, "s")));
  Event created;
  created.kind = Kind::kOrgCreated;
  created.ts = kT0 + 50'000;  // later than the checkpoint, still a constant
  created.org = kOrgA;
  created.edition = fb::Edition::enterprise;
  Ingest(*s, {created});
  EXPECT_EQ(Found(*s, kOrgA, kT0 + 100'000), std::nullopt);
}

TEST(StoreCheckpoints, NeedAWritableStore) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  { ASSERT_NE(OpenStore(dir, Writable()), nullptr); }
  auto s = OpenStore(dir, ReadOnly());
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->PutCheckpoint(kOrgA, Cp(kT0, "s")).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s->ClearCheckpoints().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace authtrail::store
