// Store: the append-only event log in RocksDB, its indexes and its integrity
// chain. The only module that includes RocksDB headers.
//
// Layout (docs/format.md has the byte-level grammar):
//   log      seq (8-byte big-endian) -> Record (FlatBuffers, schemas/authtrail.fbs)
//   chain    seq -> SHA-256(chain[seq-1] || ChainBytes(record)); chain[0] = 32 zero bytes
//   by_time  ts | fold rank | seq  (global fold order, ties broken by canonical bytes on read)
//   by_org   org number | ts | rank | seq
//   by_user  org number | user | ts | rank | seq
//   by_app   org number | app | ts | rank | seq
//   dedup    'i' org id  -> seq    (records with a source id)
//            'c' sha256(canonical)[0..16] -> seq (records without one)
//   meta     format version, store id, head (seq, hash), org numbers, next batch
//   batches  seq -> batch number + 'b'|'e' for each batch record (ScanBatches;
//            the next batch number is the last one's + 1, so meta keeps none)
//   merkle   level | index -> hash of each complete node of the RFC 6962 tree
//            whose leaf seq-1 is ChainBytes(record) (docs/evidence.md), from
//            meta's merkle_min_level up (format 2; every level in format 1);
//            lower nodes are recomputed from the log when a proof needs them
// Every record, its chain hash, its index entries and the new head are written
// in one WriteBatch: a crash leaves all or nothing of a flushed group.
//
// Concurrency: one writer at a time, enforced with an flock()ed lock file that
// names the holding process; readers open RocksDB read-only and never take it.
// A Store object is thread-compatible (use from one thread).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "schemas/event.h"
#include "schemas/record_codec.h"

namespace authtrail::store {

struct StoreOptions {
  // Open for appending (takes the writer lock); false = read-only.
  bool writable = false;
  // Create an empty store when `dir` holds none (only with writable).
  bool create_if_missing = false;
  // Events per WriteBatch. Larger batches amortize RocksDB's per-write cost;
  // a crash loses at most one unflushed group (re-ingest completes it).
  size_t events_per_write = 1000;
  // BENCHMARK ONLY (bench/evidence_bench.cc measures what the tree costs at
  // append): append without writing Merkle nodes. The store is then missing
  // its tree, and the next writable open without this option rebuilds it from
  // the log. No command sets it.
  bool bench_skip_merkle = false;
  Status Validate() const;
};

struct Head {
  uint64_t seq = 0;  // last record's seq; 0 for an empty store
  Digest hash{};     // chain hash at seq (all zero for an empty store)
};

enum class AddOutcome { kStored, kDuplicate };

// Appends one ingest batch. Obtained from Store::BeginBatch; at most one per
// store at a time. Events are buffered and written in groups of
// events_per_write, each by a background thread while the next group fills:
// a group is in RocksDB once the Add that fills the next group has returned
// OK, or Flush() or Finish() has. Finish() flushes and closes the batch. Destroying a
// BatchWriter without Finish() flushes nothing further and leaves the batch
// "interrupted" (its BatchBegin has no BatchEnd), which `log --batches` shows.
class BatchWriter {
 public:
  virtual ~BatchWriter() = default;
  // kStored, or kDuplicate when an identical record (same id and canonical
  // form, or without id the same canonical form) is already stored or pending.
  // kAlreadyExists when the id is stored with a different canonical form
  // (message: "id already stored with different content (seq N)"); nothing
  // is stored then. kIOError when a group write fails.
  virtual Result<AddOutcome> Add(const Event& e) = 0;
  // Writes pending events. Idempotent.
  virtual Status Flush() = 0;
  // Flushes and appends the BatchEnd record (end.number is filled in).
  virtual Status Finish(BatchEndInfo end) = 0;
  virtual uint32_t number() const = 0;
};

struct ScanFilter {
  std::optional<std::string> org, user, app;  // normalized like events
  std::optional<MicrosUtc> since;             // ts >= since
  std::optional<MicrosUtc> until;             // ts < until
  std::optional<Kind> kind;
  // Any of these kinds (empty: every kind); with `kind` too, both apply.
  // Both are checked on index keys, so skipped events are never read.
  std::vector<Kind> kinds;
  // Not a filter: read and decode on a second thread while fn runs on the
  // caller's (same events, same order; up to a few thousand decoded events
  // held ahead). Worth it for long scans whose fn does real work (replay).
  bool read_ahead = false;
};

// A replay checkpoint: one org's folded state (replay/state.h Snapshot bytes)
// covering its events with ts < `before`, kept so `explain` and org-filtered
// replays start near their target instead of at the org's first event.
struct StateCheckpoint {
  MicrosUtc before = 0;
  // The org.created / org.enforcement events the state was folded with
  // (their constants are part of the snapshot's fingerprint).
  std::vector<uint64_t> constant_seqs;
  std::string state;  // stored zstd-compressed
};

// The RFC 6962 tree over records 1..size (leaf seq-1 = ChainBytes(record)).
struct TreeHead {
  uint64_t size = 0;
  Digest root{};  // MTH; SHA-256("") for the empty tree
};

struct VerifyReport {
  uint64_t records = 0;  // records checked
  uint64_t events = 0;
  uint64_t batches = 0;
  Head head;
  // The Merkle tree's root over 1..head, recomputed from the log and equal to
  // the stored nodes'; nullopt when the store has no tree yet (read-only open
  // of a store made before the tree was kept: a writable open builds it).
  std::optional<Digest> tree_root;
};

// Called during long operations with records done so far and the total.
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

class Store {
 public:
  // Opens the store in `dir`.
  //   kNotFound       no store there (and !create_if_missing)
  //   kBusy           writable and another process holds the lock; the
  //                   message names its pid and command
  //   kUnsupported    the store's format version is newer than this binary's
  //   kCorruption     RocksDB reports corruption / the meta records are bad
  //   kIOError        anything else from the OS or RocksDB
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, const StoreOptions& options);
  virtual ~Store() = default;

  virtual Head head() const = 0;
  // Random 16-byte id of this store, hex (fixed at creation).
  virtual std::string store_id() const = 0;
  virtual uint32_t format_version() const = 0;

  // REQUIRES: opened writable. Appends the BatchBegin record (number assigned).
  virtual Result<std::unique_ptr<BatchWriter>> BeginBatch(BatchBeginInfo begin) = 0;

  // The record at seq: kNotFound beyond the head; kCorruption (naming the seq)
  // when its bytes fail the FlatBuffers verifier or RocksDB's checksum.
  virtual Result<StoredRecord> Get(uint64_t seq) = 0;

  // The seqs, ascending, of the stored events whose source id is `id` (one
  // per org at most: ids are unique within an org), through the dedup index,
  // each checked against the record it points to (kCorruption when the index
  // and the record disagree). Empty when none has it.
  virtual Result<std::vector<uint64_t>> FindBySourceId(std::string_view id) = 0;

  // Calls fn(seq, event) for every stored event matching `filter`, in fold
  // order (events.md: ts, kind rank, canonical bytes). Stops at the first
  // non-OK status from fn or the store and returns it. fn always runs on the
  // calling thread, also with filter.read_ahead.
  virtual Status ScanEvents(const ScanFilter& filter,
                            const std::function<Status(uint64_t, const Event&)>& fn) = 0;

  // ---- checkpoints (meta "snap:" org before -> constant seqs, zstd(state)).
  // Appending an event of an org with ts < a checkpoint's `before`, or any
  // org.created / org.enforcement event of it, deletes the org's checkpoints
  // it invalidates in the same WriteBatch. Checkpoints are derived data: they
  // are not part of the chain, and a bad one is reported, never trusted.
  //
  // REQUIRES: opened writable and no batch open. Removes every checkpoint.
  virtual Status ClearCheckpoints() = 0;
  // REQUIRES: opened writable and no batch open.
  virtual Status PutCheckpoint(const std::string& org, const StateCheckpoint& cp) = 0;
  // The org's checkpoint with the largest `before` <= at, if any; kCorruption
  // when its bytes do not decompress.
  virtual Result<std::optional<StateCheckpoint>> FindCheckpoint(const std::string& org,
                                                                MicrosUtc at) = 0;

  // Calls fn for every BatchBegin / BatchEnd record in seq order.
  virtual Status ScanBatches(const std::function<Status(uint64_t, const StoredRecord&)>& fn) = 0;

  // Recomputes the integrity chain over every record and checks every index,
  // the head and the Merkle tree's stored nodes. kCorruption naming the first
  // bad seq and what is wrong (modified, missing, extra, out of order, bad
  // index entry, head mismatch, merkle leaf mismatch), or the bad merkle node.
  virtual Result<VerifyReport> Verify(const ProgressFn& progress) = 0;

  // ---- Merkle tree (evidence/merkle.h; kept in the merkle column family, in
  // the same WriteBatch as the records). Read with checksums verified.
  // Every call returns kFailedPrecondition when the tree is not available
  // (read-only open of a store made before it was kept: open it writable
  // once, e.g. with `authtrail ingest`, to build it), and kCorruption naming
  // the node when a node that must exist is missing or malformed.
  //
  // The tree over records 1..head().seq.
  virtual Result<TreeHead> TreeHeadAt() = 0;
  // The RFC 6962 audit path of record `seq` (leaf seq-1) in the tree of
  // records 1..tree_size. kInvalidArgument unless 1 <= seq <= tree_size <= head.
  virtual Result<std::vector<Digest>> InclusionProof(uint64_t seq, uint64_t tree_size) = 0;
  // The RFC 6962 consistency proof from the tree of records 1..m to the tree
  // of records 1..n. kInvalidArgument unless m <= n <= head.
  virtual Result<std::vector<Digest>> ConsistencyProof(uint64_t m, uint64_t n) = 0;
};

}  // namespace authtrail::store
