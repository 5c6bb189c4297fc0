// authtrail ingest: append events to the store (cli.md, events.md).
//
// One run is one batch: a BatchBegin record, the stored events, and a BatchEnd
// record with each input's size and SHA-256 and the counts. Bad lines are
// reported as "file:line: field: reason" and copied verbatim to the rejects
// file; every valid line is still stored. Exit 3 when anything was rejected.
//
// Salesforce export formats (--format loginhistory, elf-login, ...) are read
// as records (CSV rows or JSON objects, ingest/records.h), mapped to native
// JSONL lines by an adapter (ingest/adapter.h) and then parsed exactly like
// native input. Their rejects are reported as "file:line:column: field:
// reason" (the record's raw text goes to the rejects file); `read` counts
// records. Records no adapter rule maps are stored as `unmapped` events and
// summarized on standard error.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ingest/adapter.h"
#include "ingest/jsonl.h"
#include "ingest/records.h"
#include "store/store.h"
#include "tools/command.h"
#include "tools/exit_codes.h"
#include "tools/ingest_run.h"
#include "tools/progress.h"
#include "tools/signing.h"
#include "tools/version.h"

namespace po = boost::program_options;

namespace authtrail::tools {
namespace {

constexpr HelpText kHelpTemplate = {
    "ingest",
    "authtrail ingest [--db DIR] [--format F] [--org ORGID] [--at TS] [--rejects FILE]\n"
    "       [--sign-key PREFIX.key] FILE...",
    "Append events to the store, creating it if needed. FILE is native JSONL\n"
    "(one event per line, see the spec's events.md) or, with --format, a\n"
    "Salesforce export; '-' reads standard input.\n"
    "Records already stored (same id, or same content without an id) are counted\n"
    "as duplicates and not stored again, so re-running an ingest is safe.\n"
    "Bad lines are reported on standard error as 'file:line: field: reason'\n"
    "(exports: 'file:line:column: field: reason') and copied verbatim to the\n"
    "rejects file; every valid record is still stored.\n\n"
    "Export formats (docs/sources.md says how to export each one and what it\n"
    "cannot tell). CSV or JSON is detected from the content; columns are found\n"
    "by header name, in any order and case. LoginHistory, LoginEvent and\n"
    "SetupAuditTrail exports and snapshots carry no org id: give --org (and, for\n"
    "snapshot, --at: when the export was taken). Records whose type or\n"
    "action has no mapping are stored as 'unmapped' (see log --unmapped).\n"
    "A Setup Audit Trail file also yields, for each fact it changes, the state\n"
    "before its oldest change row (\"from X to Y\", or the opposite of an\n"
    "enable/assign/activate), from the file's oldest row on: source\n"
    "SetupAuditTrail:reconstructed, id ROWID:before:TS. What cannot be\n"
    "reconstructed is listed by 'authtrail sources --origins'.\n"
    "%FORMATS%\n"
    "Prints: read=N stored=N duplicates=N rejected=N\n\n"
    "Signed checkpoints: with --sign-key PREFIX.key (or the environment variable\n"
    "AUTHTRAIL_SIGN_KEY=PREFIX.key) every ingest ends with a checkpoint of the\n"
    "store's Merkle tree signed with that key, kept as DIR/checkpoints/N.json (N =\n"
    "records in the tree; an existing file is never rewritten) and printed as a\n"
    "second line: checkpoint=PATH. Copy it somewhere the store's operators cannot\n"
    "rewrite; `verify --since` and `evidence --checkpoint` use it. The key is read\n"
    "before anything is stored, so a missing or unsafe key stops the ingest.\n\n"
    "Examples:\n"
    "  authtrail ingest --db ./authtrail.db events.jsonl\n"
    "  zcat history.jsonl.gz | authtrail ingest -\n"
    "  sf data query -q \"SELECT Id,LoginTime,UserId,LoginType,LoginSubType,Application,Status\n"
    "      FROM LoginHistory\" --result-format csv > lh.csv\n"
    "  authtrail ingest --format loginhistory --org 00D5g000004Sxyz lh.csv\n"
    "  authtrail ingest --format elf-login 2025-06-10_Login.csv\n"
    "  authtrail ingest --format snapshot --org 00D5g000004Sxyz --at 2025-11-01T00:00:00Z \\\n"
    "      users.csv permsets.csv assignments.csv\n\n"
    "Exit codes: 0 done, 2 usage error, 3 some lines rejected (the rest stored),\n"
    "5 store unavailable (locked by another writer, newer format, disk full, signing\n"
    "key missing or readable by others)."};

// kHelpTemplate with the list of export formats in place of %FORMATS%.
const HelpText& Help() {
  static const std::string about = [] {
    std::string formats;
    for (const ingest::SourceFormat& f : ingest::SourceFormats()) {
      std::string name(f.name);
      name.resize(17, ' ');
      formats.append("  ").append(name).append(f.summary).append("\n");
    }
    std::string text = kHelpTemplate.about;
    return text.replace(text.find("%FORMATS%"), 9, formats);
  }();
  static const HelpText help = {kHelpTemplate.name, kHelpTemplate.usage, about.c_str()};
  return help;
}

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
  ingest::Adapter* adapter = nullptr;  // export formats; nullptr for jsonl
  std::string header;  // CSV header of the current input, written before its first reject
  std::map<std::string, uint64_t> unmapped;  // action -> records stored as unmapped
  uint64_t reconstructed = 0;                // prior-state events stored (PriorStates)
};

// `where` is "file:line" (JSONL) or "file:line:column" (exports).
Status Reject(IngestRun* run, const std::string& where, std::string_view raw,
              const std::string& field, const std::string& reason) {
  ++run->counts.rejected;
  run->progress.Clear();
  std::cerr << where << ": " << (field.empty() ? "" : field + ": ") << reason << "\n";
  if (!run->header.empty()) {  // so the rejects can be fixed and re-ingested as they are
    AT_RETURN_IF_ERROR(run->rejects->Write(run->header));
    run->header.clear();
  }
  return run->rejects->Write(raw);
}

Status Reject(IngestRun* run, const std::string& input, uint64_t line_no, std::string_view raw,
              const std::string& field, const std::string& reason) {
  return Reject(run, input + ":" + std::to_string(line_no), raw, field, reason);
}

std::string Where(const std::string& input, ingest::TextPos pos) {
  return input + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
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

// One event an adapter produced from the record at `pos` (raw text `raw`),
// validated like a JSONL line.
Status StoreMapped(IngestRun* run, const std::string& input, ingest::TextPos pos,
                   std::string_view raw, std::string_view line, Event* event) {
  ingest::LineError error;
  if (!run->parser.Parse(line, event, &error)) {
    return Reject(run, Where(input, pos), raw, error.field, error.reason);
  }
  Result<store::AddOutcome> added = run->writer->Add(*event);
  if (!added.ok()) {
    if (added.status().code() != StatusCode::kAlreadyExists) return added.status();
    return Reject(run, Where(input, pos), raw, "id", added.status().message());
  }
  ++(*added == store::AddOutcome::kStored ? run->counts.stored : run->counts.duplicates);
  if (event->kind == Kind::kUnmapped) ++run->unmapped[event->action.value_or("")];
  if (*added == store::AddOutcome::kStored && event->source &&
      event->source->ends_with(":reconstructed")) {
    ++run->reconstructed;
  }
  return Status::Ok();
}

Status IngestRecord(IngestRun* run, const std::string& input, const ingest::SourceRecord& record,
                    Event* event) {
  ++run->counts.read;
  std::vector<std::string> lines;
  ingest::MapError error;
  if (!run->adapter->Map(record, &lines, &error)) {
    return Reject(run, Where(input, error.pos), record.raw, error.field, error.reason);
  }
  // A record is stored whole or not at all: the first bad event rejects it.
  uint64_t rejected = run->counts.rejected;
  for (const std::string& line : lines) {
    AT_RETURN_IF_ERROR(StoreMapped(run, input, record.pos, record.raw, line, event));
    if (run->counts.rejected != rejected) break;
  }
  return Status::Ok();
}

void ShowProgress(IngestRun* run, const std::string& input) {
  run->progress.Show("ingest " + input + ": read " + std::to_string(run->counts.read) +
                     ", stored " + std::to_string(run->counts.stored) + ", duplicates " +
                     std::to_string(run->counts.duplicates) + ", rejected " +
                     std::to_string(run->counts.rejected));
}

Result<BatchInputInfo> IngestExport(IngestRun* run, const std::string& input) {
  AT_ASSIGN_OR_RETURN(auto reader, ingest::LineReader::Open(input));
  ingest::LineReader* lines = reader.get();
  std::unique_ptr<ingest::RecordReader> records = ingest::OpenRecords(
      [lines](std::string_view* line, uint64_t* line_no) { return lines->Next(line, line_no); });
  ingest::SourceRecord record;
  ingest::RecordError error;
  Event event;
  bool have_header = false;
  while (true) {
    ingest::RecordReader::Outcome o = records->Next(&record, &error);
    if (!have_header && !records->header().empty()) {
      run->header = records->header();
      have_header = true;
    }
    if (o == ingest::RecordReader::Outcome::kEnd) break;
    if (o == ingest::RecordReader::Outcome::kError) {
      ++run->counts.read;
      AT_RETURN_IF_ERROR(Reject(run, Where(input, error.pos), record.raw, "", error.reason));
    } else {
      AT_RETURN_IF_ERROR(IngestRecord(run, input, record, &event));
    }
    if (!run->quiet && run->progress.Due()) ShowProgress(run, input);
  }
  AT_RETURN_IF_ERROR(reader->status());
  // Events that rest on the whole input (Setup Audit Trail: the state before
  // its oldest rows); a bad one rejects its record's text again.
  std::vector<ingest::DerivedEvent> derived;
  run->adapter->EndOfInput(&derived);
  for (const ingest::DerivedEvent& d : derived) {
    AT_RETURN_IF_ERROR(StoreMapped(run, input, d.pos, d.raw, d.line, &event));
  }
  run->header.clear();
  return BatchInputInfo{input, reader->bytes_read(), reader->sha256()};
}

Result<BatchInputInfo> IngestInput(IngestRun* run, const std::string& input) {
  if (run->adapter != nullptr) return IngestExport(run, input);
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

// Records kept as `unmapped` are not errors, but the investigator must know.
void ReportUnmapped(const std::map<std::string, uint64_t>& unmapped) {
  if (unmapped.empty()) return;
  uint64_t total = 0;
  for (const auto& [action, n] : unmapped) total += n;
  std::cerr << "authtrail ingest: " << total
            << " record(s) with no mapping stored as 'unmapped' (authtrail log --unmapped):\n";
  for (const auto& [action, n] : unmapped) std::cerr << "  " << n << "  " << action << "\n";
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

Status RunBatch(const IngestOptions& opt, IngestCounts* counts, std::string* rejects_path,
                std::string* checkpoint_path) {
  store::StoreOptions so;
  so.writable = true;
  so.create_if_missing = true;
  AT_ASSIGN_OR_RETURN(auto st, store::Store::Open(opt.db, so));
  AT_ASSIGN_OR_RETURN(auto writer, st->BeginBatch({0, WallClockNow(), kVersion, opt.inputs}));
  // Export rejects are raw CSV rows or JSON objects, not JSONL: the name says
  // which format they came from.
  std::string suffix = opt.format == "jsonl" ? ".jsonl" : "-" + opt.format + ".txt";
  *rejects_path = opt.rejects.empty()
                      ? opt.db + "/rejects/batch-" + std::to_string(writer->number()) + suffix
                      : opt.rejects;
  RejectSink rejects(*rejects_path);
  *counts = {};
  IngestRun run{writer.get(), {}, &rejects, {}, *counts, opt.quiet, nullptr, {}, {}, 0};
  std::unique_ptr<ingest::Adapter> adapter;
  if (opt.format != "jsonl") {
    AT_ASSIGN_OR_RETURN(adapter, ingest::MakeAdapter(opt.format, {opt.org, opt.at}));
    run.adapter = adapter.get();
  }
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
  ReportUnmapped(run.unmapped);
  if (run.reconstructed > 0) {
    std::cerr << "authtrail ingest: " << run.reconstructed
              << " fact(s) reconstructed as they were before the oldest Setup Audit Trail row "
                 "changing them (source SetupAuditTrail:reconstructed; authtrail sources "
                 "--origins lists what has no known origin)\n";
  }
  AT_RETURN_IF_ERROR(writer->Finish(std::move(end)));
  if (opt.sign_key == nullptr) return Status::Ok();
  // Signed while the writer lock is still held: exactly the tree this ingest left.
  AT_ASSIGN_OR_RETURN(evidence::SignedCheckpoint cp, SignTreeHead(st.get(), *opt.sign_key));
  AT_ASSIGN_OR_RETURN(*checkpoint_path, KeepCheckpoint(opt.db, cp));
  return Status::Ok();
}

int RunIngest(int argc, char** argv) {
  IngestOptions opt;
  std::string sign_key;
  po::options_description options("Options");
  AddDbOption(&options, &opt.db);
  options.add_options()("format", po::value(&opt.format)->default_value("jsonl")->value_name("F"),
                        "input format: jsonl (native events) or an export format listed above")(
      "org", po::value(&opt.org)->value_name("ORGID"),
      "org id of exports that carry none (loginhistory, loginevent, setupaudittrail, snapshot)")(
      "at", po::value(&opt.at)->value_name("TS"),
      "snapshot: when the current-state export was taken (RFC 3339)")(
      "sign-key", po::value(&sign_key)->value_name("PREFIX.key"),
      "end the ingest with a checkpoint signed with this key, kept as\n"
      "DIR/checkpoints/<tree_size>.json (default: $AUTHTRAIL_SIGN_KEY if set)")(
      "rejects", po::value(&opt.rejects)->value_name("FILE"),
      "where rejected lines are copied (default DIR/rejects/batch-N.jsonl, or\n"
      "batch-N-FORMAT.txt for an export format)")("input", po::value(&opt.inputs)->multitoken(),
                                                  "input files");
  po::positional_options_description pos;
  pos.add("input", -1);
  po::variables_map vm;
  if (auto code = ParseCommandLine(Help(), options, &pos, argc, argv, &vm)) return *code;
  if (opt.format != "jsonl") {
    if (auto adapter = ingest::MakeAdapter(opt.format, {opt.org, opt.at}); !adapter.ok()) {
      std::cerr << "authtrail ingest: " << adapter.status().message() << "\n";
      return kExitUsage;
    }
  }
  if (!opt.at.empty() && opt.format != "snapshot") {
    std::cerr << "authtrail ingest: --at applies to --format snapshot only\n";
    return kExitUsage;
  }
  if (opt.format == "jsonl" && !opt.org.empty()) {
    std::cerr << "authtrail ingest: --org applies to export formats; jsonl events carry 'org'\n";
    return kExitUsage;
  }
  if (Status s = CheckInputs(opt.inputs); !s.ok()) return ReportError("ingest", s);
  // The key is read before anything is stored: a bad key stops the ingest.
  if (sign_key.empty() && std::getenv(kSignKeyEnv) != nullptr) sign_key = std::getenv(kSignKeyEnv);
  std::optional<evidence::SigningKey> key;
  if (!sign_key.empty()) {
    Result<evidence::SigningKey> read = evidence::ReadSigningKey(sign_key);
    if (!read.ok()) return ReportError("ingest", read.status().WithContext("--sign-key"));
    key.emplace(std::move(*read));
    opt.sign_key = &*key;
  }
  IngestCounts counts;
  std::string rejects_path, checkpoint_path;
  Status s = RunBatch(opt, &counts, &rejects_path, &checkpoint_path);
  std::cout << "read=" << counts.read << " stored=" << counts.stored
            << " duplicates=" << counts.duplicates << " rejected=" << counts.rejected << "\n";
  if (!s.ok()) return ReportError("ingest", s);
  if (!checkpoint_path.empty()) std::cout << "checkpoint=" << checkpoint_path << "\n";
  if (!rejects_path.empty()) {
    std::cerr << "authtrail ingest: " << counts.rejected << " line(s) rejected; copied to "
              << rejects_path << "\n";
    return kExitRejected;
  }
  return kExitOk;
}

}  // namespace authtrail::tools
