#include "health/health_registry.h"

#include <algorithm>

namespace fleetgate::health {
namespace {

using std::chrono::milliseconds;

}  // namespace

HealthRegistry::HealthRegistry(RegistryOptions options, std::shared_ptr<const Clock> clock,
                               TransitionSink* sink, SeriesBudget* budget)
    : options_(options), clock_(std::move(clock)), sink_(sink), budget_(budget) {}

bool HealthRegistry::RoomLocked(std::string_view service) const {
  if (instance_count_ >= options_.max_instances) return false;
  auto service_it = services_.find(service);
  return service_it == services_.end() ||
         service_it->second.size() < options_.max_instances_per_service;
}

bool HealthRegistry::Admissible(std::string_view service, std::string_view instance) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto service_it = services_.find(service);
  if (service_it != services_.end() && service_it->second.count(instance) > 0) return true;
  if (!RoomLocked(service)) return false;
  // A probe of the budget: taken and given back at once.
  if (budget_ == nullptr) return true;
  if (!budget_->TryReserve(kSeriesPerInstance)) return false;
  budget_->Release(kSeriesPerInstance);
  return true;
}

void HealthRegistry::Forgotten(size_t instances) {
  instance_count_ -= instances;
  if (budget_ != nullptr) budget_->Release(instances * kSeriesPerInstance);
}

bool HealthRegistry::Seen(std::string_view service, std::string_view instance,
                          std::string_view version) {
  const TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(mutex_);
  Instance* touched = Touch(service, instance, version, now);
  if (touched == nullptr) return false;
  Instance& entry = *touched;
  // Until an instance reports its health, any event is its heartbeat.
  if (!entry.last_report) {
    entry.expires_at = now + options_.default_ttl;
    if (entry.status == Status::kStale) SetStatus(entry, Status::kUnknown, "", now);
    if (entry.maintenance && entry.maintenance->reported == Status::kStale) {
      entry.maintenance->reported = Status::kUnknown;
    }
  }
  return true;
}

bool HealthRegistry::Report(std::string_view service, std::string_view instance,
                            std::string_view version, const HealthReport& report) {
  const TimePoint now = clock_->Now();
  milliseconds ttl = report.ttl.count() > 0 ? milliseconds(report.ttl) : options_.default_ttl;
  ttl = std::min(ttl, options_.max_ttl);
  std::lock_guard<std::mutex> lock(mutex_);
  Instance* touched = Touch(service, instance, version, now, report.status, report.detail);
  if (touched == nullptr) return false;
  Instance& entry = *touched;
  entry.checks = report.checks;
  entry.last_report = now;
  entry.ttl = ttl;
  entry.expires_at = now + ttl;
  SetReported(entry, report.status, report.detail, now);
  return true;
}

void HealthRegistry::SetReported(Instance& entry, Status status, const std::string& detail,
                                 TimePoint when) {
  if (entry.maintenance) {
    entry.maintenance->reported = status;
    entry.maintenance->reported_detail = detail;
  } else if (entry.status != status) {
    SetStatus(entry, status, detail, when);
  } else {
    entry.detail = detail;
  }
}

bool HealthRegistry::StartMaintenance(std::string_view service, std::string_view instance,
                                      TimePoint until, std::string reason) {
  const TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(mutex_);
  Instance* entry = FindLocked(service, instance);
  if (entry == nullptr) return false;
  if (entry->maintenance) {
    entry->maintenance->until = until;
    entry->maintenance->reason = reason;
    entry->detail = std::move(reason);
    return true;
  }
  entry->maintenance = Maintenance{until, reason, entry->status, entry->detail};
  SetStatus(*entry, Status::kMaintenance, reason, now);
  return true;
}

bool HealthRegistry::EndMaintenance(std::string_view service, std::string_view instance) {
  const TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(mutex_);
  Instance* entry = FindLocked(service, instance);
  if (entry == nullptr || !entry->maintenance) return false;
  FinishMaintenance(*entry, now, "maintenance ended");
  return true;
}

void HealthRegistry::FinishMaintenance(Instance& entry, TimePoint when, const char* why) {
  Maintenance window = std::move(*entry.maintenance);
  entry.maintenance.reset();
  std::string detail = window.reported_detail.empty() ? why : window.reported_detail;
  SetStatus(entry, window.reported, detail, when);
}

Instance* HealthRegistry::FindLocked(std::string_view service, std::string_view instance) {
  auto service_it = services_.find(service);
  if (service_it == services_.end()) return nullptr;
  auto it = service_it->second.find(instance);
  return it == service_it->second.end() ? nullptr : &it->second;
}

Instance* HealthRegistry::Touch(std::string_view service, std::string_view instance,
                                std::string_view version, TimePoint now, Status first_status,
                                const std::string& first_detail) {
  auto service_it = services_.find(service);
  auto it =
      service_it == services_.end() ? Instances::iterator{} : service_it->second.find(instance);
  if (service_it == services_.end() || it == service_it->second.end()) {
    if (!RoomLocked(service)) return nullptr;
    if (budget_ != nullptr && !budget_->TryReserve(kSeriesPerInstance)) return nullptr;
    if (service_it == services_.end()) {
      service_it = services_.emplace(std::string(service), Instances{}).first;
    }
    ++instance_count_;
    Instance fresh;
    fresh.service = std::string(service);
    fresh.instance = std::string(instance);
    fresh.version = std::string(version);
    fresh.first_seen = fresh.last_seen = fresh.status_since = now;
    fresh.ttl = options_.default_ttl;
    fresh.expires_at = now + options_.default_ttl;
    fresh.status = first_status;
    fresh.detail = first_detail;
    it = service_it->second.emplace(fresh.instance, std::move(fresh)).first;
    Emit({it->second.service, it->second.instance, std::nullopt, first_status, first_detail, now},
         &it->second);
  }
  Instance& entry = it->second;
  entry.last_seen = now;
  if (!version.empty() && entry.version != version) entry.version = std::string(version);
  return &entry;
}

void HealthRegistry::SetStatus(Instance& instance, Status status, const std::string& detail,
                               TimePoint when) {
  StatusChange transition{
      instance.service, instance.instance, instance.status, status, detail, when};
  instance.status = status;
  instance.detail = detail;
  instance.status_since = when;
  Emit(transition, &instance);
}

void HealthRegistry::Emit(const StatusChange& transition, const Instance* instance) {
  if (sink_ != nullptr) sink_->OnTransition(transition, instance);
}

void HealthRegistry::Sweep() {
  const TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto service_it = services_.begin(); service_it != services_.end();) {
    Instances& instances = service_it->second;
    for (auto it = instances.begin(); it != instances.end();) {
      Instance& entry = it->second;
      if (entry.maintenance && now >= entry.maintenance->until) {
        FinishMaintenance(entry, entry.maintenance->until, "maintenance window ended");
      }
      const bool stale = entry.maintenance ? entry.maintenance->reported == Status::kStale
                                           : entry.status == Status::kStale;
      if (!stale && now >= entry.expires_at) {
        SetReported(entry, Status::kStale, "no health report within its TTL",
                    std::max(entry.expires_at, entry.status_since));
      }
      if (entry.status == Status::kStale && now - entry.status_since >= options_.forget_after) {
        if (sink_ != nullptr) sink_->OnForgotten(entry);
        it = instances.erase(it);
        Forgotten(1);
      } else {
        ++it;
      }
    }
    service_it = instances.empty() ? services_.erase(service_it) : std::next(service_it);
  }
}

bool HealthRegistry::Deregister(std::string_view service, std::string_view instance) {
  const TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(mutex_);
  auto service_it = services_.find(service);
  if (service_it == services_.end()) return false;
  auto it = service_it->second.find(instance);
  if (it == service_it->second.end()) return false;
  Emit({it->second.service, it->second.instance, it->second.status, std::nullopt, "deregistered",
        now},
       nullptr);
  service_it->second.erase(it);
  Forgotten(1);
  if (service_it->second.empty()) services_.erase(service_it);
  return true;
}

void HealthRegistry::Restore(Instance instance) {
  std::lock_guard<std::mutex> lock(mutex_);
  Instances& instances = services_[instance.service];
  std::string name = instance.instance;
  // Restored instances are not capped: they were accepted before the restart.
  if (instances.insert_or_assign(std::move(name), std::move(instance)).second) {
    ++instance_count_;
    if (budget_ != nullptr) budget_->Reserve(kSeriesPerInstance);
  }
}

std::vector<ServiceSummary> HealthRegistry::Services() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<ServiceSummary> out;
  out.reserve(services_.size());
  for (const auto& [name, instances] : services_) {
    ServiceSummary summary;
    summary.service = name;
    for (Status status : kAllStatuses) summary.counts[status] = 0;
    summary.worst = Status::kServing;
    for (const auto& [id, entry] : instances) {
      ++summary.counts[entry.status];
      if (Severity(entry.status) > Severity(summary.worst)) summary.worst = entry.status;
    }
    summary.instances = instances.size();
    out.push_back(std::move(summary));
  }
  return out;
}

std::vector<Instance> HealthRegistry::ServiceInstances(std::string_view service) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Instance> out;
  auto it = services_.find(service);
  if (it == services_.end()) return out;
  for (const auto& [id, entry] : it->second) out.push_back(entry);
  return out;
}

std::optional<Instance> HealthRegistry::Find(std::string_view service,
                                             std::string_view instance) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto service_it = services_.find(service);
  if (service_it == services_.end()) return std::nullopt;
  auto it = service_it->second.find(instance);
  if (it == service_it->second.end()) return std::nullopt;
  return it->second;
}

std::vector<Instance> HealthRegistry::Snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Instance> out;
  for (const auto& [name, instances] : services_) {
    for (const auto& [id, entry] : instances) out.push_back(entry);
  }
  return out;
}

size_t HealthRegistry::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t total = 0;
  for (const auto& [name, instances] : services_) total += instances.size();
  return total;
}

}  // namespace fleetgate::health
