# Libraries of the slices beyond the platform, linked into motcua_lib.
# Included by the top CMakeLists.txt after motcua_lib exists.

# auth: argon2id password hashing (OWASP's first choice).
pkg_check_modules(ARGON2 REQUIRED IMPORTED_TARGET libargon2)
target_link_libraries(motcua_lib PUBLIC PkgConfig::ARGON2)

# report: XLSX exports of the official statistics (officials live in Excel).
pkg_check_modules(XLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)
target_link_libraries(motcua_lib PUBLIC PkgConfig::XLSXWRITER)
# dossier: QR codes of the public lookup link on receipts (libqrencode).
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
target_link_libraries(motcua_lib PUBLIC PkgConfig::QRENCODE)
