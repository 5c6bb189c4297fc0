#include "store/group_writer.h"

#include "store/rocks.h"

namespace authtrail::store::store_internal {

GroupWriter::GroupWriter(rocksdb::DB* db) : db_(db), thread_([this] { Run(); }) {}

GroupWriter::~GroupWriter() {
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !in_flight_; });
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Status GroupWriter::Submit(std::unique_ptr<rocksdb::WriteBatch> batch) {
  AT_RETURN_IF_ERROR(Wait());
  {
    std::lock_guard lock(mu_);
    batch_ = std::move(batch);
    in_flight_ = true;
  }
  cv_.notify_all();
  return Status::Ok();
}

Status GroupWriter::Wait() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return !in_flight_; });
  rocksdb::Status result = std::move(result_);
  result_ = rocksdb::Status::OK();
  return FromRocks(result, "cannot write to the store");
}

std::unique_ptr<rocksdb::WriteBatch> GroupWriter::TakeBack() {
  std::lock_guard lock(mu_);
  return in_flight_ ? nullptr : std::move(batch_);
}

void GroupWriter::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return in_flight_ || stop_; });
    if (stop_ && !in_flight_) return;
    rocksdb::WriteBatch* batch = batch_.get();
    lock.unlock();
    rocksdb::Status s = db_->Write(rocksdb::WriteOptions(), batch);
    lock.lock();
    result_ = std::move(s);
    in_flight_ = false;
    cv_.notify_all();
  }
}

}  // namespace authtrail::store::store_internal
