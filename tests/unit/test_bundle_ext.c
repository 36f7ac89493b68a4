/*
 * Unit tests of the external systems' pure part: which webhook URLs motcua
 * accepts (https://, or http:// to this machine only; no credentials, no
 * blanks or control characters, at most 2048 bytes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "bundle/bundle.h"

static void
test_webhook_url(void **state)
{
	static const char *const good[] = {
		"https://cutru.dongnai.gov.vn/motcua/hook",
		"https://10.0.0.5:8443/hook?he-thong=cu-tru",
		"https://[2001:db8::1]/hook",
		"http://127.0.0.1:9000/hook",
		"http://localhost/hook",
		"http://[::1]:8080/",
		"https://thue.example",
	};
	static const char *const bad[] = {
		"", "https://", "http://", "ftp://example.com/hook", "example.com/hook",
		"http://example.com/hook", /* plain HTTP leaves the machine */
		"http://127.0.0.1.example.com/hook", "http://localhost.example.com/",
		"http://127.0.0.10/hook", "https://user:pw@cutru.example/hook",
		"https://cutru.example/hook with space", "https://cutru.example/\thook",
		"https://cutru.example/hồ-sơ", "https://:443/hook", "https:///hook",
	};
	char big[2100];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!bundle_external_url_ok(good[i]))
			fail_msg("refused %s", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (bundle_external_url_ok(bad[i]))
			fail_msg("accepted %s", bad[i]);
	assert_false(bundle_external_url_ok(NULL));
	memcpy(big, "https://a.example/", 18);
	memset(big + 18, 'x', sizeof(big) - 19);
	big[sizeof(big) - 1] = '\0';
	assert_false(bundle_external_url_ok(big));
	big[2048] = '\0';
	assert_true(bundle_external_url_ok(big));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_webhook_url),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
