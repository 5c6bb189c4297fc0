// authtrail ingest: append events to the store (cli.md, events.md).
//
// One run is one batch: a BatchBegin record, the stored events, and a BatchEnd
// record with each input's size and SHA-256 and the counts. Bad lines are
// reported as "file:line: field: reason" and copied verbatim to the rejects
// file; every valid line is still stored. Exit 3 when anything was rejected.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "ingest/jsonl.h"
#include "store/store.h"
#include "tools/command.h"
#include "tools/exit_codes.h"
#include "tools/ingest_run.h"
#include "tools/progress.h"
#include "tools/version.h"

namespace po = boost::program_options;

namespace authtrail::tools {
namespace {

constexpr HelpText kHelp = {
    "ingest", "authtrail ingest [--db DIR] [--format F] [--rejects FILE] FILE...",
    "Append events to the store, creating it if needed. FILE is native JSONL\n"
    "(one event per line, see the spec's events.md); '-' reads standard input.\n"
    "Records already stored (same id, or same content without an id) are counted\n"
    "as duplicates and not stored again, so re-running an ingest is safe.\n"
    "Bad lines are reported on standard error as 'file:line: field: reason' and\n"
    "copied verbatim to the rejects file; every valid line is still stored.\n\n"
    "Prints: read=N stored=N duplicates=N rejected=N\n\n"
    "Examples:\n"
    "  authtrail ingest --db ./authtrail.db events.jsonl\n"
    "  zcat history.jsonl.gz | authtrail ingest -\n\n"
    "Exit codes: 0 done, 2 usage error, 3 some lines rejected (the rest stored),\n"
    "5 store unavailable (locked by another writer, newer format, disk full)."};

// Copies rejected lines verbatim; the file is created on the first reject.
class RejectSink {
 public:
  explicit RejectSink(std::string path) : path_(std::move(path)) {}
  Status Write(std::string_view raw) {
    if (!out_.is_open()) {
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
      out_.open(path_, std::ios::binary | std::ios::app);
      if (!out_) return Status::IOError("cannot write rejects file " + path_);
    }
    out_ << raw << '\n';
    return out_ ? Status::Ok() : Status::IOError("cannot write rejects file " + path_);
  }
  bool used() const { return out_.is_open(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::ofstream out_;
};

struct IngestRun {
  store::BatchWriter* writer;
  ingest::JsonlParser parser;
  RejectSink* rejects;
  Progress progress;
  IngestCounts& counts;  // the caller's: valid even when the batch fails mid-way
  bool quiet;
};

Status Reject(IngestRun* run, const std::string& input, uint64_t line_no, std::string_view raw,
              const std::string& field, const std::string& reason) {
  ++run->counts.rejected;
  run->progress.Clear();
  std::cerr << input << ":" << line_no << ": " << (field.empty() ? "" : field + ": ") << reason
            << "\n";
  return run->rejects->Write(raw);
}

Status IngestLine(IngestRun* run, const std::string& input, uint64_t line_no, std::string_view line,
                  Event* event) {
  ++run->counts.read;
  ingest::LineError error;
  if (!run->parser.Parse(line, event, &error)) {
    return Reject(run, input, line_no, line, error.field, error.reason);
  }
  Result<store::AddOutcome> added = run->writer->Add(*event);
  if (!added.ok()) {
    if (added.status().code() != StatusCode::kAlreadyExists) return added.status();
    return Reject(run, input, line_no, line, "id", added.status().message());
  }
  ++(*added == store::AddOutcome::kStored ? run->counts.stored : run->counts.duplicates);
  return Status::Ok();
}

void ShowProgress(IngestRun* run, const std::string& input) {
  run->progress.Show("ingest " + input + ": read " + std::to_string(run->counts.read) +
                     ", stored " + std::to_string(run->counts.stored) + ", duplicates " +
                     std::to_string(run->counts.duplicates) + ", rejected " +
                     std::to_string(run->counts.rejected));
}

Result<BatchInputInfo> IngestInput(IngestRun* run, const std::string& input) {
  AT_ASSIGN_OR_RETURN(auto reader, ingest::LineReader::Open(input));
  std::string_view line;
  uint64_t line_no = 0;
  Event event;
  while (reader->Next(&line, &line_no)) {
    if (ingest::IsBlank(line)) continue;
    AT_RETURN_IF_ERROR(IngestLine(run, input, line_no, line, &event));
    if (!run->quiet && run->progress.Due()) ShowProgress(run, input);
  }
  AT_RETURN_IF_ERROR(reader->status());
  return BatchInputInfo{input, reader->bytes_read(), reader->sha256()};
}

MicrosUtc WallClockNow() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

// Fails fast, before the store is touched, on inputs that cannot be read.
Status CheckInputs(const std::vector<std::string>& inputs) {
  if (inputs.empty())
    return Status::InvalidArgument("no input files (give FILE... or - for stdin)");
  int stdin_count = 0;
  for (const auto& in : inputs) {
    if (in == "-") {
      if (++stdin_count > 1) return Status::InvalidArgument("'-' (standard input) given twice");
      continue;
    }
    std::error_code ec;
    if (!std::filesystem::is_regular_file(in, ec) && !std::filesystem::is_fifo(in, ec)) {
      return Status::InvalidArgument("cannot read input '" + in + "': no such file");
    }
  }
  return Status::Ok();
}

}  // namespace

Status RunBatch(const IngestOptions& opt, IngestCounts* counts, std::string* rejects_path) {
  store::StoreOptions so;
  so.writable = true;
  so.create_if_missing = true;
  AT_ASSIGN_OR_RETURN(auto st, store::Store::Open(opt.db, so));
  AT_ASSIGN_OR_RETURN(auto writer, st->BeginBatch({0, WallClockNow(), kVersion, opt.inputs}));
  *rejects_path = opt.rejects.empty()
                      ? opt.db + "/rejects/batch-" + std::to_string(writer->number()) + ".jsonl"
                      : opt.rejects;
  RejectSink rejects(*rejects_path);
  *counts = {};
  IngestRun run{writer.get(), {}, &rejects, {}, *counts, opt.quiet};
  BatchEndInfo end;
  for (const auto& input : opt.inputs) {
    AT_ASSIGN_OR_RETURN(BatchInputInfo info, IngestInput(&run, input));
    end.inputs.push_back(std::move(info));
  }
  run.progress.Clear();
  end.ended_at = WallClockNow();
  end.read = run.counts.read;
  end.stored = run.counts.stored;
  end.duplicates = run.counts.duplicates;
  end.rejected = run.counts.rejected;
  if (!rejects.used()) rejects_path->clear();
  return writer->Finish(std::move(end));
}

int RunIngest(int argc, char** argv) {
  IngestOptions opt;
  po::options_description options("Options");
  AddDbOption(&options, &opt.db);
  options.add_options()(
      "format", po::value(&opt.format)->default_value("jsonl")->value_name("F"),
      "input format: jsonl (native events; Salesforce export formats come later)")(
      "rejects", po::value(&opt.rejects)->value_name("FILE"),
      "where rejected lines are copied (default DIR/rejects/batch-N.jsonl)")(
      "input", po::value(&opt.inputs)->multitoken(), "input files");
  po::positional_options_description pos;
  pos.add("input", -1);
  po::variables_map vm;
  if (auto code = ParseCommandLine(kHelp, options, &pos, argc, argv, &vm)) return *code;
  if (opt.format != "jsonl") {
    std::cerr << "authtrail ingest: unknown --format '" << opt.format << "' (supported: jsonl)\n";
    return kExitUsage;
  }
  if (Status s = CheckInputs(opt.inputs); !s.ok()) return ReportError("ingest", s);
  IngestCounts counts;
  std::string rejects_path;
  Status s = RunBatch(opt, &counts, &rejects_path);
  std::cout << "read=" << counts.read << " stored=" << counts.stored
            << " duplicates=" << counts.duplicates << " rejected=" << counts.rejected << "\n";
  if (!s.ok()) return ReportError("ingest", s);
  if (!rejects_path.empty()) {
    std::cerr << "authtrail ingest: " << counts.rejected << " line(s) rejected; copied to "
              << rejects_path << "\n";
    return kExitRejected;
  }
  return kExitOk;
}

}  // namespace authtrail::tools
