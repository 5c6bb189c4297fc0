// libFuzzer target: any bytes through JsonlParser::Parse, and the canonical
// form of whatever it accepts. Build with -DAUTHTRAIL_FUZZ=ON (clang); seeds
// are in ingest/fuzz_corpus/.
//
// Besides "no crash, no sanitizer report", it checks two properties that must
// hold for every accepted line:
//   - the canonical form is itself a line the parser accepts, as the same event;
//   - a parse that follows a rejected or accepted line is not affected by it
//     (the parser and the Event are reused, as ingest reuses them).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ingest/jsonl.h"
#include "schemas/canonical.h"

namespace {

using authtrail::Event;
using authtrail::ingest::JsonlParser;
using authtrail::ingest::LineError;

void CheckCanonicalRoundTrip(JsonlParser* parser, const Event& event) {
  std::string canonical = authtrail::Canonical(event);
  Event again;
  LineError error;
  if (!parser->Parse(canonical, &again, &error) || !(again == event)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static JsonlParser parser;
  static Event event;  // reused on purpose: stale fields must never leak through
  std::string_view line(reinterpret_cast<const char*>(data), size);
  LineError error;
  if (!parser.Parse(line, &event, &error)) return 0;
  CheckCanonicalRoundTrip(&parser, event);
  Event fresh;
  JsonlParser fresh_parser;
  if (!fresh_parser.Parse(line, &fresh, &error) || !(fresh == event)) std::abort();
  return 0;
}
