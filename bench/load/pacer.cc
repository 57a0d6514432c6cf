#include "pacer.h"

namespace fleetgate::bench {
namespace {

// How far behind its schedule the pacer catches up after a late wake-up (the bucket's depth).
constexpr std::chrono::milliseconds kDepth{100};

}  // namespace

Pacer::Pacer(double events_per_second, size_t batch, std::vector<LoadConnection*> connections)
    : events_per_second_(events_per_second),
      batch_(batch),
      period_(std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(static_cast<double>(batch) / events_per_second))),
      connections_(std::move(connections)) {}

Pacer::~Pacer() { Stop(); }

void Pacer::Start() {
  started_ = Clock::now();
  thread_ = std::thread([this] { Run(); });
}

void Pacer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  stopped_ = Clock::now();
}

void Pacer::Run() {
  Clock::time_point due = started_;
  size_t next = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_cv_.wait_until(lock, due, [this] { return stopping_; })) {
    lock.unlock();
    // Every slot due by now, up to the bucket's depth; older ones are skipped.
    const Clock::time_point now = Clock::now();
    if (now - due > kDepth) {
      late_.fetch_add(static_cast<uint64_t>((now - kDepth - due) / period_),
                      std::memory_order_relaxed);
      due += ((now - kDepth - due) / period_) * period_;
    }
    for (; due <= now; due += period_) {
      const bool taken = connections_[next++ % connections_.size()]->Offer();
      (taken ? offered_ : missed_).fetch_add(1, std::memory_order_relaxed);
    }
    lock.lock();
  }
}

nlohmann::ordered_json Pacer::Result() const {
  const double seconds = std::chrono::duration<double>(stopped_ - started_).count();
  const double offered = static_cast<double>(offered_.load() * batch_);
  return {{"target_events_per_second", events_per_second_},
          {"offered_events_per_second", seconds > 0 ? offered / seconds : 0},
          {"missed_slots", missed_.load()},
          {"late_slots", late_.load()}};
}

std::unique_ptr<Pacer> StartPacer(double rate, size_t batch,
                                  const std::vector<std::unique_ptr<LoadConnection>>& connections) {
  if (rate <= 0 || connections.empty()) return nullptr;
  std::vector<LoadConnection*> raw;
  for (const auto& connection : connections) raw.push_back(connection.get());
  auto pacer = std::make_unique<Pacer>(rate, batch, std::move(raw));
  pacer->Start();
  return pacer;
}

}  // namespace fleetgate::bench
