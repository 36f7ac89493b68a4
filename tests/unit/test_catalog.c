/*
 * Catalogue logic without a database: Vietnamese folding for search,
 * query words, validation of procedure versions (bounds, enumerations, the
 * step budget) and the choice of the version in force on a date.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "catalog/catalog.h"
#include "core/config.h"

static void
fold_is(const char *in, const char *want)
{
	char out[512];
	int n = catalog_fold(in, out, sizeof(out));

	if (n < 0 || strcmp(out, want) != 0)
		fail_msg("fold(\"%s\") = \"%s\" (%d), want \"%s\"", in, out, n, want);
	assert_int_equal((size_t)n, strlen(want));
}

static void
test_fold_vietnamese(void **state)
{
	(void)state;
	/* Precomposed (NFC), as keyboards send it. */
	fold_is("Đăng ký khai sinh", "dang ky khai sinh");
	fold_is("ĐĂNG KÝ THƯỜNG TRÚ", "dang ky thuong tru");
	fold_is("đ Đ ă Ă â Â ê Ê ô Ô ơ Ơ ư Ư", "d d a a a a e e o o o o u u");
	/* Every tone on every vowel. */
	fold_is("àáảãạ ằắẳẵặ ầấẩẫậ èéẻẽẹ ềếểễệ", "aaaaa aaaaa aaaaa eeeee eeeee");
	fold_is("ìíỉĩị òóỏõọ ồốổỗộ ờớởỡợ ùúủũụ ừứửữự ỳýỷỹỵ",
	    "iiiii ooooo ooooo ooooo uuuuu uuuuu yyyyy");
	fold_is("ÀÁẢÃẠ ỲÝỶỸỴ ỨỪỬỮỰ", "aaaaa yyyyy uuuuu");
	/* Decomposed (NFD): base letters with combining marks. */
	fold_is("Đa\xCC\x86ng ky\xCC\x81 khai sinh", "dang ky khai sinh");
	fold_is("Thu\xCC\x9B\xCC\x80o\xCC\x9B\xCC\x80ng", "thuong");
	/* Punctuation, spaces and symbols become one separator, trimmed. */
	fold_is("  Giấy phép (xây dựng) — cấp II/III;  ", "giay phep xay dung cap ii iii");
	fold_is("1.001612", "1 001612");
	fold_is("000.00.00.H19", "000 00 00 h19");
	fold_is("50%_off\\x", "50 off x");
	fold_is("", "");
	/* Other Latin letters fold too; other scripts are kept as they are. */
	fold_is("Crème Brûlée Ærø Łódź", "creme brulee aro lodz");
}

static void
test_fold_edges(void **state)
{
	char out[8];

	(void)state;
	/* ß folds to one 's' (the table maps letters one to one). */
	{
		char big[64];

		assert_int_equal(catalog_fold("straße", big, sizeof(big)), 6);
		assert_string_equal(big, "strase");
		assert_int_equal(catalog_fold("Hà Nội 北京", big, sizeof(big)), 13);
		assert_string_equal(big, "ha noi 北京");
	}
	/* Invalid UTF-8: overlong, lone continuation, surrogate, truncated. */
	assert_int_equal(catalog_fold("\xC0\xAF", out, sizeof(out)), -1);
	assert_string_equal(out, "");
	assert_int_equal(catalog_fold("a\x80", out, sizeof(out)), -1);
	assert_int_equal(catalog_fold("\xED\xA0\x80", out, sizeof(out)), -1);
	assert_int_equal(catalog_fold("\xE1\xBB", out, sizeof(out)), -1);
	/* Too small: fails cleanly, never a truncated half. */
	assert_int_equal(catalog_fold("dang ky khai sinh", out, sizeof(out)), -1);
	assert_string_equal(out, "");
	assert_int_equal(catalog_fold("abcdefg", out, sizeof(out)), 7);
	assert_int_equal(catalog_fold("x", out, 0), -1);
	assert_int_equal(catalog_fold(NULL, out, sizeof(out)), 0);
}

static void
test_fold_matches_like_patterns(void **state)
{
	char out[256];

	(void)state;
	/* The folded text never contains LIKE's special characters. */
	assert_true(catalog_fold("100% _đúng_ \\ hạn", out, sizeof(out)) > 0);
	assert_null(strchr(out, '%'));
	assert_null(strchr(out, '_'));
	assert_null(strchr(out, '\\'));
	assert_string_equal(out, "100 dung han");
}

static void
test_query_tokens(void **state)
{
	char tok[CATALOG_QUERY_TOKENS][CATALOG_TOKEN_MAX + 1];
	char longq[400];

	(void)state;
	assert_int_equal(catalog_query_tokens("Đăng ký  đăng KÝ khai-sinh", tok,
	    CATALOG_QUERY_TOKENS), 4);
	assert_string_equal(tok[0], "dang");
	assert_string_equal(tok[1], "ky");
	assert_string_equal(tok[2], "khai");
	assert_string_equal(tok[3], "sinh");
	assert_int_equal(catalog_query_tokens("a b c d e f g h", tok, CATALOG_QUERY_TOKENS),
	    CATALOG_QUERY_TOKENS);
	assert_string_equal(tok[5], "f");
	assert_int_equal(catalog_query_tokens("  ... ", tok, CATALOG_QUERY_TOKENS), 0);
	assert_int_equal(catalog_query_tokens(NULL, tok, CATALOG_QUERY_TOKENS), 0);
	assert_int_equal(catalog_query_tokens("\xff", tok, CATALOG_QUERY_TOKENS), -1);
	memset(longq, 'a', 201);
	longq[201] = '\0';
	assert_int_equal(catalog_query_tokens(longq, tok, CATALOG_QUERY_TOKENS), -1);
	/* A long word is cut at CATALOG_TOKEN_MAX bytes. */
	memset(longq, 'b', 150);
	longq[150] = '\0';
	assert_int_equal(catalog_query_tokens(longq, tok, CATALOG_QUERY_TOKENS), 1);
	assert_int_equal(strlen(tok[0]), CATALOG_TOKEN_MAX);
}

/* ---- validation --------------------------------------------------------- */

static const char *const good_version =
    "{\"code\": \"H19-HT-01\", \"national_code\": null, \"name\": \"Đăng ký khai sinh\","
    " \"field\": \"ho-tich\", \"levels\": [\"commune\"],"
    " \"time_limit\": {\"value\": 3, \"unit\": \"day\", \"note\": \"03 ngày làm việc\"},"
    " \"cutoff\": \"15:00\", \"online\": {\"level\": 3, \"class\": \"partial\", \"url\": \"\"},"
    " \"channels\": [\"counter\", \"online\"],"
    " \"documents\": [{\"name\": \"Tờ khai\", \"originals\": 1, \"copies\": 0, \"required\": true}],"
    " \"fees\": [{\"kind\": \"fee\", \"name\": \"Lệ phí\", \"amount\": 0, \"per\": \"trường hợp\"}],"
    " \"steps\": [{\"name\": \"Tiếp nhận\", \"unit\": \"Một cửa\", \"role\": \"receiver\", \"hours\": 4},"
    "  {\"name\": \"Thẩm định\", \"unit\": \"Tư pháp\", \"role\": \"specialist\", \"hours\": 16},"
    "  {\"name\": \"Ký\", \"unit\": \"Lãnh đạo\", \"role\": \"leader\", \"hours\": 4}],"
    " \"legal_basis\": [{\"ref\": \"60/2014/QH13\", \"title\": \"Luật Hộ tịch\","
    "  \"issued_on\": \"2014-11-20\", \"issuer\": \"Quốc hội\"}],"
    " \"effective_from\": \"2016-01-01\", \"decision\": \"QĐ 1\"}";

static json_t *
parse(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, JSON_DECODE_ANY, &e);

	if (j == NULL)
		fail_msg("bad test JSON: %s", e.text);
	return j;
}

/* Validate good_version with one member replaced (value NULL: removed). */
static void
check_change(const char *key, const char *value, const char *want_error)
{
	struct catalog_errs errs;
	json_t *j = parse(good_version);
	int found = 0;

	memset(&errs, 0, sizeof(errs));
	if (value == NULL)
		json_object_del(j, key);
	else
		json_object_set_new(j, key, parse(value));
	catalog_validate_version(j, 1, NULL, "", &errs);
	for (size_t i = 0; i < errs.n; i++)
		if (strcmp(errs.e[i].name, want_error) == 0) {
			found = 1;
			assert_true(errs.e[i].vi[0] != '\0');
			assert_true(errs.e[i].en[0] != '\0');
		}
	if (want_error[0] == '\0' ? errs.total != 0 : !found)
		fail_msg("%s = %s: want error on \"%s\", got %zu errors (first: %s: %s)", key,
		    value ? value : "(removed)", want_error, errs.total, errs.n ? errs.e[0].name : "-",
		    errs.n ? errs.e[0].vi : "-");
	json_decref(j);
}

static void
test_validate_good(void **state)
{
	(void)state;
	check_change("authority", "\"Ủy ban nhân dân cấp xã\"", "");
	check_change("cutoff", "null", "");
	check_change("national_code", "\"1.001612\"", "");
	check_change("bundle", "\"lt-khai-sinh\"", "");
}

static void
test_validate_bad_fields(void **state)
{
	(void)state;
	check_change("name", NULL, "name");
	check_change("name", "\"\"", "name");
	check_change("name", "\"   \"", "name");
	check_change("name", "\"a\\u0001b\"", "name");
	check_change("name", "42", "name");
	check_change("code", "\"h19 ht\"", "code");
	check_change("national_code", "\"1.0016\"", "national_code");
	check_change("levels", "[]", "levels");
	check_change("levels", "[\"ward\"]", "levels[0]");
	check_change("levels", "[\"commune\", \"commune\"]", "levels[1]");
	check_change("channels", "[\"counter\"]", "channels"); /* level 3 needs online */
	check_change("online", "{\"level\": 5, \"class\": \"partial\"}", "online.level");
	check_change("online", "{\"level\": 3, \"class\": \"full\"}", "online.class");
	check_change("online", "{\"level\": 4, \"class\": \"partial\"}", "online.class");
	check_change("time_limit", "{\"value\": -1, \"unit\": \"day\"}", "time_limit.value");
	check_change("time_limit", "{\"value\": 3, \"unit\": \"week\"}", "time_limit.unit");
	check_change("time_limit", "{\"value\": 0, \"unit\": \"hour\"}", "time_limit.value");
	check_change("cutoff", "\"25:00\"", "cutoff");
	check_change("cutoff", "\"3pm\"", "cutoff");
	check_change("effective_from", "\"2021-02-30\"", "effective_from");
	check_change("effective_from", NULL, "effective_from");
	check_change("decision", NULL, "decision");
	check_change("legal_basis", "[]", "legal_basis");
	check_change("legal_basis", "[{\"ref\": \"x\"}]", "legal_basis[0].title");
	check_change("documents", "[{\"name\": \"Tờ khai\", \"originals\": 21, \"copies\": 0}]",
	    "documents[0].originals");
	check_change("documents", "[{\"name\": \"Tờ khai\", \"originals\": 1}]", "documents[0].copies");
	check_change("fees", "[{\"kind\": \"tip\", \"name\": \"x\"}]", "fees[0].kind");
	check_change("fees", "[{\"kind\": \"fee\", \"name\": \"x\", \"amount\": -5}]", "fees[0].amount");
	check_change("steps", "[{\"name\": \"x\", \"unit\": \"y\", \"role\": \"boss\", \"hours\": 1}]",
	    "steps[0].role");
	check_change("agencies", "{\"lead\": [\"H19\"]}", "agencies.lead[0]");
	check_change("agencies", "{\"lead\": [\"000.00.04.H19\", \"000.00.04.H19\"]}",
	    "agencies.lead[1]");
	check_change("colour", "\"blue\"", "colour");
}

static void
test_validate_step_budget(void **state)
{
	(void)state;
	/* 3 working days = 24 working hours: 4 + 16 + 4 fits exactly. */
	check_change("time_limit", "{\"value\": 3, \"unit\": \"day\"}", "");
	/* 2 days = 16 hours: the same steps (24 h) exceed it. */
	check_change("time_limit", "{\"value\": 2, \"unit\": \"day\"}", "steps");
	/* In hours: 24 h fits, 23 h does not. */
	check_change("time_limit", "{\"value\": 24, \"unit\": \"hour\"}", "");
	check_change("time_limit", "{\"value\": 23, \"unit\": \"hour\"}", "steps");
	/* A same-day limit (0 days) gives one working day (8 hours). */
	check_change("time_limit", "{\"value\": 0, \"unit\": \"day\"}", "steps");
	check_change("steps", "[{\"name\": \"a\", \"unit\": \"b\", \"role\": \"receiver\", \"hours\": 8}]",
	    "");
	assert_int_equal(catalog_budget_hours(CATALOG_DAYS, 0, 8), 8);
	assert_int_equal(catalog_budget_hours(CATALOG_DAYS, 15, 8), 120);
	assert_int_equal(catalog_budget_hours(CATALOG_HOURS, 4, 8), 4);
	assert_int_equal(catalog_budget_hours(CATALOG_DAYS, 2, 7), 14);
}

static void
test_validate_prefix_and_limits(void **state)
{
	struct catalog_errs errs;
	json_t *j = parse(good_version);

	(void)state;
	memset(&errs, 0, sizeof(errs));
	json_object_set_new(j, "name", json_integer(1));
	catalog_validate_version(j, 0, NULL, "versions[2].", &errs);
	/* without identity, "code" and "national_code" are unknown fields */
	assert_true(errs.total >= 3);
	assert_string_equal(errs.e[0].name, "versions[2].code");
	json_decref(j);
	/* Errors are counted past the kept maximum. */
	memset(&errs, 0, sizeof(errs));
	for (int i = 0; i < CATALOG_ERRS_MAX + 5; i++)
		catalog_err_add(&errs, "x", "lỗi %d", "error %d", i);
	assert_int_equal(errs.n, CATALOG_ERRS_MAX);
	assert_int_equal(errs.total, CATALOG_ERRS_MAX + 5);
	catalog_err_add(NULL, "x", "a", "b");
	/* Not an object at all. */
	memset(&errs, 0, sizeof(errs));
	j = json_array();
	catalog_validate_version(j, 1, NULL, "", &errs);
	assert_int_equal(errs.total, 1);
	json_decref(j);
}

static void
test_validate_agency_field_bundle(void **state)
{
	struct catalog_errs errs;
	json_t *j;

	(void)state;
	memset(&errs, 0, sizeof(errs));
	j = parse("{\"code\": \"000.00.01.H19\", \"parent\": \"000.00.00.H19\", \"kind\": \"center\","
	    " \"name\": \"Trung tâm Phục vụ hành chính công\", \"is_desk\": true,"
	    " \"receives_for\": [\"000.00.04.H19\"]}");
	catalog_validate_agency(j, 1, "", &errs);
	assert_int_equal(errs.total, 0);
	json_object_set_new(j, "is_desk", json_false());
	catalog_validate_agency(j, 1, "", &errs);
	assert_int_equal(errs.total, 1);
	assert_string_equal(errs.e[0].name, "receives_for");
	json_decref(j);

	memset(&errs, 0, sizeof(errs));
	j = parse("{\"code\": \"000.00.01.h19\", \"kind\": \"ministry\", \"name\": \"\"}");
	catalog_validate_agency(j, 1, "", &errs);
	assert_int_equal(errs.total, 3);
	json_decref(j);
	/* An update may not change the code. */
	memset(&errs, 0, sizeof(errs));
	j = parse("{\"code\": \"000.00.01.H19\", \"phone\": \"0251 3822 000\"}");
	catalog_validate_agency(j, 0, "", &errs);
	assert_int_equal(errs.total, 1);
	assert_string_equal(errs.e[0].name, "code");
	json_decref(j);

	memset(&errs, 0, sizeof(errs));
	j = parse("{\"code\": \"Ho Tich\", \"name\": \"Hộ tịch\"}");
	catalog_validate_field(j, "", &errs);
	assert_int_equal(errs.total, 1);
	json_decref(j);
	memset(&errs, 0, sizeof(errs));
	j = parse("{\"code\": \"lt-khai-sinh\", \"name\": \"Liên thông\", \"extra\": 1}");
	catalog_validate_bundle(j, "", &errs);
	assert_int_equal(errs.total, 1);
	assert_string_equal(errs.e[0].name, "extra");
	json_decref(j);
}

static void
test_codes(void **state)
{
	(void)state;
	assert_true(catalog_code_valid("H19-HT-01"));
	assert_true(catalog_code_valid("1.001612"));
	assert_false(catalog_code_valid("h19"));
	assert_false(catalog_code_valid("-H19"));
	assert_false(catalog_code_valid(""));
	assert_false(catalog_code_valid("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"));
	assert_true(catalog_national_code_valid("2.000986"));
	assert_false(catalog_national_code_valid("0.000986"));
	assert_false(catalog_national_code_valid("1-001612"));
	assert_true(catalog_agency_code_valid("000.00.00.H19"));
	assert_true(catalog_agency_code_valid("001.01.11.H19"));
	assert_false(catalog_agency_code_valid("000.00.00.119"));
	assert_false(catalog_agency_code_valid("000.00.00.H1"));
	assert_false(catalog_agency_code_valid(NULL));
}

/* ---- versions in force ---------------------------------------------------- */

static void
test_version_at(void **state)
{
	/* Đăng ký thường trú: Luật Cư trú 2006, then 2020, then abolished. */
	struct catalog_span v[] = {
		{ "2007-07-01", "2021-07-01" },
		{ "2021-07-01", "2030-01-01" },
	};
	struct catalog_span open[] = {
		{ "2021-07-01", NULL },
		{ "2007-07-01", "2021-07-01" }, /* any order */
	};
	struct catalog_span future[] = { { "2027-01-01", NULL } };
	struct catalog_span overlap[] = { { "2020-01-01", NULL }, { "2021-01-01", NULL } };

	(void)state;
	assert_int_equal(catalog_version_at(v, 2, "2007-06-30"), -1);
	assert_int_equal(catalog_version_at(v, 2, "2007-07-01"), 0);
	assert_int_equal(catalog_version_at(v, 2, "2021-06-30"), 0);
	assert_int_equal(catalog_version_at(v, 2, "2021-07-01"), 1); /* to is exclusive */
	assert_int_equal(catalog_version_at(v, 2, "2029-12-31"), 1);
	assert_int_equal(catalog_version_at(v, 2, "2030-01-01"), -1); /* abolished */
	assert_int_equal(catalog_version_at(open, 2, "2099-01-01"), 0);
	assert_int_equal(catalog_version_at(open, 2, "2010-01-01"), 1);
	assert_int_equal(catalog_version_at(future, 1, "2026-11-30"), -1);
	assert_int_equal(catalog_version_at(overlap, 2, "2022-01-01"), 1); /* later start wins */
	assert_int_equal(catalog_version_at(NULL, 0, "2022-01-01"), -1);
	assert_int_equal(catalog_version_at(v, 2, NULL), -1);
}

static int
setup(void **state)
{
	(void)state;
	config_defaults();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_vietnamese),
		cmocka_unit_test(test_fold_edges),
		cmocka_unit_test(test_fold_matches_like_patterns),
		cmocka_unit_test(test_query_tokens),
		cmocka_unit_test(test_validate_good),
		cmocka_unit_test(test_validate_bad_fields),
		cmocka_unit_test(test_validate_step_budget),
		cmocka_unit_test(test_validate_prefix_and_limits),
		cmocka_unit_test(test_validate_agency_field_bundle),
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_version_at),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
