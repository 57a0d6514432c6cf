#pragma once
// Builders for ReportRequests in tests, and a stub factory for a running gateway.

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>

#include "fleetgate/v1/reporter.grpc.pb.h"

namespace fleetgate::testing {

using Labels = std::map<std::string, std::string>;

inline v1::Event CounterEvent(const std::string& name, double delta, const Labels& labels = {}) {
  v1::Event event;
  event.mutable_counter()->set_name(name);
  event.mutable_counter()->set_delta(delta);
  event.mutable_counter()->mutable_labels()->insert(labels.begin(), labels.end());
  return event;
}

inline v1::Event GaugeEvent(const std::string& name, double value, const Labels& labels = {}) {
  v1::Event event;
  event.mutable_gauge()->set_name(name);
  event.mutable_gauge()->set_value(value);
  event.mutable_gauge()->mutable_labels()->insert(labels.begin(), labels.end());
  return event;
}

inline v1::Event ObservationEvent(const std::string& name, double value) {
  v1::Event event;
  event.mutable_observation()->set_name(name);
  event.mutable_observation()->set_value(value);
  return event;
}

inline v1::Event HealthEvent(v1::HealthStatus status, const std::string& detail = "",
                             uint32_t ttl_seconds = 0) {
  v1::Event event;
  event.mutable_health()->set_status(status);
  event.mutable_health()->set_detail(detail);
  event.mutable_health()->set_ttl_seconds(ttl_seconds);
  return event;
}

inline v1::ReportRequest Batch(const std::string& service, const std::string& instance,
                               std::initializer_list<v1::Event> events, uint64_t batch_id = 1) {
  v1::ReportRequest request;
  request.mutable_source()->set_service(service);
  request.mutable_source()->set_instance(instance);
  request.mutable_source()->set_version("1.4.2");
  for (const auto& event : events) *request.add_events() = event;
  request.set_batch_id(batch_id);
  return request;
}

inline std::unique_ptr<v1::Reporter::Stub> ReporterStub(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(64 * 1024 * 1024);
  return v1::Reporter::NewStub(
      grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
}

inline grpc::Status Report(v1::Reporter::Stub& stub, const v1::ReportRequest& request,
                           v1::ReportResponse* response) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return stub.Report(&context, request, response);
}

}  // namespace fleetgate::testing
