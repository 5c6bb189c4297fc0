// libFuzzer target: any bytes through CsvReader (RFC 4180). Besides "no
// crash, no sanitizer report", every record it accepts must survive a round
// trip: written back with every field quoted, it reads back as the same
// fields (values holding '\r' are exempt: a "\r\n" inside a quoted field is
// read back as "\n", by design).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/csv.h"

namespace {

using authtrail::ingest::CsvError;
using authtrail::ingest::CsvField;
using authtrail::ingest::CsvReader;
using authtrail::ingest::LinesOf;

std::string Quote(const std::vector<CsvField>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : fields[i].value) out.append(c == '"' ? "\"\"" : std::string(1, c));
    out += '"';
  }
  return out;
}

void CheckRoundTrip(const std::vector<CsvField>& fields) {
  for (const CsvField& f : fields) {
    if (f.value.find('\r') != std::string::npos) return;
  }
  std::string text = Quote(fields);
  CsvReader again(LinesOf(text));
  std::vector<CsvField> back;
  CsvError error;
  if (again.Next(&back, &error) != CsvReader::Outcome::kRecord) std::abort();
  if (back.size() != fields.size()) std::abort();
  for (size_t i = 0; i < back.size(); ++i) {
    if (back[i].value != fields[i].value) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  CsvReader reader(LinesOf(text));
  std::vector<CsvField> fields;
  CsvError error;
  for (int guard = 0; guard < 100000; ++guard) {
    CsvReader::Outcome o = reader.Next(&fields, &error);
    if (o == CsvReader::Outcome::kEnd) break;
    if (o == CsvReader::Outcome::kRecord) {
      if (fields.empty()) std::abort();
      CheckRoundTrip(fields);
    } else if (error.pos.line == 0 || error.pos.column == 0 || error.reason.empty()) {
      std::abort();
    }
  }
  return 0;
}
