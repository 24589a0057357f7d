# Helpers shared by every directory: warnings, sanitizers, libraries and tests.

set(NIMBUS_WARNINGS -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(NIMBUS_WERROR)
  list(APPEND NIMBUS_WARNINGS -Werror)
endif()
if(NIMBUS_FUZZ)
  # Every library is instrumented for coverage so the fuzzer sees into the codecs.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
endif()
if(NIMBUS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# Asio keeps freed handler and coroutine-frame memory for reuse, by default two blocks per kind
# per thread; a request holds about a dozen coroutine frames at once, so most of them went back
# to malloc (memalign) and free every time. Every translation unit must agree on the value.
add_compile_definitions(BOOST_ASIO_RECYCLING_ALLOCATOR_CACHE_SIZE=16)

# nimbus_add_library(NAME x SOURCES ... LIBS ...)
function(nimbus_add_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBS" ${ARGN})
  add_library(${ARG_NAME} STATIC ${ARG_SOURCES})
  target_include_directories(${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR} ${RAPIDJSON_INCLUDE_DIR})
  target_compile_options(${ARG_NAME} PRIVATE ${NIMBUS_WARNINGS})
  target_compile_definitions(${ARG_NAME} PUBLIC BOOST_ASIO_NO_DEPRECATED
    RAPIDJSON_HAS_STDSTRING=1 NIMBUS_VERSION="${PROJECT_VERSION}")
  target_link_libraries(${ARG_NAME} PUBLIC ${ARG_LIBS})
endfunction()

# nimbus_add_test(NAME x SOURCES ... LIBS ...): one GoogleTest executable, ctest label `unit`.
function(nimbus_add_test)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBS" ${ARGN})
  if(NOT NIMBUS_BUILD_TESTS)
    return()
  endif()
  find_package(GTest REQUIRED)
  include(GoogleTest)
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_compile_options(${ARG_NAME} PRIVATE ${NIMBUS_WARNINGS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${ARG_NAME} PROPERTIES LABELS unit DISCOVERY_TIMEOUT 30)
endfunction()
