/* Passwords: the policy (ASVS 2.1) and argon2id hashing (libargon2) with
 * the costs from the config; hashes are stored in argon2's encoded form so
 * old costs keep verifying and are upgraded at the next sign-in. */
#include <argon2.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../core/config.h"
#include "auth.h"

#define PW_SALT_LEN 16
#define PW_HASH_LEN 32

/* A few of the most used passwords that pass the length rule; the list is
 * short on purpose (a breached-password service is an operator's choice). */
static const char *const pw_common[] = {
	"123456789012", "1234567890123", "12345678901234", "123456789123",
	"000000000000", "111111111111", "123123123123", "qwertyuiopas",
	"qwerty123456", "password1234", "passwordpassword", "matkhau12345",
	"matkhau123456", "matkhaumoi123", "abc123456789", "1q2w3e4r5t6y",
	"qwertyuiop123", "iloveyou1234", "admin1234567", "administrator",
	"motcua123456", "motcuadientu", "12345678abcd", "abcd12345678",
};

enum pw_verdict
auth_password_check(const char *pw, const char *username)
{
	size_t bytes, chars;

	if (pw == NULL)
		return PW_TOO_SHORT;
	bytes = strlen(pw);
	if (bytes > AUTH_PASSWORD_MAX_BYTES || !str_utf8_valid(pw, bytes))
		return bytes > AUTH_PASSWORD_MAX_BYTES ? PW_TOO_LONG : PW_BAD_TEXT;
	for (size_t i = 0; i < bytes; i++)
		if ((unsigned char)pw[i] < 0x20 || pw[i] == 0x7f)
			return PW_BAD_TEXT;
	chars = str_utf8_len(pw);
	if (chars < (size_t)config_int(CFG_PASSWORD_MIN_LENGTH))
		return PW_TOO_SHORT;
	if (chars > AUTH_PASSWORD_MAX)
		return PW_TOO_LONG;
	if (username != NULL && strcasecmp(pw, username) == 0)
		return PW_SAME_AS_USERNAME;
	for (size_t i = 0; i < CORE_NELEM(pw_common); i++)
		if (strcasecmp(pw, pw_common[i]) == 0)
			return PW_COMMON;
	return PW_OK;
}

void
auth_password_reason(enum pw_verdict v, int en, char *out, size_t outsz)
{
	const char *msg = "?";

	switch (v) {
	case PW_OK:
		msg = en ? "Acceptable." : "Hợp lệ.";
		break;
	case PW_TOO_SHORT:
		snprintf(out, outsz, en ? "The password needs at least %lld characters."
		    : "Mật khẩu cần ít nhất %lld ký tự.",
		    (long long)config_int(CFG_PASSWORD_MIN_LENGTH));
		return;
	case PW_TOO_LONG:
		msg = en ? "The password may have at most 128 characters."
			 : "Mật khẩu dài tối đa 128 ký tự.";
		break;
	case PW_BAD_TEXT:
		msg = en ? "The password contains characters that are not allowed."
			 : "Mật khẩu chứa ký tự không được phép.";
		break;
	case PW_SAME_AS_USERNAME:
		msg = en ? "The password must not be the username."
			 : "Mật khẩu không được trùng tên đăng nhập.";
		break;
	case PW_COMMON:
		msg = en ? "This password is too common; choose another."
			 : "Mật khẩu này quá phổ biến, hãy chọn mật khẩu khác.";
		break;
	default:
		break;
	}
	str_lcpy(out, msg, outsz);
}

int
auth_password_hash(const char *pw, char *out, size_t outsz)
{
	unsigned char salt[PW_SALT_LEN];
	uint32_t t = (uint32_t)config_int(CFG_ARGON2_T_COST);
	uint32_t m = (uint32_t)config_int(CFG_ARGON2_M_COST);
	uint32_t p = (uint32_t)config_int(CFG_ARGON2_PARALLELISM);
	int rc;

	if (m < 8 * p)
		m = 8 * p; /* argon2's own floor */
	if (rand_bytes(salt, sizeof(salt)) == -1)
		return -1;
	rc = argon2id_hash_encoded(t, m, p, pw, strlen(pw), salt, sizeof(salt), PW_HASH_LEN,
	    out, outsz);
	str_wipe(salt, sizeof(salt));
	if (rc != ARGON2_OK) {
		log_msg(LOG_ERROR, NULL, "password", "op=hash msg=\"%s\"", argon2_error_message(rc));
		return -1;
	}
	return 0;
}

int
auth_password_verify(const char *encoded, const char *pw)
{
	int rc;

	if (encoded == NULL || strncmp(encoded, "$argon2id$", 10) != 0)
		return -1;
	rc = argon2id_verify(encoded, pw, strlen(pw));
	if (rc == ARGON2_OK)
		return 1;
	if (rc == ARGON2_VERIFY_MISMATCH)
		return 0;
	log_msg(LOG_WARN, NULL, "password", "op=verify msg=\"%s\"", argon2_error_message(rc));
	return -1;
}

int
auth_password_needs_rehash(const char *encoded)
{
	long long m = 0, t = 0, p = 0;
	const char *q;

	/* $argon2id$v=19$m=19456,t=2,p=1$salt$hash */
	if (encoded == NULL || (q = strstr(encoded, "$m=")) == NULL ||
	    sscanf(q, "$m=%lld,t=%lld,p=%lld$", &m, &t, &p) != 3)
		return 1;
	return m != config_int(CFG_ARGON2_M_COST) || t != config_int(CFG_ARGON2_T_COST) ||
	    p != config_int(CFG_ARGON2_PARALLELISM);
}

static char pw_dummy[AUTH_HASH_MAX];
static pthread_once_t pw_dummy_once = PTHREAD_ONCE_INIT;

static void
password_make_dummy(void)
{
	if (auth_password_hash("motcua-dummy-password", pw_dummy, sizeof(pw_dummy)) == -1)
		pw_dummy[0] = '\0';
}

void
auth_password_burn(const char *pw)
{
	pthread_once(&pw_dummy_once, password_make_dummy);
	if (pw_dummy[0] != '\0')
		(void)auth_password_verify(pw_dummy, pw);
}
