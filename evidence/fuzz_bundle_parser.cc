// libFuzzer target: any bytes through ParseBundle and ParseCheckpointFile.
// Build with -DAUTHTRAIL_FUZZ=ON (clang); seeds are in evidence/fuzz_corpus/.
//
// Besides "no crash, no sanitizer report", for every accepted bundle:
//   - FormatBundle's text parses again to a bundle that formats identically
//     (parse -> format is a fixed point, so the canonical values are stable);
//   - VerifyBundle runs to a Status (it must not crash on any parsed shape);
//   - a v2 bundle's facts and readings go through the replay codec
//     (replay/facts_json.h), which verify-evidence runs on them next.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/bundle.h"
#include "replay/facts_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace authtrail::evidence;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ParseCheckpointFile(text).ok();
  auto bundle = ParseBundle(text);
  if (!bundle.ok()) return 0;
  std::string formatted = FormatBundle(*bundle);
  auto again = ParseBundle(formatted);
  if (!again.ok() || FormatBundle(*again) != formatted) std::abort();
  static const SigningKey key = [] {
    std::array<uint8_t, 32> seed{};
    return SigningKey::FromSeed(seed);
  }();
  (void)VerifyBundle(*bundle, key.public_key()).ok();
  std::vector<authtrail::replay::NamedFact> named;
  for (const BundleFact& f : bundle->facts) named.push_back({f.name, f.value_json});
  authtrail::replay::Facts facts;
  bool cli = false;
  (void)authtrail::replay::FactsFromJson(named, &facts, &cli).ok();
  (void)authtrail::replay::ReadingsFromJson(bundle->readings_json).ok();
  return 0;
}
