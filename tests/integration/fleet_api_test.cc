// The fleet REST API of the real binary, fed by health reports over gRPC.

#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gateway_process.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "http_client.h"
#include "report_builders.h"

namespace fleetgate::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class FleetApiTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> args = {}) {
    GatewayProcess::Options options;
    options.args = std::move(args);
    ASSERT_TRUE(gateway_.Start(options)) << gateway_.Log();
    stub_ = ReporterStub(gateway_.grpc_target());
  }

  void SendHealth(const std::string& service, const std::string& instance, v1::HealthStatus status,
                  const std::string& detail = "") {
    v1::ReportResponse response;
    ASSERT_TRUE(
        Report(*stub_, Batch(service, instance, {HealthEvent(status, detail)}), &response).ok());
    ASSERT_EQ(response.accepted(), 1u);
  }

  HttpResult Call(const std::string& method, const std::string& path,
                  const std::map<std::string, std::string>& headers = {}) {
    return HttpRequest(method, gateway_.http_base() + path, "", headers);
  }

  json GetJson(const std::string& path, long expected_status = 200) {
    HttpResult result = Call("GET", path);
    EXPECT_EQ(result.status, expected_status) << path << " " << result.body;
    EXPECT_EQ(result.headers["content-type"], "application/json") << path;
    return json::parse(result.body);
  }

  GatewayProcess gateway_;
  std::unique_ptr<v1::Reporter::Stub> stub_;
};

TEST_F(FleetApiTest, ListsServicesWithCountsAndWorstStatus) {
  Start();
  SendHealth("billing", "i-1", v1::HEALTH_STATUS_SERVING);
  SendHealth("billing", "i-2", v1::HEALTH_STATUS_DEGRADED, "db slow");
  SendHealth("search", "s-1", v1::HEALTH_STATUS_SERVING);
  json services = GetJson("/api/v1/services")["services"];
  ASSERT_EQ(services.size(), 2u);
  EXPECT_EQ(services[0]["service"], "billing");
  EXPECT_EQ(services[0]["instances"], 2);
  EXPECT_EQ(services[0]["worst_status"], "DEGRADED");
  EXPECT_EQ(services[0]["counts"]["SERVING"], 1);
  EXPECT_EQ(services[0]["counts"]["STALE"], 0);
  EXPECT_EQ(services[1]["worst_status"], "SERVING");
}

TEST_F(FleetApiTest, ShowsAServiceAndAnInstance) {
  Start();
  SendHealth("billing", "i-2", v1::HEALTH_STATUS_DEGRADED, "db slow");
  json service = GetJson("/api/v1/services/billing");
  ASSERT_EQ(service["instances"].size(), 1u);
  json instance = GetJson("/api/v1/services/billing/instances/i-2");
  EXPECT_EQ(instance["status"], "DEGRADED");
  EXPECT_EQ(instance["detail"], "db slow");
  EXPECT_EQ(instance["version"], "1.4.2");
  for (const char* field :
       {"first_seen", "last_seen", "last_change", "last_report", "expires_at"}) {
    std::string time = instance[field];
    EXPECT_EQ(time.size(), 24u) << field << " " << time;  // 2026-11-22T04:47:21.123Z
    EXPECT_EQ(time.back(), 'Z');
  }
  EXPECT_EQ(service["instances"][0], instance);
}

TEST_F(FleetApiTest, FleetSummaryCountsEverything) {
  Start();
  SendHealth("billing", "i-1", v1::HEALTH_STATUS_NOT_SERVING);
  SendHealth("search", "s-1", v1::HEALTH_STATUS_SERVING);
  json summary = GetJson("/api/v1/fleet/summary");
  EXPECT_EQ(summary["services"], 2);
  EXPECT_EQ(summary["instances"], 2);
  EXPECT_EQ(summary["worst_status"], "NOT_SERVING");
  EXPECT_EQ(summary["counts"]["NOT_SERVING"], 1);
  EXPECT_EQ(summary["services_not_serving"], json::array({"billing"}));
}

TEST_F(FleetApiTest, InstancesLapseToStaleAfterTheirTtl) {
  Start();
  v1::ReportResponse response;
  ASSERT_TRUE(Report(*stub_,
                     Batch("billing", "i-1", {HealthEvent(v1::HEALTH_STATUS_SERVING, "", 1)}),
                     &response)
                  .ok());
  EXPECT_TRUE(Eventually(
      [&] { return GetJson("/api/v1/services/billing/instances/i-1")["status"] == "STALE"; }));
  std::string metrics = Call("GET", "/metrics").body;
  EXPECT_THAT(
      metrics,
      HasSubstr(
          "fleetgate_instance_status{instance=\"i-1\",service=\"billing\",status=\"STALE\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("fleetgate_instance_up{instance=\"i-1\",service=\"billing\"} 0"));
}

TEST_F(FleetApiTest, UnknownThingsAre404WithJsonErrors) {
  Start();
  json error = GetJson("/api/v1/services/nope", 404)["error"];
  EXPECT_EQ(error["code"], "service_not_found");
  EXPECT_THAT(error["message"].get<std::string>(), HasSubstr("nope"));
  EXPECT_EQ(GetJson("/api/v1/services/nope/instances/x", 404)["error"]["code"],
            "instance_not_found");
  EXPECT_EQ(GetJson("/no/such/route", 404)["error"]["code"], "not_found");
}

TEST_F(FleetApiTest, WrongMethodsAre405WithAllow) {
  Start();
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    HttpResult result = Call(method, "/api/v1/services");
    EXPECT_EQ(result.status, 405) << method;
    EXPECT_EQ(json::parse(result.body)["error"]["code"], "method_not_allowed");
    EXPECT_THAT(result.headers["allow"], HasSubstr("GET"));
  }
}

TEST_F(FleetApiTest, DeregisterRemovesAnInstance) {
  Start();
  SendHealth("billing", "i-1", v1::HEALTH_STATUS_SERVING);
  EXPECT_EQ(Call("DELETE", "/api/v1/services/billing/instances/i-1").status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/services/billing/instances/i-1").status, 404);
  EXPECT_EQ(Call("DELETE", "/api/v1/services/billing/instances/i-1").status, 404);
}

TEST_F(FleetApiTest, AdminTokenGuardsDeregistration) {
  GatewayProcess guarded;
  GatewayProcess::Options options;
  options.env["FLEETGATE_HTTP_ADMIN_TOKEN"] = "s3cret";
  ASSERT_TRUE(guarded.Start(options)) << guarded.Log();
  auto stub = ReporterStub(guarded.grpc_target());
  v1::ReportResponse response;
  ASSERT_TRUE(
      Report(*stub, Batch("billing", "i-1", {HealthEvent(v1::HEALTH_STATUS_SERVING)}), &response)
          .ok());
  std::string url = guarded.http_base() + "/api/v1/services/billing/instances/i-1";
  EXPECT_EQ(HttpRequest("DELETE", url).status, 401);
  EXPECT_EQ(HttpRequest("DELETE", url, "", {{"Authorization", "Bearer wrong"}}).status, 401);
  EXPECT_EQ(HttpRequest("DELETE", url, "", {{"Authorization", "Bearer s3cret"}}).status, 204);
}

TEST_F(FleetApiTest, ServesGrpcHealthAndReflection) {
  Start();
  auto channel = grpc::CreateChannel(gateway_.grpc_target(), grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::health::v1::HealthCheckResponse reply;
  ASSERT_TRUE(health->Check(&context, grpc::health::v1::HealthCheckRequest(), &reply).ok());
  EXPECT_EQ(reply.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  // Reflection: ask for the list of services with a raw ServerReflectionInfo stream.
  grpc::GenericStub generic(channel);
  grpc::ClientContext reflection_context;
  reflection_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::CompletionQueue queue;
  void* tag = nullptr;
  bool ok = false;
  auto call =
      generic.PrepareCall(&reflection_context,
                          "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &queue);
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(queue.Next(&tag, &ok) && ok);
  const char list_services[] = {0x3a, 0x00};  // field 7 (list_services) = ""
  grpc::Slice slice(list_services, sizeof list_services);
  grpc::ByteBuffer request(&slice, 1);
  call->Write(request, reinterpret_cast<void*>(2));
  ASSERT_TRUE(queue.Next(&tag, &ok) && ok);
  grpc::ByteBuffer reply_buffer;
  call->Read(&reply_buffer, reinterpret_cast<void*>(3));
  ASSERT_TRUE(queue.Next(&tag, &ok) && ok);
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(reply_buffer.Dump(&slices).ok());
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_THAT(bytes, HasSubstr("fleetgate.v1.Reporter"));
  EXPECT_THAT(bytes, HasSubstr("grpc.health.v1.Health"));
  reflection_context.TryCancel();
  grpc::Status finish_status;
  call->Finish(&finish_status, reinterpret_cast<void*>(4));
  while (queue.Next(&tag, &ok) && tag != reinterpret_cast<void*>(4)) {
  }
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
}

}  // namespace
}  // namespace fleetgate::testing
