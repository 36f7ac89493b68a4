# Fuzz targets: every tests/fuzz/fuzz_*.c.  In `make check` each is linked
# with replay.c and replays its corpus (tests/fuzz/corpus/<name>/) under
# ASan/UBSan; with -DMOTCUA_FUZZ=ON (clang) each becomes a libFuzzer binary
# for `make fuzz`.
file(GLOB FUZZ_TARGETS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_*.c)
foreach(t ${FUZZ_TARGETS})
  get_filename_component(name ${t} NAME_WE)
  string(REGEX REPLACE "^fuzz_" "" short ${name})
  if(MOTCUA_FUZZ)
    add_executable(${name} ${t})
    target_link_libraries(${name} PRIVATE motcua_lib)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  else()
    add_executable(replay_${short} ${t} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/replay.c)
    target_link_libraries(replay_${short} PRIVATE motcua_lib)
    add_test(NAME fuzz/${short} COMMAND replay_${short}
      ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${short})
  endif()
endforeach()
