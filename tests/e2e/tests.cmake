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

add_test(NAME e2e
  COMMAND ${NODE_EXECUTABLE} --test --test-reporter=spec
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/tests/e2e)
set_tests_properties(e2e PROPERTIES
  ENVIRONMENT "MOTCUA_BIN=$<TARGET_FILE:motcua>;MOTCUA_WEB=${CMAKE_SOURCE_DIR}/web"
  TIMEOUT 900
  LABELS "e2e")
