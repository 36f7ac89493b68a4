# Browser tests: headless Debian chromium driven by playwright-core, pages
# checked with axe-core, run by node's own test runner against the real
# motcua binary. Included from tests/CMakeLists.txt.
#
# Needs node (>= 20) and tests/e2e/node_modules (scripts/deps.sh runs
# `npm install` there). A missing node makes the test fail, not vanish.
find_program(NODE_EXECUTABLE NAMES node nodejs)
if(NOT NODE_EXECUTABLE)
  message(WARNING "node not found: the e2e test will fail; run scripts/deps.sh")
  set(NODE_EXECUTABLE node)
endif()

# One CTest entry per file so `ctest -j` runs them side by side and a slow
# machine times out one file, not the whole suite.
file(GLOB e2e_files RELATIVE ${CMAKE_SOURCE_DIR}/tests/e2e
  CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/e2e/*.test.mjs)
foreach(f ${e2e_files})
  string(REGEX REPLACE "\\.test\\.mjs$" "" name ${f})
  add_test(NAME e2e/${name}
    COMMAND ${NODE_EXECUTABLE} --test --test-reporter=spec ${f}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/tests/e2e)
  set_tests_properties(e2e/${name} PROPERTIES
    ENVIRONMENT "MOTCUA_BIN=$<TARGET_FILE:motcua>;MOTCUA_WEB=${CMAKE_SOURCE_DIR}/web"
    TIMEOUT 600
    LABELS "e2e")
endforeach()
