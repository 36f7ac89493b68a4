/*
 * Folding for diacritics-insensitive search.  Vietnamese writes its tones
 * and vowel marks either precomposed (NFC, what keyboards send) or as
 * combining marks (NFD, what some systems store); both fold to the same
 * ASCII letters, and đ/Đ (which Unicode does not decompose) fold to d.
 * The tables cover Latin-1, Latin Extended-A/B and Latin Extended
 * Additional (where every precomposed Vietnamese vowel with a tone lives);
 * they were generated from Unicode's canonical decompositions, with the
 * letters that have none (đ, ø, ł, ß, þ ...) mapped by hand.
 */
#include <string.h>

#include "../core/core.h"
#include "catalog.h"

/* U+00C0..U+024F.  A letter: its folded form; ' ': a separator (× ÷);
 * '*': kept as it is. */
static const char fold_latin[] =
    "aaaaaaaceeeeiiiidnooooo ouuuuytsaaaaaaaceeeeiiiidnooooo ouuuuyty"
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkklllllll"
    "lllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs"
    "b********d*************i********oo*************uu****zz*********"
    "*************aaiioouuuuuuuuuu*aaaa****ggkkoooo**j***gg**nnaa****"
    "aaaaeeeeiiiioooorrrruuuusstt**hh******aaeeooooooooyy************"
    "****************";

/* U+1E00..U+1EFF (ạ ả ấ ầ ẩ ẫ ậ ... ỹ). */
static const char fold_latin_ext[] =
    "aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmm"
    "mmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvv"
    "wwwwwwwwwwxxxxyyzzzzzzhtwy****s*aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeee"
    "eeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy******";

_Static_assert(sizeof(fold_latin) - 1 == 0x250 - 0xC0, "fold_latin covers U+00C0..U+024F");
_Static_assert(sizeof(fold_latin_ext) - 1 == 0x100, "fold_latin_ext covers U+1E00..U+1EFF");

/* Decode one code point of valid UTF-8 at s (n bytes left); its length in
 * *len, or -1 when malformed. */
static int32_t
fold_decode(const unsigned char *s, size_t n, size_t *len)
{
	int32_t cp;
	size_t k;

	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		k = 1;
		cp = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		k = 2;
		cp = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		k = 3;
		cp = s[0] & 0x07;
	} else
		return -1;
	if (n < k + 1)
		return -1;
	for (size_t i = 1; i <= k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*len = k + 1;
	return cp;
}

/* What a code point folds to: a letter or digit (returned), 0 for a
 * separator, -1 to drop it (combining marks), -2 to keep its bytes. */
static int
fold_class(int32_t cp)
{
	char m;

	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z')
			return cp - 'A' + 'a';
		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
			return cp;
		return 0;
	}
	if (cp < 0xC0)
		return 0; /* Latin-1 punctuation and symbols, NBSP */
	if (cp < 0x250)
		m = fold_latin[cp - 0xC0];
	else if (cp >= 0x0300 && cp <= 0x036F)
		return -1; /* combining diacritical marks */
	else if (cp >= 0x1E00 && cp <= 0x1EFF)
		m = fold_latin_ext[cp - 0x1E00];
	else if ((cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
	    (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF)
		return 0; /* general punctuation, spaces, variation selectors, BOM */
	else
		return -2;
	if (m == ' ')
		return 0;
	if (m == '*')
		return -2;
	return (unsigned char)m;
}

int
catalog_fold(const char *in, char *out, size_t outsz)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t n, i = 0, o = 0;
	int pending_space = 0;

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	if (in == NULL)
		return 0;
	n = strlen(in);
	while (i < n) {
		size_t len;
		int32_t cp = fold_decode(s + i, n - i, &len);
		int k;

		if (cp < 0) {
			out[0] = '\0';
			return -1;
		}
		k = fold_class(cp);
		if (k == -1) {
			i += len;
			continue;
		}
		if (k == 0) {
			pending_space = o > 0;
			i += len;
			continue;
		}
		/* Room for a pending space, the character and the NUL. */
		if (o + (size_t)pending_space + (k == -2 ? len : 1) + 1 > outsz) {
			out[0] = '\0';
			return -1;
		}
		if (pending_space)
			out[o++] = ' ';
		pending_space = 0;
		if (k == -2) {
			memcpy(out + o, s + i, len);
			o += len;
		} else
			out[o++] = (char)k;
		i += len;
	}
	out[o] = '\0';
	return (int)o;
}

int
catalog_query_tokens(const char *q, char tok[][CATALOG_TOKEN_MAX + 1], size_t max)
{
	char folded[1024];
	size_t nt = 0;
	char *p;

	if (q == NULL)
		return 0;
	if (!str_utf8_valid(q, strlen(q)) || str_utf8_len(q) > 200)
		return -1;
	if (catalog_fold(q, folded, sizeof(folded)) < 0)
		return -1;
	p = folded;
	while (*p != '\0' && nt < max) {
		size_t len = strcspn(p, " "), k = len;
		int dup = 0;

		if (k > CATALOG_TOKEN_MAX) {
			/* Cut at a character boundary. */
			k = CATALOG_TOKEN_MAX;
			while (k > 0 && ((unsigned char)p[k] & 0xC0) == 0x80)
				k--;
		}
		memcpy(tok[nt], p, k);
		tok[nt][k] = '\0';
		for (size_t j = 0; j < nt; j++)
			if (strcmp(tok[j], tok[nt]) == 0)
				dup = 1;
		if (!dup && k > 0)
			nt++;
		p += len;
		if (*p == ' ')
			p++;
	}
	return (int)nt;
}
