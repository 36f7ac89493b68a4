/*
 * Unit tests of the rating slice's pure parts: the level names the API
 * takes, the criterion names, and the satisfied rule of docs/RATING.md §4
 * (no answered criterion "dissatisfied"; feedback may be not applicable).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "rating/rating.h"

static void
test_levels(void **state)
{
	(void)state;
	assert_int_equal(rating_level_from("very_satisfied"), RL_VERY_SATISFIED);
	assert_int_equal(rating_level_from("satisfied"), RL_SATISFIED);
	assert_int_equal(rating_level_from("dissatisfied"), RL_DISSATISFIED);
	assert_int_equal(rating_level_from("Satisfied"), -1);
	assert_int_equal(rating_level_from("satisfied "), -1);
	assert_int_equal(rating_level_from(""), -1);
	assert_int_equal(rating_level_from(NULL), -1);
}

static void
test_criteria(void **state)
{
	static const char *const want[RCR__MAX] = { "access", "procedure", "officer", "result",
		"feedback" };

	(void)state;
	for (int i = 0; i < RCR__MAX; i++)
		assert_string_equal(rating_criterion_name((enum rating_criterion)i), want[i]);
	assert_null(rating_criterion_name(RCR__MAX));
}

static void
test_satisfied(void **state)
{
	static const struct {
		int score[RCR__MAX];
		int want;
	} cases[] = {
		{ { 2, 2, 2, 2, 2 }, 1 },
		{ { 1, 1, 1, 1, 1 }, 1 },
		{ { 2, 1, 2, 1, -1 }, 1 }, /* no feedback made: not applicable */
		{ { 0, 2, 2, 2, 2 }, 0 },
		{ { 2, 2, 2, 0, -1 }, 0 },
		{ { 2, 2, 2, 2, 0 }, 0 }, /* feedback handling answered dissatisfied */
		{ { 1, 0, 0, 0, 0 }, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (rating_satisfied(cases[i].score) != cases[i].want)
			fail_msg("case %zu: want %d", i, cases[i].want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_criteria),
		cmocka_unit_test(test_satisfied),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
