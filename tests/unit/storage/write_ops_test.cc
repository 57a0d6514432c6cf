#include "storage/write_ops.h"

#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage_fixture.h"

namespace fleetgate::storage {
namespace {

class WriteOpsTest : public StorageTest {
 protected:
  static TransitionRecord Transition(const std::string& instance) {
    return TransitionRecord{"checkout", instance, "", "SERVING", "", TimePoint{}};
  }

  static size_t Cached(NameIds& ids, const std::string& instance) {
    auto service = ids.services().find("checkout");
    return service == ids.services().end() ? 0 : service->second.instances.count(instance);
  }
};

TEST_F(WriteOpsTest, AForgottenInstanceLeavesTheNameCacheAndIsLookedUpAgainWhenItReturns) {
  Database database(Options());
  SqliteConnection connection = database.Connect(ConnectionRole::kWriter);
  NameIds ids;
  ASSERT_EQ(WriteBatch(connection, {Transition("pod-1"), Transition("pod-2")}, ids), 2);
  const int64_t first_id = ids.services()["checkout"].instances["pod-1"];
  WriteBatch(connection, {DeleteState{"checkout", "pod-1"}}, ids);
  EXPECT_EQ(Cached(ids, "pod-1"), 0u);
  EXPECT_EQ(Cached(ids, "pod-2"), 1u);
  ASSERT_EQ(WriteBatch(connection, {Transition("pod-1")}, ids), 1);
  EXPECT_EQ(ids.services()["checkout"].instances["pod-1"], first_id);
  EXPECT_EQ(connection.QueryInt("SELECT COUNT(*) FROM instances"), 2);
  EXPECT_EQ(connection.QueryInt("SELECT COUNT(*) FROM health_transitions"), 3);
}

}  // namespace
}  // namespace fleetgate::storage
