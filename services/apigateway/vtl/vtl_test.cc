#include "services/apigateway/vtl/vtl.h"

#include <gtest/gtest.h>

namespace nimbus::apigateway::vtl {
namespace {

TEST(VtlTest, PlainTextPassesThrough) {
  EXPECT_EQ(Render("hello", RenderInput{}), "hello");
}

}  // namespace
}  // namespace nimbus::apigateway::vtl
