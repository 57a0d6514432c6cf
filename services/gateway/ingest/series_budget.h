#pragma once
// StoreSeriesBudget: the metric store's limits.max_series_total as the health registry's
// SeriesBudget, so the registry's fleetgate_instance_* series count against the same cap as the
// reported series. Thread-safe (the store is).

#include "health/health_registry.h"
#include "metrics/metric_store.h"

namespace fleetgate::ingest {

class StoreSeriesBudget final : public health::SeriesBudget {
 public:
  explicit StoreSeriesBudget(metrics::MetricStore& store) : store_(store) {}
  bool TryReserve(size_t series) override { return store_.TryReserveSeries(series); }
  void Reserve(size_t series) override { store_.ReserveSeries(series); }
  void Release(size_t series) override { store_.ReleaseSeries(series); }

 private:
  metrics::MetricStore& store_;
};

}  // namespace fleetgate::ingest
