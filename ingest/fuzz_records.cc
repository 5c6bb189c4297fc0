// libFuzzer target: any bytes as an export file (CSV or JSON, sniffed as
// `authtrail ingest --format ...` does), every record through one adapter
// (picked by the input's first byte when it is not part of the text: the
// parser is slow at -O0 under sanitizers, and one adapter per run keeps the
// fuzzer fast), and every line the adapter emits through JsonlParser. Besides "no crash, no
// sanitizer report": each line an adapter emits is a JSON object the parser
// can judge (it may still reject it, e.g. for a bad id, with a reason), and
// every error carries a position. At the end of the input, the events an
// adapter derives from the whole input are checked the same way.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/adapter.h"
#include "ingest/jsonl.h"
#include "ingest/records.h"

namespace ai = authtrail::ingest;

namespace {

std::vector<std::unique_ptr<ai::Adapter>> AllAdapters() {
  std::vector<std::unique_ptr<ai::Adapter>> all;
  ai::AdapterOptions options{"00D5g000004SxyzEAC", "2025-11-01T00:00:00Z"};
  for (const ai::SourceFormat& f : ai::SourceFormats()) {
    auto adapter = ai::MakeAdapter(f.name, options);
    if (!adapter.ok()) std::abort();
    all.push_back(std::move(*adapter));
  }
  return all;
}

ai::Adapter& AdapterFor(size_t which) {
  static std::vector<std::unique_ptr<ai::Adapter>> adapters = AllAdapters();
  return *adapters[which % adapters.size()];
}

void CheckLine(const std::string& line) {
  static ai::JsonlParser parser;
  authtrail::Event event;
  ai::LineError line_error;
  if (line.empty() || line.front() != '{') std::abort();
  if (!parser.Parse(line, &event, &line_error) && line_error.reason.empty()) std::abort();
}

void MapWith(size_t which, const ai::SourceRecord& record) {
  std::vector<std::string> lines;
  ai::MapError error;
  if (!AdapterFor(which).Map(record, &lines, &error)) {
    if (error.reason.empty() || error.pos.line == 0) std::abort();
    return;
  }
  for (const std::string& line : lines) CheckLine(line);  // zero lines is allowed (adapter.h)
}

// The events derived from the whole input (Setup Audit Trail prior states):
// valid JSON objects, each pointing at a record that was read.
void EndOfInput(size_t which) {
  std::vector<ai::DerivedEvent> derived;
  AdapterFor(which).EndOfInput(&derived);
  for (const ai::DerivedEvent& d : derived) {
    if (d.pos.line == 0) std::abort();
    CheckLine(d.line);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Seeds are plain export files: a leading printable byte or BOM is text and
  // picks the adapter by its value; a control byte only picks and is skipped.
  if (size == 0) return 0;
  size_t which = data[0];
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (data[0] < 0x09) text.remove_prefix(1);
  std::unique_ptr<ai::RecordReader> reader = ai::OpenRecords(ai::LinesOf(text));
  ai::SourceRecord record;
  ai::RecordError error;
  for (int guard = 0; guard < 100000; ++guard) {
    ai::RecordReader::Outcome o = reader->Next(&record, &error);
    if (o == ai::RecordReader::Outcome::kEnd) break;
    if (o == ai::RecordReader::Outcome::kError) {
      if (error.reason.empty() || error.pos.line == 0) std::abort();
      continue;
    }
    MapWith(which, record);
  }
  EndOfInput(which);
  return 0;
}
