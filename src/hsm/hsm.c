/* hsm.c — the hsm's life: the LMK from bytes, a file or the environment, a new LMK file,
 * closing (which wipes every key); the result codes are in base.c. */
#include "hsm/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "common/hex.h"

#define LMK_HEX (2 * HSM_LMK_LEN)

int hsm_open(const uint8_t lmk[HSM_LMK_LEN], hsm **out)
{
	hsm *h;

	*out = NULL;
	if ((h = calloc(1, sizeof *h)) == NULL)
		return HSM_ENOMEM;
	memcpy(h->lmk, lmk, HSM_LMK_LEN);
	*out = h;
	return HSM_OK;
}

void hsm_close(hsm *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < HSM_CACHE_KEYS; i++) {
		if (h->slot[i] != NULL) {
			hsm_entry_clear(h->slot[i]);
			free(h->slot[i]);
		}
	}
	crypto_wipe(h, sizeof *h);
	free(h);
}

/* Exactly 64 hex digits (hex_decode alone would skip white space between pairs). */
static int open_text(const char *text, size_t len, hsm **out)
{
	uint8_t lmk[HSM_LMK_LEN];
	size_t n;
	int rc = HSM_ELMK;

	*out = NULL;
	if (len != LMK_HEX)
		return HSM_ELMK;
	for (size_t i = 0; i < len; i++)
		if (hex_digit((unsigned char)text[i]) < 0)
			return HSM_ELMK;
	if (hex_decode(text, len, lmk, sizeof lmk, &n) == HEX_OK && n == sizeof lmk)
		rc = hsm_open(lmk, out);
	crypto_wipe(lmk, sizeof lmk);
	return rc;
}

int hsm_open_env(const char *name, hsm **out)
{
	const char *text = getenv(name != NULL ? name : HSM_LMK_ENV);

	*out = NULL;
	if (text == NULL)
		return HSM_ELMK;
	return open_text(text, strlen(text), out);
}

int hsm_open_file(const char *path, hsm **out)
{
	char text[LMK_HEX + 3]; /* the digits, "\r\n", and one more to see a longer file */
	size_t len = 0;
	struct stat st;
	ssize_t n;
	int fd, rc;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return HSM_EIO;
	/* Like ssh with its private keys: a key others may read is no longer secret. */
	if (fstat(fd, &st) != 0) {
		rc = HSM_EIO;
		goto out;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		rc = HSM_EPERM;
		goto out;
	}
	while (len < sizeof text && (n = read(fd, text + len, sizeof text - len)) != 0) {
		if (n < 0 && errno != EINTR) {
			rc = HSM_EIO;
			goto out;
		}
		len += n > 0 ? (size_t)n : 0;
	}
	if (len > 0 && text[len - 1] == '\n')
		len--;
	if (len > 0 && text[len - 1] == '\r')
		len--;
	rc = open_text(text, len, out);
out:
	close(fd);
	crypto_wipe(text, sizeof text);
	return rc;
}

static int lmk_check_value(const uint8_t lmk[HSM_LMK_LEN], hsm_kcv *kcv)
{
	return hsm_check_value(HSM_AES, lmk, HSM_LMK_LEN, 0, kcv);
}

int hsm_lmk_kcv(const hsm *h, hsm_kcv *kcv)
{
	return lmk_check_value(h->lmk, kcv);
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return HSM_EIO;
		p += n;
		len -= (size_t)n;
	}
	return HSM_OK;
}

int hsm_lmk_create(const char *path, hsm_kcv *kcv)
{
	uint8_t lmk[HSM_LMK_LEN];
	char text[LMK_HEX + 2];
	hsm_kcv check;
	int fd, rc, saved;

	/* O_EXCL: never replace an LMK, whose loss would lose every key wrapped under it. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return errno == EEXIST ? HSM_EEXIST : HSM_EIO;
	if (RAND_bytes(lmk, sizeof lmk) != 1) {
		rc = HSM_ECRYPTO;
		goto out;
	}
	hex_encode(lmk, sizeof lmk, text, sizeof text);
	text[LMK_HEX] = '\n';
	/* fchmod: the umask may have taken the owner's bits away too. */
	if (fchmod(fd, 0600) != 0 || (rc = write_all(fd, text, LMK_HEX + 1)) != HSM_OK ||
	    fsync(fd) != 0) {
		rc = HSM_EIO;
		goto out;
	}
	rc = lmk_check_value(lmk, &check);
out:
	saved = errno;
	if (close(fd) != 0 && rc == HSM_OK) {
		rc = HSM_EIO;
		saved = errno;
	}
	if (rc != HSM_OK)
		unlink(path);
	else if (kcv != NULL)
		*kcv = check;
	crypto_wipe(lmk, sizeof lmk);
	crypto_wipe(text, sizeof text);
	errno = saved;
	return rc;
}
