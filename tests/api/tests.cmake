# API tests: every tests/api/test_*.c is one cmocka program built with the
# harness; each runs twice, on SQLite and on a throw-away PostgreSQL
# cluster that the `pg` fixture starts (scripts/pg-test.sh) and removes.
#   ctest -R api/            both backends
#   ctest -R api/.*/sqlite   SQLite only
#   MOTCUA_TEST_FILTER='test_json*' ctest -R api/platform/sqlite   some tests only
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)

set(MOTCUA_API_PG_DIR ${CMAKE_BINARY_DIR}/api-pg)

add_test(NAME api/pg-start
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/pg-test.sh start ${MOTCUA_API_PG_DIR})
add_test(NAME api/pg-stop
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/pg-test.sh stop ${MOTCUA_API_PG_DIR})
set_tests_properties(api/pg-start PROPERTIES FIXTURES_SETUP pg TIMEOUT 120)
set_tests_properties(api/pg-stop PROPERTIES FIXTURES_CLEANUP pg TIMEOUT 120)

add_library(motcua_api_harness STATIC ${CMAKE_CURRENT_LIST_DIR}/harness.c
  ${CMAKE_CURRENT_LIST_DIR}/webhook_rx.c)
target_include_directories(motcua_api_harness PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(motcua_api_harness PUBLIC motcua_lib PkgConfig::CURL
  PkgConfig::JANSSON PkgConfig::CMOCKA)

file(GLOB API_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/test_*.c)
foreach(t ${API_TESTS})
  get_filename_component(prog ${t} NAME_WE)
  string(REGEX REPLACE "^test_" "" name ${prog})
  add_executable(api_${prog} ${t})
  target_link_libraries(api_${prog} PRIVATE motcua_api_harness)
  add_dependencies(api_${prog} motcua)
  foreach(backend sqlite pg)
    add_test(NAME api/${name}/${backend} COMMAND api_${prog})
    set_tests_properties(api/${name}/${backend} PROPERTIES
      ENVIRONMENT "MOTCUA_BIN=$<TARGET_FILE:motcua>;MOTCUA_WEB=${CMAKE_SOURCE_DIR}/web;MOTCUA_SOURCE_DIR=${CMAKE_SOURCE_DIR};MOTCUA_TEST_DB=${backend};MOTCUA_PG_DIR=${MOTCUA_API_PG_DIR}"
      TIMEOUT 300
      LABELS "api;${backend}")
  endforeach()
  set_tests_properties(api/${name}/pg PROPERTIES FIXTURES_REQUIRED pg)
endforeach()
