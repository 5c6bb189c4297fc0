#include "schemas/record_codec.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "schemas/canonical.h"
#include "tests/support/test_support.h"

namespace authtrail {
namespace {

constexpr char kOrg[] = "00D5g000004SxyzEAC";

// Gives kind-specific field f a sample value: strings non-ASCII where the
// field allows any text, enums their LAST value (exercises the range check),
// bools false (an absent bool must not read back as false).
void SetSample(Event* e, Field f) {
  auto last = [f](auto* member) {
    using T = typename std::remove_reference_t<decltype(*member)>::value_type;
    *member = static_cast<T>(EnumNames(f).size() - 1);
  };
  switch (f) {
    case Field::kEdition:
      return last(&e->edition);
    case Field::kSetting:
      return last(&e->setting);
    case Field::kChange:
      return last(&e->change);
    case Field::kUserType:
      return last(&e->user_type);
    case Field::kVia:
      return last(&e->via);
    case Field::kPermittedUsers:
      return last(&e->permitted_users);
    case Field::kPolicySource:
      return last(&e->policy_source);
    case Field::kFlow:
      return last(&e->flow);
    case Field::kGrant:
      return last(&e->grant);
    case Field::kOrigin:
      return last(&e->origin);
    case Field::kApiFamily:
      return last(&e->api_family);
    case Field::kCause:
      return last(&e->cause);
    case Field::kEnabled:
      e->enabled = false;
      return;
    case Field::kActive:
      e->active = true;
      return;
    case Field::kAllowlisted:
      e->allowlisted = false;
      return;
    case Field::kOrgManaged:
      e->org_managed = true;
      return;
    case Field::kSalesforceCliDefault:
      e->salesforce_cli_default = true;
      return;
    case Field::kAt:
      e->at = 1'760'000'000'123'456;
      return;
    case Field::kExpiresAt:
      e->expires_at = -86'400'000'000;
      return;  // before 1970
    case Field::kGrantTs:
      e->grant_ts = 1'700'000'000'000'001;
      return;
    case Field::kUser:
      e->user = "0055g00000AbCdEAAV";
      return;
    case Field::kUsername:
      e->username = "ops\"\\@exämple.com";
      return;
    case Field::kProfile:
      e->profile = "00e5g000001PrOfAAC";
      return;
    case Field::kPermission:
      e->permission = "api_enabled";
      return;
    case Field::kPermset:
      e->permset = "0PS5g000000AbCdGAA";
      return;
    case Field::kApp:
      e->app = "3MVG9dataloaderclone";
      return;
    case Field::kName:
      e->name = "Mÿ Data Loader \xF0\x9F\x94\x91";
      return;
    case Field::kAction:
      e->action = "PermSetCreate";
      return;
    case Field::kSection:
      e->section = "Manage Users";
      return;
    case Field::kDisplay:
      e->display = "Created permission set \"Ops, EU\"\nline 2";
      return;
    default:
      FAIL() << "not a kind-specific field: " << FieldName(f);
  }
}

Event MakeEvent(Kind k, bool all_optional) {
  Event e;
  e.kind = k;
  e.ts = 1'749'564'131'000'042;
  e.org = kOrg;
  for (const FieldRule& r : KindSpec(k)) {
    if (r.required || all_optional) SetSample(&e, r.field);
  }
  if (all_optional) {
    e.id = "0Ya5g00001XyZab";
    e.actor = "0055g00000ZzZzZAAV";
    e.source = "LoginHistory";
    e.outcome = Outcome::failure;
    e.status = "Failed: API security token required\n\ttab";
  }
  return e;
}

std::vector<StoredRecord> SampleRecords() {
  std::vector<StoredRecord> out;
  for (int k = 0; k < kKindCount; ++k) {
    out.push_back({7, MakeEvent(static_cast<Kind>(k), true)});
    out.push_back({7, MakeEvent(static_cast<Kind>(k), false)});
  }
  BatchBeginInfo begin{3, 1'700'000'000'000'000, "0.1.0", {"a.jsonl", "-", "dir/ü.csv"}};
  BatchEndInfo end{3, 1'700'000'001'500'000, {}, 10, 7, 2, 1};
  end.inputs.push_back({"a.jsonl", 1234, Sha256Of("a")});
  end.inputs.push_back({"-", 0, Sha256Of("")});
  out.push_back({3, begin});
  out.push_back({3, end});
  out.push_back({4, BatchBeginInfo{4, 0, "", {}}});
  out.push_back({4, BatchEndInfo{4, 0, {}, 0, 0, 0, 0}});
  return out;
}

void ExpectSameRecord(const StoredRecord& want, const StoredRecord& got) {
  EXPECT_EQ(want.batch, got.batch);
  EXPECT_EQ(want.body.index(), got.body.index());
  EXPECT_TRUE(want.body == got.body) << ChainBytes(want) << "\nvs\n" << ChainBytes(got);
}

TEST(RecordCodec, RoundTripsEveryKindWithAndWithoutOptionalFields) {
  for (const StoredRecord& r : SampleRecords()) {
    const std::string bytes = EncodeRecord(r);
    Result<StoredRecord> got = DecodeRecord(bytes);
    ASSERT_TRUE(got.ok()) << got.status().ToString() << " for " << ChainBytes(r);
    ExpectSameRecord(r, *got);
  }
}

TEST(RecordCodec, OnlyPresentOptionalFieldsAreWritten) {
  const Event bare = MakeEvent(Kind::kUserUpsert, false);
  auto got = DecodeRecord(EncodeRecord({1, bare}));
  ASSERT_OK(got.status());
  const Event& e = std::get<Event>(got->body);
  EXPECT_FALSE(e.username || e.user_type || e.profile || e.active || e.id || e.outcome);
  EXPECT_LT(EncodeRecord({1, bare}).size(),
            EncodeRecord({1, MakeEvent(Kind::kUserUpsert, true)}).size());
}

TEST(RecordCodec, UnionTagIsKindPlusOneAndIdentifierIsATR1) {
  for (int k = 0; k < kKindCount; ++k) {
    const std::string bytes = EncodeRecord({1, MakeEvent(static_cast<Kind>(k), true)});
    ASSERT_TRUE(flatbuffers::BufferHasIdentifier(bytes.data(), "ATR1"));
    const fb::Record* rec = fb::GetRecord(bytes.data());
    ASSERT_EQ(rec->body_type(), fb::RecordBody::Event);
    EXPECT_EQ(static_cast<int>(rec->body_as_Event()->body_type()), k + 1);
  }
}

TEST(RecordCodec, EncoderReuseGivesTheSameBytes) {
  RecordEncoder encoder;
  for (const StoredRecord& r : SampleRecords()) {
    EXPECT_EQ(encoder.Encode(r), EncodeRecord(r));
    if (const auto* e = std::get_if<Event>(&r.body)) {
      EXPECT_EQ(encoder.EncodeEvent(r.batch, *e), EncodeRecord(r));
    }
  }
}

TEST(RecordCodec, DecodesMisalignedBuffers) {
  const StoredRecord r{9, MakeEvent(Kind::kApiCall, true)};
  const std::string bytes = EncodeRecord(r);
  for (size_t shift = 1; shift < 8; ++shift) {
    std::string buf(shift, 'x');
    buf += bytes;
    auto got = DecodeRecord(std::string_view(buf).substr(shift));
    ASSERT_OK(got.status());
    ExpectSameRecord(r, *got);
  }
}

void ExpectCorruption(std::string_view bytes, std::string_view message_part) {
  Result<StoredRecord> got = DecodeRecord(bytes);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kCorruption) << got.status().ToString();
  EXPECT_NE(got.status().message().find(message_part), std::string::npos)
      << got.status().ToString();
}

TEST(RecordCodec, RejectsGarbage) {
  ExpectCorruption("", "ATR1");
  ExpectCorruption("ATR1", "ATR1");
  ExpectCorruption(std::string(64, '\0'), "ATR1");
  std::string bytes = EncodeRecord({1, MakeEvent(Kind::kLoginUi, false)});
  bytes[5] = 'X';  // file identifier
  ExpectCorruption(bytes, "ATR1");
  const std::string fake = std::string(
                               "\x08\x00\x00\x00"
                               "ATR1",
                               8) +
                           std::string(8, '\xff');
  ExpectCorruption(fake, "verification");
  std::mt19937 rng(42);
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng() % 300, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    if (junk.size() >= 8) std::memcpy(&junk[4], "ATR1", 4);
    EXPECT_FALSE(DecodeRecord(junk).ok());
  }
}

// Trailing alignment padding is not covered by the Verifier, so a cut that
// removes only padding may still decode: then it must decode to the original.
TEST(RecordCodec, EveryTruncationIsCorruptionOrTheSameRecord) {
  for (const StoredRecord& r : SampleRecords()) {
    const std::string bytes = EncodeRecord(r);
    size_t corrupt = 0;
    for (size_t len = 0; len < bytes.size(); ++len) {
      Result<StoredRecord> got = DecodeRecord(std::string_view(bytes).substr(0, len));
      if (got.ok()) {
        ExpectSameRecord(r, *got);
      } else {
        ++corrupt;
        EXPECT_EQ(got.status().code(), StatusCode::kCorruption);
      }
    }
    EXPECT_GE(corrupt, bytes.size() - 8) << ChainBytes(r);
  }
}

TEST(RecordCodec, EverySingleByteFlipDecodesOrIsCorruption) {
  size_t total = 0, corrupt = 0;
  for (const StoredRecord& r : SampleRecords()) {
    std::string bytes = EncodeRecord(r);
    for (size_t pos = 0; pos < bytes.size(); ++pos) {
      for (uint8_t mask : {0x01, 0x10, 0x80, 0xff}) {
        bytes[pos] ^= static_cast<char>(mask);
        Result<StoredRecord> got = DecodeRecord(bytes);
        ++total;
        if (!got.ok()) {
          ++corrupt;
          EXPECT_EQ(got.status().code(), StatusCode::kCorruption) << got.status().ToString();
        }
        bytes[pos] ^= static_cast<char>(mask);
      }
    }
  }
  // Flips in values (a ts, a letter of an id) decode to another valid record;
  // the integrity chain catches those. Structural flips must not decode.
  EXPECT_GT(corrupt, total / 10);
}

// Builds a record around a hand-made kind table, for shapes EncodeRecord
// never writes.
template <typename BuildBody>
std::string HandMade(fb::EventBody tag, BuildBody build_body) {
  flatbuffers::FlatBufferBuilder fbb;
  flatbuffers::Offset<void> body = build_body(fbb);
  auto org = fbb.CreateString(kOrg);
  auto event = fb::CreateEvent(fbb, 1, org, 0, 0, 0, flatbuffers::nullopt, 0, tag, body);
  fb::FinishRecordBuffer(fbb, fb::CreateRecord(fbb, 1, fb::RecordBody::Event, event.Union()));
  return {reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()};
}

TEST(RecordCodec, RejectsMissingRequiredField) {
  Event e = MakeEvent(Kind::kOauthToken, false);
  e.grant.reset();
  ExpectCorruption(EncodeRecord({1, e}), "oauth.token field grant is missing");
  e = MakeEvent(Kind::kLoginUi, false);
  e.org = "";
  ExpectCorruption(EncodeRecord({1, e}), "org");
}

TEST(RecordCodec, RejectsEnumOutOfRangeAndBadBool) {
  Event e = MakeEvent(Kind::kOrgCreated, false);
  e.edition = static_cast<Edition>(9);
  ExpectCorruption(EncodeRecord({1, e}), "edition enum value out of range");
  e = MakeEvent(Kind::kLoginUi, false);
  e.outcome = static_cast<Outcome>(2);
  ExpectCorruption(EncodeRecord({1, e}), "outcome");
  const std::string bad_bool = HandMade(fb::EventBody::OrgSetting, [](auto& fbb) {
    auto start = fbb.StartTable();
    fbb.template AddElement<uint8_t>(fb::OrgSetting::VT_SETTING, 0);
    fbb.template AddElement<uint8_t>(fb::OrgSetting::VT_ENABLED, 2);
    return flatbuffers::Offset<void>(fbb.EndTable(start));
  });
  ExpectCorruption(bad_bool, "org.setting field enabled is not a bool");
}

TEST(RecordCodec, RejectsUnknownTagsAndMissingBodies) {
  auto login = [](auto& fbb) {
    auto user = fbb.CreateString("u");
    return fb::CreateLoginUi(fbb, user).Union();
  };
  ExpectCorruption(HandMade(static_cast<fb::EventBody>(24), login), "unknown event kind tag 24");
  ExpectCorruption(HandMade(fb::EventBody::NONE, login), "unknown event kind tag 0");
  ExpectCorruption(
      HandMade(fb::EventBody::LoginUi, [](auto&) { return flatbuffers::Offset<void>(); }),
      "event has no body");
  flatbuffers::FlatBufferBuilder fbb;
  fb::FinishRecordBuffer(fbb, fb::CreateRecord(fbb, 1, static_cast<fb::RecordBody>(4),
                                               fb::CreateBatchBegin(fbb, 1).Union()));
  ExpectCorruption({reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()},
                   "unknown record type 4");
}

TEST(RecordCodec, RejectsInvalidUtf8AndShortDigests) {
  Event e = MakeEvent(Kind::kAppUpsert, true);
  e.name = "bad \xC3\x28 utf8";
  ExpectCorruption(EncodeRecord({1, e}), "app.upsert field name is not valid UTF-8");
  e = MakeEvent(Kind::kAppUpsert, true);
  e.status = "overlong \xC0\xAF";
  ExpectCorruption(EncodeRecord({1, e}), "UTF-8");

  flatbuffers::FlatBufferBuilder fbb;
  auto name = fbb.CreateString("a");
  std::vector<uint8_t> short_sha(31, 0);
  auto input = fb::CreateBatchInput(fbb, name, 1, fbb.CreateVector(short_sha));
  auto inputs = fbb.CreateVector(std::vector{input});
  auto end = fb::CreateBatchEnd(fbb, 1, 0, inputs);
  fb::FinishRecordBuffer(fbb, fb::CreateRecord(fbb, 1, fb::RecordBody::BatchEnd, end.Union()));
  ExpectCorruption({reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()},
                   "sha256 is not 32 bytes");
}

// IsValidUtf8 skips ASCII 8 bytes at a time: a bad or a good multi-byte
// sequence is judged the same at any offset, in a word or in the tail.
TEST(RecordCodec, Utf8IsCheckedAtEveryOffset) {
  for (size_t k = 0; k < 20; ++k) {
    Event e = MakeEvent(Kind::kApiCall, true);
    e.app = std::string(k, 'a') + "\xC3\xA9" + std::string(k % 9, 'b');  // é
    EXPECT_TRUE(ValidateEvent(e).ok()) << k;
    EXPECT_TRUE(DecodeRecord(EncodeRecord({1, e})).ok()) << k;
    for (const char* bad : {"\xFF", "\xE2\x82"}) {  // a stray byte, a truncated €
      e.app = std::string(k, 'a') + bad + std::string(k % 9, 'b');
      EXPECT_EQ(ValidateEvent(e).code(), StatusCode::kInvalidArgument) << k;
      EXPECT_FALSE(DecodeRecord(EncodeRecord({1, e})).ok()) << k;
    }
  }
}

TEST(RecordCodec, ValidateEventMatchesWhatDecodeAccepts) {
  for (const StoredRecord& r : SampleRecords()) {
    if (const auto* e = std::get_if<Event>(&r.body)) EXPECT_OK(ValidateEvent(*e));
  }
  struct Case {
    void (*mutate)(Event*);
    const char* message;
  } cases[] = {
      {[](Event* e) { e->user.reset(); }, "api.call field user is missing"},
      {[](Event* e) { e->org = "00D5g000004Sxyz"; }, "org is not an 18-character id"},
      {[](Event* e) { e->origin = static_cast<Origin>(5); }, "origin enum value out of range"},
      {[](Event* e) { e->app = "\xFF"; }, "app is not valid UTF-8"},
      {[](Event* e) { e->id = "\xED\xA0\x80"; }, "UTF-8"},  // a surrogate
  };
  for (const Case& c : cases) {
    Event e = MakeEvent(Kind::kApiCall, true);
    c.mutate(&e);
    Status s = ValidateEvent(e);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.message;
    EXPECT_NE(s.message().find(c.message), std::string::npos) << s.ToString();
    EXPECT_FALSE(DecodeRecord(EncodeRecord({1, e})).ok()) << c.message;
  }
  // A field outside the kind has no slot on disk: the encoder cannot keep it,
  // so writers must reject it (its canonical form would not survive a read).
  Event extra = MakeEvent(Kind::kApiCall, true);
  extra.edition = Edition::group;
  Status s = ValidateEvent(extra);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("api.call field edition is not a field of this kind"),
            std::string::npos)
      << s.ToString();
}

TEST(RecordCodec, ChainBytesOfAnEventIsItsCanonicalForm) {
  const Event e = MakeEvent(Kind::kOauthAuthorize, true);
  EXPECT_EQ(ChainBytes({5, e}), Canonical(e));
  EXPECT_EQ(ChainBytes({6, e}), Canonical(e));
}

TEST(RecordCodec, ChainBytesOfBatchRecordsAreCanonicalJson) {
  BatchBeginInfo begin{1, 1'700'000'000'000'000, "0.1.0", {"a\"b.jsonl", "-"}};
  EXPECT_EQ(ChainBytes({1, begin}),
            R"({"inputs":["a\"b.jsonl","-"],"kind":"batch.begin","number":1,)"
            R"("started_at":"2023-11-14T22:13:20.000000Z","version":"0.1.0"})");
  BatchEndInfo end{2, 1'700'000'000'000'001, {}, 10, 7, 2, 1};
  end.inputs.push_back({"-", 3, Sha256Of("abc")});
  EXPECT_EQ(ChainBytes({2, end}),
            R"({"duplicates":2,"ended_at":"2023-11-14T22:13:20.000001Z","inputs":[)"
            R"({"name":"-","sha256":)"
            R"("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad","size":3}],)"
            R"("kind":"batch.end","number":2,"read":10,"rejected":1,"stored":7})");
  EXPECT_EQ(ChainBytes({3, BatchEndInfo{3, 0, {}, 0, 0, 0, 0}}),
            R"({"duplicates":0,"ended_at":"1970-01-01T00:00:00.000000Z","inputs":[],)"
            R"("kind":"batch.end","number":3,"read":0,"rejected":0,"stored":0})");
}

}  // namespace
}  // namespace authtrail
