#include "store/keys.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "schemas/canonical.h"
#include "store/store_test_util.h"

namespace authtrail::store::store_internal {
namespace {

using testing::kOrgA;
using testing::kT0;

TEST(StoreKeys, SeqKeysAreBigEndianAndSortNumerically) {
  EXPECT_EQ(SeqKey(1), std::string("\0\0\0\0\0\0\0\1", 8));
  EXPECT_LT(SeqKey(255), SeqKey(256));
  EXPECT_LT(SeqKey(0xffffffff), SeqKey(0x100000000));
  uint64_t seq = 0;
  EXPECT_TRUE(ParseSeqKey(SeqKey(123456789), &seq));
  EXPECT_EQ(seq, 123456789u);
  EXPECT_FALSE(ParseSeqKey("1234567", &seq));
}

TEST(StoreKeys, IndexKeysSortByTsThenKindRankThenSeq) {
  const std::vector<Event> events = {testing::Login(-5, "u"),  // before 1970 sorts first
                                     testing::Authorize(kT0, "u", "a"), testing::Login(kT0, "u"),
                                     testing::Login(kT0 + 1, "u")};
  std::vector<std::string> keys;
  for (uint64_t seq : {9, 3}) {
    for (const Event& e : events) {
      std::string key;
      ASSERT_TRUE(AppendIndexKey(Index::kTime, e, 1, seq, &key));
      keys.push_back(key);
    }
  }
  std::sort(keys.begin(), keys.end());
  std::vector<std::tuple<MicrosUtc, uint8_t, uint64_t>> order;
  for (const std::string& k : keys) {
    IndexSuffix at;
    ASSERT_TRUE(ParseIndexSuffix(k, &at));
    order.emplace_back(at.ts, at.rank, at.seq);
  }
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
  EXPECT_EQ(std::get<0>(order.front()), -5);
  const uint8_t login = KindFoldRank(Kind::kLoginUi),
                authorize = KindFoldRank(Kind::kOauthAuthorize);
  EXPECT_EQ(order[2], std::make_tuple(kT0, login, uint64_t{3}));
  EXPECT_EQ(order[4], std::make_tuple(kT0, authorize, uint64_t{3}));
}

TEST(StoreKeys, NamePrefixesNeverMatchALongerName) {
  std::string ab, abc;
  AppendNamePrefix(7, "ab", &ab);
  AppendNamePrefix(7, "abc", &abc);
  EXPECT_EQ(ab, std::string("\0\0\0\7\0\2ab", 8));
  EXPECT_FALSE(abc.starts_with(ab));
  std::string key;
  ASSERT_TRUE(AppendIndexKey(Index::kUser, testing::Login(kT0, "abc"), 7, 1, &key));
  EXPECT_TRUE(key.starts_with(abc));
  EXPECT_EQ(key.size(), abc.size() + kIndexSuffixSize);
  EXPECT_FALSE(AppendIndexKey(Index::kApp, testing::Login(kT0, "abc"), 7, 1, &key));
}

TEST(StoreKeys, DedupKeysByIdPerOrgElseByCanonicalHash) {
  const Event with_id = testing::WithId(testing::Login(kT0, "u"), "0Ya1");
  std::string key;
  AppendDedupKey(with_id, Canonical(with_id), &key);
  EXPECT_EQ(key, std::string("i") + kOrgA + "0Ya1");
  const Event no_id = testing::Login(kT0, "u");
  key.clear();
  AppendDedupKey(no_id, Canonical(no_id), &key);
  const Digest d = Sha256Of(Canonical(no_id));
  EXPECT_EQ(key, "c" + std::string(reinterpret_cast<const char*>(d.data()), 16));
}

TEST(StoreKeys, HeadAndBatchEntriesRoundTrip) {
  Head head{42, Sha256Of("x")}, back;
  EXPECT_TRUE(DecodeHead(EncodeHead(head), &back));
  EXPECT_EQ(back.seq, 42u);
  EXPECT_EQ(back.hash, head.hash);
  EXPECT_FALSE(DecodeHead("short", &back));
  BatchEntry entry;
  EXPECT_TRUE(DecodeBatchEntry(EncodeBatchEntry({9, true}), &entry));
  EXPECT_EQ(entry.number, 9u);
  EXPECT_TRUE(entry.end);
  EXPECT_FALSE(DecodeBatchEntry(std::string("\0\0\0\1x", 5), &entry));
}

}  // namespace
}  // namespace authtrail::store::store_internal
