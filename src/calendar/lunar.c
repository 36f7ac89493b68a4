/*
 * The Vietnamese lunisolar calendar (âm lịch), after Hồ Ngọc Đức,
 * "Thuật toán tính âm lịch" / "Computing the Vietnamese lunar calendar"
 * (https://www.informatik.uni-leipzig.de/~duc/amlich/calrules.html), whose
 * astronomy comes from Jean Meeus, "Astronomical Algorithms" (1998).
 *
 * The rules, all evaluated in local time UTC+7 (China's calendar uses +8,
 * which is why Tết 2030 is 2 February here and 3 February there):
 *   1. A lunar month starts on the day (local midnight to midnight) that
 *      holds the new moon (sóc).
 *   2. The 11th month is the one that holds the winter solstice (the sun
 *      reaching longitude 270°).
 *   3. A "sui" runs from one 11th month to the next.  When it holds 13
 *      months, the first month after the 11th that contains no major solar
 *      term (trung khí: the sun entering a 30° sector) is the leap month and
 *      carries the number of the month before it.
 * New moons: Meeus' series in the form Đức publishes (k counts lunations
 * from the new moon of 1900-01-01; T in Julian centuries; a ΔT correction).
 * Sun longitude: Meeus chapter 25 (geometric mean longitude, equation of
 * centre), corrected for nutation and aberration to the apparent longitude
 * as in Đức's own calendar program.
 *
 * Checked against Đức's published year tables (TK20..TK22) while writing
 * this file: 1968-2199 agree except for eight months (4/2054, 11/2072,
 * 10/2077, 4/2130, 5/2150, 4/2159, 1/2175, 1/2199) whose new moon this
 * series puts less than 3 minutes after local midnight; his tables (from a
 * finer ephemeris or another ΔT, presumably) put it just before, so the
 * month starts one day earlier there.  Before 1968 his tables follow
 * the UTC+8 calendar Vietnam used then; this file computes UTC+7 throughout,
 * as motcua needs the present-day calendar (docs/CALENDAR.md).
 *
 * Speed: computing a sui costs a few dozen trigonometric series, so the
 * whole 1899-2200 range (302 sui, about 20 KB) is computed once, on first
 * use, behind pthread_once; afterwards a conversion is a table lookup.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>

#include "../core/core.h"
#include "calendar.h"

/* Julian day number of 1970-01-01: day numbers are JDN minus this. */
#define JDN_EPOCH 2440588
#define TZ_HOURS 7.0
/* JDN of the new moon of 1900-01-01 (k = 0) and the mean synodic month. */
#define NEW_MOON_0 2415021.076998695
#define SYNODIC 29.530588853

/* Sui Y runs from the 11th month of solar year Y-1 to that of year Y; the
 * table covers Y = SUI_FIRST..SUI_LAST, i.e. solar 1900-01-01..2199-12-31
 * and a little beyond. */
#define SUI_FIRST 1900
#define SUI_LAST 2200
#define NSUI (SUI_LAST - SUI_FIRST + 1)

struct sui {
	int32_t start[14]; /* day numbers of the month starts, [n] = next sui */
	int8_t n; /* 12 or 13 months */
	int8_t leap; /* index of the leap month in start[], 0 when n == 12 */
};

static struct sui sui_tab[NSUI];
static pthread_once_t sui_once = PTHREAD_ONCE_INIT;

static int64_t
day_first, day_last; /* 1900-01-01 and 2199-12-31 as day numbers */

/* Julian date (TT, approximately) of the k-th new moon after 1900-01-01;
 * Meeus' classical series as given by Đức. */
static double
lunar_new_moon(int k)
{
	const double dr = M_PI / 180;
	double T = k / 1236.85, T2 = T * T, T3 = T2 * T;
	double jd1, M, Mpr, F, C1, deltat;

	jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * T2 -
	    0.000000155 * T3;
	jd1 += 0.00033 * sin((166.56 + 132.87 * T - 0.009173 * T2) * dr);
	M = 359.2242 + 29.10535608 * k - 0.0000333 * T2 - 0.00000347 * T3;
	Mpr = 306.0253 + 385.81691806 * k + 0.0107306 * T2 + 0.00001236 * T3;
	F = 21.2964 + 390.67050646 * k - 0.0016528 * T2 - 0.00000239 * T3;
	C1 = (0.1734 - 0.000393 * T) * sin(M * dr) + 0.0021 * sin(2 * dr * M);
	C1 = C1 - 0.4068 * sin(Mpr * dr) + 0.0161 * sin(dr * 2 * Mpr);
	C1 = C1 - 0.0004 * sin(dr * 3 * Mpr);
	C1 = C1 + 0.0104 * sin(dr * 2 * F) - 0.0051 * sin(dr * (M + Mpr));
	C1 = C1 - 0.0074 * sin(dr * (M - Mpr)) + 0.0004 * sin(dr * (2 * F + M));
	C1 = C1 - 0.0004 * sin(dr * (2 * F - M)) -
	    0.0006 * sin(dr * (2 * F + Mpr));
	C1 = C1 + 0.0010 * sin(dr * (2 * F - Mpr)) +
	    0.0005 * sin(dr * (2 * Mpr + M));
	/* ΔT (TT - UT) in days, two polynomial fits split at about 1800. */
	if (T < -11)
		deltat = 0.001 + 0.000839 * T + 0.0002261 * T2 -
		    0.00000845 * T3 - 0.000000081 * T * T3;
	else
		deltat = -0.000278 + 0.000265 * T + 0.000262 * T2;
	return jd1 + C1 - deltat;
}

/* Day number of the local (UTC+7) day holding the k-th new moon. */
static int64_t
lunar_new_moon_day(int k)
{
	return (int64_t)floor(lunar_new_moon(k) + 0.5 + TZ_HOURS / 24) -
	    JDN_EPOCH;
}

/* Apparent ecliptic longitude of the sun in radians [0, 2π) at Julian
 * date jd (Meeus ch. 25, low accuracy: about 0.01°). */
static double
lunar_sun_longitude(double jd)
{
	const double dr = M_PI / 180;
	double T = (jd - 2451545.0) / 36525, T2 = T * T;
	double M, L0, DL, L, omega;

	M = 357.52910 + 35999.05030 * T - 0.0001559 * T2 -
	    0.00000048 * T * T2; /* mean anomaly */
	L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2; /* mean longitude */
	DL = (1.914600 - 0.004817 * T - 0.000014 * T2) * sin(dr * M);
	DL = DL + (0.019993 - 0.000101 * T) * sin(dr * 2 * M) +
	    0.000290 * sin(dr * 3 * M);
	/* true longitude, then nutation and aberration */
	omega = 125.04 - 1934.136 * T;
	L = (L0 + DL - 0.00569 - 0.00478 * sin(omega * dr)) * dr;
	L = L - 2 * M_PI * floor(L / (2 * M_PI));
	return L;
}

/* Which 30° sector (0..11; 9 holds the winter solstice) the sun is in at
 * the start (local midnight) of day number day. */
static int
lunar_sun_sector(int64_t day)
{
	double jd = (double)(day + JDN_EPOCH) - 0.5 - TZ_HOURS / 24;

	return (int)floor(lunar_sun_longitude(jd) / M_PI * 6);
}

/* Lunation index k of the new moon starting on day number `day` (rounded
 * to the nearest mean lunation). */
static int
lunar_k_of(int64_t day)
{
	return (int)floor(((double)(day + JDN_EPOCH) - NEW_MOON_0) / SYNODIC + 0.5);
}

/* Start of the 11th lunar month of solar year y: the new moon before
 * 31 December, or the one before that if the sun is already past the
 * solstice sector at that new moon. */
static int64_t
lunar_month11(int y)
{
	int64_t dec31 = time_days_from_civil(y, 12, 31);
	int k = (int)floor(((double)(dec31 + JDN_EPOCH) - NEW_MOON_0) / SYNODIC);
	int64_t nm = lunar_new_moon_day(k);

	if (lunar_sun_sector(nm) >= 9)
		nm = lunar_new_moon_day(k - 1);
	return nm;
}

/* Index (1..12) of the leap month of the 13-month sui starting at a11: the
 * first month whose start lies in the same sun sector as the next month's
 * start, i.e. the month without a major term. */
static int
lunar_leap_offset(int64_t a11)
{
	int k = lunar_k_of(a11);
	int i = 1, last, arc = lunar_sun_sector(lunar_new_moon_day(k + 1));

	do {
		last = arc;
		i++;
		arc = lunar_sun_sector(lunar_new_moon_day(k + i));
	} while (arc != last && i < 14);
	return i - 1;
}

static void
lunar_init(void)
{
	int64_t a11 = lunar_month11(SUI_FIRST - 1);

	day_first = time_days_from_civil(CALENDAR_YEAR_MIN, 1, 1);
	day_last = time_days_from_civil(CALENDAR_YEAR_MAX, 12, 31);
	for (int y = SUI_FIRST; y <= SUI_LAST; y++) {
		struct sui *s = &sui_tab[y - SUI_FIRST];
		int64_t b11 = lunar_month11(y);
		int k = lunar_k_of(a11);

		s->n = b11 - a11 > 365 ? 13 : 12;
		for (int i = 0; i < s->n; i++)
			s->start[i] = (int32_t)lunar_new_moon_day(k + i);
		/* The next sui's 11th month, not the (k + n)th new moon: they are
		 * the same day by construction, and this keeps the table
		 * contiguous even if rounding ever disagreed. */
		s->start[s->n] = (int32_t)b11;
		s->start[0] = (int32_t)a11;
		s->leap = s->n == 13 ? (int8_t)lunar_leap_offset(a11) : 0;
		a11 = b11;
	}
}

static const struct sui *
lunar_sui(int y)
{
	pthread_once(&sui_once, lunar_init);
	if (y < SUI_FIRST || y > SUI_LAST)
		return NULL;
	return &sui_tab[y - SUI_FIRST];
}

int
lunar_from_days(int64_t days, struct lunar_date *out)
{
	const struct sui *s;
	int y, m, d, i, month, year, leap = 0;

	pthread_once(&sui_once, lunar_init);
	if (days < day_first || days > day_last)
		return -1;
	time_civil_from_days(days, &y, &m, &d);
	/* The 11th month of year y starts in late November or December, so
	 * the day lies in sui y or, from that month on, sui y + 1. */
	if ((s = lunar_sui(y)) != NULL && days >= s->start[s->n])
		s = lunar_sui(++y);
	if (s == NULL)
		return -1;
	for (i = s->n - 1; i > 0 && days < s->start[i]; i--)
		;
	/* Months of the sui: 11, 12, 1, 2, ...; from the leap month on the
	 * number lags one behind the index. */
	month = i + 11;
	if (s->leap && i >= s->leap) {
		month = i + 10;
		leap = i == s->leap;
	}
	if (month > 12)
		month -= 12;
	/* Months 11 and 12 at the head of sui y belong to lunar year y - 1. */
	year = month >= 11 && i < 4 ? y - 1 : y;
	out->day = (int)(days - s->start[i]) + 1;
	out->month = month;
	out->year = year;
	out->leap = leap;
	return 0;
}

int
lunar_from_solar(int y, int m, int d, struct lunar_date *out)
{
	if (y < CALENDAR_YEAR_MIN || y > CALENDAR_YEAR_MAX || m < 1 ||
	    m > 12 || d < 1 || d > time_days_in_month(y, m))
		return -1;
	return lunar_from_days(time_days_from_civil(y, m, d), out);
}

int
lunar_to_days(const struct lunar_date *ld, int64_t *days)
{
	const struct sui *s;
	int off, start, len;

	if (ld->month < 1 || ld->month > 12 || ld->day < 1 || ld->day > 30 ||
	    (ld->leap != 0 && ld->leap != 1))
		return -1;
	/* Months 11 and 12 (and a leap 11 or 12) of lunar year L open sui
	 * L + 1; the other months lie in sui L. */
	s = lunar_sui(ld->month >= 11 ? ld->year + 1 : ld->year);
	if (s == NULL)
		return -1;
	off = (ld->month + 1) % 12; /* index of the regular month: 11 -> 0 */
	if (s->leap) {
		int leap_month = (s->leap + 9) % 12 + 1;

		if (ld->leap && ld->month != leap_month)
			return -1;
		if (ld->leap || off >= s->leap)
			off++;
	} else if (ld->leap)
		return -1;
	start = s->start[off];
	len = s->start[off + 1] - start;
	if (ld->day > len)
		return -1;
	if (start + ld->day - 1 < day_first || start + ld->day - 1 > day_last)
		return -1;
	*days = start + ld->day - 1;
	return 0;
}

int
lunar_to_solar(const struct lunar_date *ld, int *y, int *m, int *d)
{
	int64_t days;

	if (lunar_to_days(ld, &days) == -1)
		return -1;
	time_civil_from_days(days, y, m, d);
	return 0;
}

int
lunar_leap_month(int year)
{
	const struct sui *s;

	if (year < CALENDAR_YEAR_MIN || year > CALENDAR_YEAR_MAX)
		return -1;
	/* Sui L holds months 11 and 12 of year L - 1, then months 1..10 of
	 * year L; a leap 11 or 12 of year L therefore sits at the head (index
	 * 1 or 2) of sui L + 1. */
	s = lunar_sui(year);
	if (s != NULL && s->leap >= 3)
		return (s->leap + 9) % 12 + 1;
	s = lunar_sui(year + 1);
	if (s != NULL && (s->leap == 1 || s->leap == 2))
		return s->leap + 10;
	return 0;
}

int
lunar_year_name(int year, char *out, size_t outsz)
{
	static const char *const can[10] = { "Giáp", "Ất", "Bính", "Đinh",
		"Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý" };
	static const char *const chi[12] = { "Tý", "Sửu", "Dần", "Mão",
		"Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi" };
	/* Year 4 (and every 60th year since) is Giáp Tý; keep the index
	 * non-negative for years before that. */
	int c = ((year + 6) % 10 + 10) % 10, z = ((year + 8) % 12 + 12) % 12;
	int r = snprintf(out, outsz, "%s %s", can[c], chi[z]);

	return r < 0 || (size_t)r >= outsz ? -1 : 0;
}
