/*
 * test_vault.c - key file, field encryption and name blind index.
 *
 * Each test gets its own temporary directory for key files. Where a
 * refusal must come with a clear message, the test captures stderr and
 * looks for the words a user needs. Known-answer values for the key
 * check and the blind index were computed independently (Python's
 * hashlib.blake2b with crypto_kdf's salt and personalisation), so they
 * pin both the scheme and its implementation: stored indexes depend on
 * them never changing.
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>

#include "buf.h"
#include "log.h"
#include "vault.h"

#define AD "case:1:field:prs_first_name"

/* Master key 00 01 02 ... 1f, the key of the known-answer tests. */
#define KAT_KEYFILE "ctm-vault-key 1\n" \
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
#define KAT_CHECK \
	"2dc9551e30330e1919295f8c043b9b8c0448e07ad922297e550ba91ff37040fb"
#define KAT_NAME_JOSE_MARIA "d51bb1807530b1dc7f4188d8dc2d994b"
#define KAT_WORD_JOSE "17f5fdc04f4aef58a0a2747e252b7b8e"
#define KAT_WORD_MARIA "cb28f2be7cffbe81e94aab9d179d64c1"

struct fx {
	char dir[64];
	char a[128];	/* key file of vault va */
	char b[128];	/* key file of vault vb */
	char other[128];	/* for files a test writes itself */
	struct vault *va, *vb;
	char errpath[128];
	int saved_stderr;
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/ctm-test-vault-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->a, sizeof(fx->a), "%s/a.key", fx->dir);
	snprintf(fx->b, sizeof(fx->b), "%s/b.key", fx->dir);
	snprintf(fx->other, sizeof(fx->other), "%s/other.key", fx->dir);
	snprintf(fx->errpath, sizeof(fx->errpath), "%s/stderr", fx->dir);
	fx->saved_stderr = -1;
	*state = fx;
	return 0;
}

/* Setup with two open vaults under different fresh keys. */
static int
setup_vaults(void **state)
{
	struct fx *fx;

	setup(state);
	fx = *state;
	assert_int_equal(vault_create_keyfile(fx->a), 0);
	assert_int_equal(vault_create_keyfile(fx->b), 0);
	fx->va = vault_open(fx->a);
	fx->vb = vault_open(fx->b);
	assert_non_null(fx->va);
	assert_non_null(fx->vb);
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	vault_close(fx->va);
	vault_close(fx->vb);
	unlink(fx->a);
	unlink(fx->b);
	unlink(fx->other);
	unlink(fx->errpath);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void
write_file(const char *path, const void *p, size_t n, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
}

static size_t
read_file(const char *path, char *p, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	assert_non_null(f);
	n = fread(p, 1, cap - 1, f);
	p[n] = '\0';
	fclose(f);
	return n;
}

/* Sends stderr (where log.h writes) to a file until capture_end(). */
static void
capture_begin(struct fx *fx)
{
	int fd;

	fflush(stderr);
	fx->saved_stderr = dup(STDERR_FILENO);
	assert_true(fx->saved_stderr >= 0);
	fd = open(fx->errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	close(fd);
}

/* Restores stderr and returns what was logged, in out. */
static void
capture_end(struct fx *fx, char *out, size_t cap)
{
	fflush(stderr);
	assert_true(dup2(fx->saved_stderr, STDERR_FILENO) >= 0);
	close(fx->saved_stderr);
	fx->saved_stderr = -1;
	read_file(fx->errpath, out, cap);
}

/* vault_open() of path fails and logs a message containing want. */
static void
assert_open_refused(struct fx *fx, const char *path, const char *want)
{
	char msg[1024];
	struct vault *v;

	capture_begin(fx);
	v = vault_open(path);
	capture_end(fx, msg, sizeof(msg));
	assert_null(v);
	if (strstr(msg, want) == NULL)
		fail_msg("expected \"%s\" in: %s", want, msg);
	assert_non_null(strstr(msg, path));
}

/* --- key file --- */

static void
test_create_and_open(void **state)
{
	struct fx *fx = *state;
	char text[256], text2[256];
	struct stat st;
	struct vault *v;
	size_t i, n;

	assert_int_equal(vault_create_keyfile(fx->a), 0);
	assert_int_equal(stat(fx->a, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, VAULT_KEYFILE_SIZE);
	n = read_file(fx->a, text, sizeof(text));
	assert_int_equal(n, VAULT_KEYFILE_SIZE);
	assert_memory_equal(text, "ctm-vault-key 1\n", 16);
	for (i = 16; i < 80; i++)
		assert_non_null(strchr("0123456789abcdef", text[i]));
	assert_int_equal(text[80], '\n');

	v = vault_open(fx->a);
	assert_non_null(v);
	vault_close(v);
	vault_close(NULL);

	/* A second key file holds a different key. */
	assert_int_equal(vault_create_keyfile(fx->b), 0);
	read_file(fx->b, text2, sizeof(text2));
	assert_memory_not_equal(text + 16, text2 + 16, 64);
}

static void
test_create_refuses_existing(void **state)
{
	struct fx *fx = *state;
	char before[256], after[256], msg[1024];
	int rc;

	assert_int_equal(vault_create_keyfile(fx->a), 0);
	read_file(fx->a, before, sizeof(before));
	capture_begin(fx);
	rc = vault_create_keyfile(fx->a);
	capture_end(fx, msg, sizeof(msg));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(msg, "already exists"));
	read_file(fx->a, after, sizeof(after));
	assert_string_equal(before, after);

	/* Nor any other file, nor through a symlink. */
	write_file(fx->other, "data", 4, 0600);
	assert_int_equal(vault_create_keyfile(fx->other), -1);
	read_file(fx->other, after, sizeof(after));
	assert_string_equal(after, "data");
	unlink(fx->other);
	assert_int_equal(symlink(fx->b, fx->other), 0);
	assert_int_equal(vault_create_keyfile(fx->other), -1);
	assert_int_equal(access(fx->b, F_OK), -1);

	/* A directory that does not exist: an error, not a crash. */
	assert_int_equal(vault_create_keyfile("/nonexistent-ctm-dir/k"), -1);
}

static void
test_open_refuses_open_permissions(void **state)
{
	struct fx *fx = *state;
	static const mode_t bad[] = { 0644, 0640, 0604, 0660, 0620, 0602,
	    0610, 0601, 0666 };
	struct vault *v;
	size_t i;

	assert_int_equal(vault_create_keyfile(fx->a), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(chmod(fx->a, bad[i]), 0);
		assert_open_refused(fx, fx->a, "chmod 600");
	}
	assert_int_equal(chmod(fx->a, 0644), 0);
	assert_open_refused(fx, fx->a, "mode 0644");
	/* Stricter than 0600 is fine. */
	assert_int_equal(chmod(fx->a, 0400), 0);
	v = vault_open(fx->a);
	assert_non_null(v);
	vault_close(v);
}

static void
test_open_refuses_bad_files(void **state)
{
	struct fx *fx = *state;
	char text[VAULT_KEYFILE_SIZE + 2], msg[1024];
	unsigned char junk[VAULT_KEYFILE_SIZE];
	struct vault *v;

	assert_open_refused(fx, fx->other, "does not exist");
	assert_open_refused(fx, fx->dir, "not a regular file");

	write_file(fx->other, "", 0, 0600);
	assert_open_refused(fx, fx->other, "not a ctm key file");

	/* Random bytes of exactly the right size, and not echoed. */
	randombytes_buf(junk, sizeof(junk));
	junk[0] = 'X';
	write_file(fx->other, junk, sizeof(junk), 0600);
	assert_open_refused(fx, fx->other, "not a ctm key file");

	/* A valid key file is accepted ... */
	write_file(fx->other, KAT_KEYFILE, VAULT_KEYFILE_SIZE, 0600);
	v = vault_open(fx->other);
	assert_non_null(v);
	vault_close(v);

	/* ... but not one byte shorter or longer. */
	write_file(fx->other, KAT_KEYFILE, VAULT_KEYFILE_SIZE - 1, 0600);
	assert_open_refused(fx, fx->other, "damaged");
	memcpy(text, KAT_KEYFILE, VAULT_KEYFILE_SIZE);
	text[VAULT_KEYFILE_SIZE] = '\n';
	write_file(fx->other, text, VAULT_KEYFILE_SIZE + 1, 0600);
	assert_open_refused(fx, fx->other, "damaged");

	/* A non-hex digit in the key line, and no final newline. */
	memcpy(text, KAT_KEYFILE, VAULT_KEYFILE_SIZE);
	text[40] = 'g';
	write_file(fx->other, text, VAULT_KEYFILE_SIZE, 0600);
	assert_open_refused(fx, fx->other, "hexadecimal");
	memcpy(text, KAT_KEYFILE, VAULT_KEYFILE_SIZE);
	text[VAULT_KEYFILE_SIZE - 1] = 'x';
	write_file(fx->other, text, VAULT_KEYFILE_SIZE, 0600);
	assert_open_refused(fx, fx->other, "hexadecimal");

	/* A future version is named as such. */
	memcpy(text, KAT_KEYFILE, VAULT_KEYFILE_SIZE);
	text[14] = '2';
	write_file(fx->other, text, VAULT_KEYFILE_SIZE, 0600);
	assert_open_refused(fx, fx->other, "version");

	/* A raw 32-byte key (someone else's format) is refused. */
	write_file(fx->other, junk, 32, 0600);
	capture_begin(fx);
	v = vault_open(fx->other);
	capture_end(fx, msg, sizeof(msg));
	assert_null(v);
	assert_non_null(strstr(msg, "not a ctm key file"));
}

/* --- key check --- */

static void
test_check_token(void **state)
{
	struct fx *fx = *state;
	char ta[VAULT_CHECK_HEX], tb[VAULT_CHECK_HEX], again[VAULT_CHECK_HEX];
	char msg[1024];
	struct vault *v;
	int rc;

	assert_int_equal(vault_check_token(fx->va, ta), 0);
	assert_int_equal(vault_check_token(fx->vb, tb), 0);
	assert_int_equal(strlen(ta), 64);
	assert_string_not_equal(ta, tb);

	/* The same key file gives the same value after reopening. */
	v = vault_open(fx->a);
	assert_non_null(v);
	assert_int_equal(vault_check_token(v, again), 0);
	assert_string_equal(ta, again);
	assert_int_equal(vault_check_matches(v, ta), 0);
	vault_close(v);

	capture_begin(fx);
	rc = vault_check_matches(fx->va, tb);
	capture_end(fx, msg, sizeof(msg));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(msg, "does not belong to this database"));
	assert_int_equal(vault_check_matches(fx->va, ""), -1);
	ta[63] = '\0';
	assert_int_equal(vault_check_matches(fx->va, ta), -1);

	/* Known answer. */
	write_file(fx->other, KAT_KEYFILE, VAULT_KEYFILE_SIZE, 0600);
	v = vault_open(fx->other);
	assert_non_null(v);
	assert_int_equal(vault_check_token(v, again), 0);
	assert_string_equal(again, KAT_CHECK);
	vault_close(v);
}

/* --- field encryption --- */

static void
test_seal_roundtrip(void **state)
{
	struct fx *fx = *state;
	static const char name[] = "José María Pérez";
	unsigned char bin[300];
	struct buf blob = BUF_INIT(1 << 20), out = BUF_INIT(1 << 20);
	size_t i;
	char *big;

	assert_int_equal(vault_seal(fx->va, AD, name, strlen(name), &blob), 0);
	assert_int_equal(blob.len, strlen(name) + VAULT_SEAL_OVERHEAD);
	assert_int_equal((unsigned char)blob.p[0], 1);
	assert_null(memmem(blob.p, blob.len, "Jos", 3));
	assert_null(memmem(blob.p, blob.len, "Mar", 3));
	assert_int_equal(vault_open_sealed(fx->va, AD, blob.p, blob.len, &out),
	    0);
	assert_string_equal(buf_cstr(&out), name);
	assert_int_equal(out.len, strlen(name));

	/* Appends, like every buf writer. */
	assert_int_equal(vault_open_sealed(fx->va, AD, blob.p, blob.len, &out),
	    0);
	assert_int_equal(out.len, 2 * strlen(name));

	/* Empty value. */
	buf_reset(&blob);
	buf_reset(&out);
	assert_int_equal(vault_seal(fx->va, AD, NULL, 0, &blob), 0);
	assert_int_equal(blob.len, VAULT_SEAL_OVERHEAD);
	assert_int_equal(vault_open_sealed(fx->va, AD, blob.p, blob.len, &out),
	    0);
	assert_int_equal(out.len, 0);
	assert_string_equal(buf_cstr(&out), "");

	/* Binary with NUL bytes. */
	for (i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)i;
	buf_reset(&blob);
	assert_int_equal(vault_seal(fx->va, AD, bin, sizeof(bin), &blob), 0);
	assert_int_equal(vault_open_sealed(fx->va, AD, blob.p, blob.len, &out),
	    0);
	assert_int_equal(out.len, sizeof(bin));
	assert_memory_equal(out.p, bin, sizeof(bin));
	assert_int_equal(out.p[out.len], '\0');

	/* Large. */
	big = malloc(200000);
	assert_non_null(big);
	memset(big, 'x', 200000);
	buf_reset(&blob);
	buf_reset(&out);
	assert_int_equal(vault_seal(fx->va, AD, big, 200000, &blob), 0);
	assert_int_equal(vault_open_sealed(fx->va, AD, blob.p, blob.len, &out),
	    0);
	assert_int_equal(out.len, 200000);
	assert_memory_equal(out.p, big, 200000);
	free(big);

	buf_release(&blob);
	buf_release(&out);
}

static void
test_seal_wrong_ad_fails(void **state)
{
	struct fx *fx = *state;
	struct buf blob = BUF_INIT(4096), out = BUF_INIT(4096);

	assert_int_equal(vault_seal(fx->va, "case:1:field:prs_first_name",
	    "Ana", 3, &blob), 0);
	/* Another row, another field, a prefix, a suffix. */
	assert_int_equal(vault_open_sealed(fx->va,
	    "case:2:field:prs_first_name", blob.p, blob.len, &out), -1);
	assert_int_equal(vault_open_sealed(fx->va, "case:1:field:prs_last_name",
	    blob.p, blob.len, &out), -1);
	assert_int_equal(vault_open_sealed(fx->va, "case:1:field:prs_first",
	    blob.p, blob.len, &out), -1);
	assert_int_equal(vault_open_sealed(fx->va,
	    "case:1:field:prs_first_name ", blob.p, blob.len, &out), -1);
	assert_int_equal(out.len, 0);
	assert_int_equal(vault_open_sealed(fx->va,
	    "case:1:field:prs_first_name", blob.p, blob.len, &out), 0);
	assert_string_equal(buf_cstr(&out), "Ana");
	buf_release(&blob);
	buf_release(&out);
}

static void
test_seal_bit_flip_fails(void **state)
{
	struct fx *fx = *state;
	struct buf blob = BUF_INIT(4096), out = BUF_INIT(4096);
	char msg[4096];
	size_t i, bit;

	assert_int_equal(vault_seal(fx->va, AD, "Fatima", 6, &blob), 0);
	capture_begin(fx);	/* one error line per attempt */
	/* Every single bit: version, nonce, ciphertext and tag. */
	for (i = 0; i < blob.len; i++)
		for (bit = 0; bit < 8; bit++) {
			blob.p[i] ^= (char)(1u << bit);
			assert_int_equal(vault_open_sealed(fx->va, AD, blob.p,
			    blob.len, &out), -1);
			blob.p[i] ^= (char)(1u << bit);
		}
	/* Every truncation, and one byte too many. */
	for (i = 0; i < blob.len; i++)
		assert_int_equal(vault_open_sealed(fx->va, AD, blob.p, i,
		    &out), -1);
	assert_int_equal(vault_open_sealed(fx->va, AD, blob.p, blob.len + 1,
	    &out), -1);
	capture_end(fx, msg, sizeof(msg));
	assert_null(strstr(msg, "Fatima"));
	assert_int_equal(out.len, 0);
	assert_int_equal(vault_open_sealed(fx->va, AD, blob.p, blob.len, &out),
	    0);
	assert_string_equal(buf_cstr(&out), "Fatima");
	buf_release(&blob);
	buf_release(&out);
}

static void
test_seal_other_key_fails(void **state)
{
	struct fx *fx = *state;
	struct buf blob = BUF_INIT(4096), out = BUF_INIT(4096);
	char msg[1024];
	int rc;

	assert_int_equal(vault_seal(fx->va, AD, "Fatima", 6, &blob), 0);
	capture_begin(fx);
	rc = vault_open_sealed(fx->vb, AD, blob.p, blob.len, &out);
	capture_end(fx, msg, sizeof(msg));
	assert_int_equal(rc, -1);
	assert_int_equal(out.len, 0);
	assert_non_null(strstr(msg, "cannot decrypt"));
	/* The log says what failed, never what was inside or where. */
	assert_null(strstr(msg, "Fatima"));
	assert_null(strstr(msg, AD));
	buf_release(&blob);
	buf_release(&out);
}

static void
test_seal_nonces_differ(void **state)
{
	struct fx *fx = *state;
	struct buf b1 = BUF_INIT(4096), b2 = BUF_INIT(4096);
	struct buf out = BUF_INIT(4096);

	assert_int_equal(vault_seal(fx->va, AD, "Maria", 5, &b1), 0);
	assert_int_equal(vault_seal(fx->va, AD, "Maria", 5, &b2), 0);
	assert_int_equal(b1.len, b2.len);
	/* Nonce (bytes 1..24) and so the ciphertext differ. */
	assert_memory_not_equal(b1.p + 1, b2.p + 1, 24);
	assert_memory_not_equal(b1.p + 25, b2.p + 25, b1.len - 25);
	assert_int_equal(vault_open_sealed(fx->va, AD, b2.p, b2.len, &out), 0);
	assert_string_equal(buf_cstr(&out), "Maria");
	buf_release(&b1);
	buf_release(&b2);
	buf_release(&out);
}

static void
test_seal_bad_arguments(void **state)
{
	struct fx *fx = *state;
	struct buf blob = BUF_INIT(4096), small = BUF_INIT(20);
	char longad[VAULT_AD_MAX + 2];

	assert_int_equal(vault_seal(fx->va, NULL, "a", 1, &blob), -1);
	assert_int_equal(vault_seal(fx->va, "", "a", 1, &blob), -1);
	memset(longad, 'a', sizeof(longad) - 1);
	longad[sizeof(longad) - 1] = '\0';
	assert_int_equal(vault_seal(fx->va, longad, "a", 1, &blob), -1);
	longad[VAULT_AD_MAX] = '\0';
	assert_int_equal(vault_seal(fx->va, longad, "a", 1, &blob), 0);
	assert_int_equal(vault_open_sealed(fx->va, "", blob.p, blob.len,
	    &small), -1);

	/* A full buffer fails and is left as it was. */
	assert_int_equal(buf_addstr(&small, "keep"), 0);
	assert_int_equal(vault_seal(fx->va, AD, "a", 1, &small), -1);
	assert_int_equal(small.len, 4);
	assert_string_equal(buf_cstr(&small), "keep");
	buf_reset(&blob);
	assert_int_equal(vault_seal(fx->va, AD, "too long for small", 18,
	    &blob), 0);
	assert_int_equal(vault_open_sealed(fx->va, AD, blob.p, blob.len,
	    &small), -1);
	assert_string_equal(buf_cstr(&small), "keep");
	buf_release(&blob);
	buf_release(&small);
}

static void
test_base64(void **state)
{
	struct fx *fx = *state;
	struct buf text = BUF_INIT(1 << 16), bin = BUF_INIT(1 << 16);
	struct buf out = BUF_INIT(4096);
	unsigned char data[2500];
	size_t n, i;

	(void)fx;
	randombytes_buf(data, sizeof(data));
	/* Lengths around the 3- and 4-byte groups and the chunk sizes. */
	for (n = 0; n <= sizeof(data); n += (n < 20 || n > 2290) ? 1 : 37) {
		buf_reset(&text);
		buf_reset(&bin);
		assert_int_equal(vault_b64_encode(data, n, &text), 0);
		for (i = 0; i < text.len; i++)
			assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789-_",
			    text.p[i]));
		assert_int_equal(text.len, (n * 4 + 2) / 3);
		assert_int_equal(vault_b64_decode(buf_cstr(&text), text.len,
		    &bin), 0);
		assert_int_equal(bin.len, n);
		if (n > 0)
			assert_memory_equal(bin.p, data, n);
	}
	buf_reset(&bin);
	assert_int_equal(vault_b64_decode("QUJD", 4, &bin), 0);
	assert_string_equal(buf_cstr(&bin), "ABC");
	assert_int_equal(vault_b64_decode("QUI=", 4, &bin), -1);
	assert_int_equal(vault_b64_decode("QU+D", 4, &bin), -1);
	assert_int_equal(vault_b64_decode("Q", 1, &bin), -1);
	assert_int_equal(vault_b64_decode("QUJ D", 5, &bin), -1);
	assert_string_equal(buf_cstr(&bin), "ABC");

	/* Sealed text. */
	buf_reset(&text);
	assert_int_equal(vault_seal_text(fx->va, AD, "Ngozi Okafor", &text),
	    0);
	assert_null(strstr(buf_cstr(&text), "Ngozi"));
	assert_int_equal(vault_open_text(fx->va, AD, buf_cstr(&text), &out),
	    0);
	assert_string_equal(buf_cstr(&out), "Ngozi Okafor");
	buf_reset(&out);
	assert_int_equal(vault_open_text(fx->va, "case:9:field:x",
	    buf_cstr(&text), &out), -1);
	assert_int_equal(vault_open_text(fx->vb, AD, buf_cstr(&text), &out),
	    -1);
	assert_int_equal(vault_open_text(fx->va, AD, "not base64!", &out), -1);
	assert_int_equal(vault_open_text(fx->va, AD, "", &out), -1);
	assert_int_equal(out.len, 0);
	buf_release(&text);
	buf_release(&bin);
	buf_release(&out);
}

/* --- name normalisation and blind index --- */

static const struct {
	const char *in, *want;
} norm_cases[] = {
	{ "José María", "jose maria" },
	{ "jose maria", "jose maria" },
	{ "MARIA JOSE", "maria jose" },
	{ "MARIA  JOSÉ", "maria jose" },
	{ "  Jose-Maria ", "jose maria" },
	{ "Ñandú", "nandu" },
	{ "Łukasz", "lukasz" },
	{ "Straße", "strasse" },
	{ "strasse", "strasse" },
	{ "STRAẞE", "strasse" },
	{ "Ørsted", "orsted" },
	{ "Ærø Æble", "aero aeble" },
	{ "François Ça", "francois ca" },
	{ "Œuvre", "oeuvre" },
	{ "Þór Ðóra", "thor dora" },
	{ "Đorđević", "dordevic" },
	{ "Ĳsselmeer", "ijsselmeer" },
	{ "İlkay Işık", "ilkay isik" },
	{ "Ștefan Țurcanu", "stefan turcanu" },
	{ "Şerban Ţepeş", "serban tepes" },
	{ "Nguyễn Thị Ánh", "nguyen thi anh" },
	{ "Ɗanjuma Ɓello Ƙasim", "danjuma bello kasim" },
	{ "ɓello ɗan", "bello dan" },
	{ "Ọlọ́rún Ṣadé", "olorun sade" },
	{ "Фёдор Йованович", "федор иованович" },
	{ "ΣΩΚΡΆΤΗΣ σωκράτης", "σωκρατησ σωκρατησ" },
	{ "محمد علي", "محمد علي" },
	{ "مُحَمَّد مـحـمد", "محمد محمد" },	/* harakat, tatweel */
	{ "ＪＯＳＥ　ｍａｒｉａ２", "jose maria2" },	/* fullwidth */
	{ "O'Brien", "o brien" },
	{ "O’Brien", "o brien" },
	{ "Jose\314\201 Mari\314\201a", "jose maria" },	/* NFD */
	{ "\xc2\xa0" "Ana\xe2\x80\x94" "Lucía\t\n", "ana lucia" },
	{ "Ana\xc2\xad" "belle", "anabelle" },	/* soft hyphen */
	{ "Lu\xe2\x80\x8b" "cia", "lucia" },	/* zero width space */
	{ "Ali, Ahmed (Abu)", "ali ahmed abu" },
	{ "Maria2 3rd", "maria2 3rd" },
	{ "À ỹ", "a y" },	/* both ends of the fold table */
	/* Every letter of Latin-1 Supplement (× and ÷ separate). */
	{ "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞß"
	  "àáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿ",
	  "aaaaaaaeceeeeiiiidnooooo ouuuuythss"
	  "aaaaaaaeceeeeiiiidnooooo ouuuuythy" },
	/* Every letter of Latin Extended-A. */
	{ "ĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĲĳĴĵĶķĸ"
	  "ĹĺĻļĽľĿŀŁłŃńŅņŇňŉŊŋŌōŎŏŐőŒœŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲų"
	  "ŴŵŶŷŸŹźŻżŽžſ",
	  "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiijijjjkkk"
	  "llllllllllnnnnnnnnnoooooooeoerrrrrrssssssssttttttuuuuuuuuuuuu"
	  "wwyyyzzzzzzs" },
	{ "", "" },
	{ "   - '' ’ ", "" },
};

static void
test_normalise(void **state)
{
	struct buf out = BUF_INIT(8192);
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(norm_cases); i++) {
		buf_reset(&out);
		assert_int_equal(vault_name_normalise(norm_cases[i].in, &out),
		    0);
		if (strcmp(buf_cstr(&out), norm_cases[i].want) != 0)
			fail_msg("normalise(\"%s\") = \"%s\", want \"%s\"",
			    norm_cases[i].in, buf_cstr(&out),
			    norm_cases[i].want);
	}
	buf_release(&out);
}

static void
test_normalise_bad_input(void **state)
{
	static const char *const bad[] = {
		"Jos\xc3",		/* truncated */
		"\xc0\xaf",		/* overlong '/' */
		"\xe0\x80\xaf",		/* overlong, 3 bytes */
		"\xed\xa0\x80",		/* surrogate */
		"\xf4\x90\x80\x80",	/* beyond U+10FFFF */
		"\xff",
		"a\200b",		/* lone continuation byte */
	};
	struct buf out = BUF_INIT(8192);
	char name[VAULT_NAME_MAX + 2];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(vault_name_normalise(bad[i], &out), -1);
	assert_int_equal(out.len, 0);
	assert_int_equal(vault_name_normalise(NULL, &out), -1);

	/* Exactly the maximum, worst case for words; then one byte more. */
	for (i = 0; i < VAULT_NAME_MAX; i++)
		name[i] = (i % 2) ? ' ' : 'A';
	name[VAULT_NAME_MAX] = '\0';
	assert_int_equal(vault_name_normalise(name, &out), 0);
	assert_int_equal(out.len, VAULT_NAME_MAX - 1);
	name[VAULT_NAME_MAX] = 'a';
	name[VAULT_NAME_MAX + 1] = '\0';
	buf_reset(&out);
	assert_int_equal(vault_name_normalise(name, &out), -1);

	/* The longest folding: two-byte letters that become two letters. */
	for (i = 0; i + 2 <= VAULT_NAME_MAX; i += 2)
		memcpy(name + i, "\xc3\x9f", 2);	/* ß -> ss */
	name[i] = '\0';
	buf_reset(&out);
	assert_int_equal(vault_name_normalise(name, &out), 0);
	assert_int_equal(out.len, VAULT_NAME_MAX);
	buf_release(&out);
}

static void
test_name_key(void **state)
{
	struct fx *fx = *state;
	static const char *const same[] = {
		"José María", "jose maria", "MARIA JOSE", "MARIA  JOSÉ",
		"  Jose-Maria ", "maría, josé", "Jose\314\201 Mari\314\201a",
	};
	static const char *const differ[] = {
		"José Mario", "José", "María", "José María José", "Josema Ria",
		"josemaria",
	};
	char k0[VAULT_TOKEN_HEX], k[VAULT_TOKEN_HEX];
	size_t i;

	assert_int_equal(vault_name_key(fx->va, same[0], k0), 0);
	assert_int_equal(strlen(k0), VAULT_TOKEN_HEX - 1);
	for (i = 1; i < ARRAY_SIZE(same); i++) {
		assert_int_equal(vault_name_key(fx->va, same[i], k), 0);
		assert_string_equal(k, k0);
	}
	for (i = 0; i < ARRAY_SIZE(differ); i++) {
		assert_int_equal(vault_name_key(fx->va, differ[i], k), 0);
		assert_string_not_equal(k, k0);
	}
	/* Nothing to index. */
	assert_int_equal(vault_name_key(fx->va, " -- ", k), 0);
	assert_string_equal(k, "");
	assert_int_equal(vault_name_key(fx->va, "\xc3", k), -1);
}

static void
test_name_tokens(void **state)
{
	struct fx *fx = *state;
	char t1[4][VAULT_TOKEN_HEX], t2[4][VAULT_TOKEN_HEX];
	char one[1][VAULT_TOKEN_HEX], key[VAULT_TOKEN_HEX];
	size_t n1, n2, i;

	assert_int_equal(vault_name_tokens(fx->va, "José María", t1, 4, &n1),
	    0);
	assert_int_equal(n1, 2);
	assert_string_not_equal(t1[0], t1[1]);
	assert_true(strcmp(t1[0], t1[1]) < 0);	/* sorted by value */
	assert_int_equal(vault_name_tokens(fx->va, "MARIA  JOSE", t2, 4, &n2),
	    0);
	assert_int_equal(n2, 2);
	for (i = 0; i < 2; i++)
		assert_string_equal(t1[i], t2[i]);

	/* One word matches one token; repeats are indexed once. */
	assert_int_equal(vault_name_tokens(fx->va, "maría", one, 1, &n2), 0);
	assert_int_equal(n2, 1);
	assert_true(strcmp(one[0], t1[0]) == 0 || strcmp(one[0], t1[1]) == 0);
	assert_int_equal(vault_name_tokens(fx->va, "Maria MARÍA maria", one, 1,
	    &n2), 0);
	assert_int_equal(n2, 1);

	/* Word and whole-name tokens live in separate domains. */
	assert_int_equal(vault_name_key(fx->va, "maría", key), 0);
	assert_string_not_equal(key, one[0]);

	/* More distinct words than room: refused, not truncated. */
	assert_int_equal(vault_name_tokens(fx->va, "a b c d e", t1, 4, &n1),
	    -1);
	assert_int_equal(n1, 0);
	assert_int_equal(vault_name_tokens(fx->va, "", t1, 4, &n1), 0);
	assert_int_equal(n1, 0);
	assert_int_equal(vault_name_tokens(fx->va, "\xed\xa0\x80", t1, 4, &n1),
	    -1);
}

static void
test_tokens_depend_on_key(void **state)
{
	struct fx *fx = *state;
	char ta[2][VAULT_TOKEN_HEX], tb[2][VAULT_TOKEN_HEX];
	char ka[VAULT_TOKEN_HEX], kb[VAULT_TOKEN_HEX], again[VAULT_TOKEN_HEX];
	struct vault *v;
	size_t na, nb, i, j;

	assert_int_equal(vault_name_key(fx->va, "José María", ka), 0);
	assert_int_equal(vault_name_key(fx->vb, "José María", kb), 0);
	assert_string_not_equal(ka, kb);
	assert_int_equal(vault_name_tokens(fx->va, "José María", ta, 2, &na),
	    0);
	assert_int_equal(vault_name_tokens(fx->vb, "José María", tb, 2, &nb),
	    0);
	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			assert_string_not_equal(ta[i], tb[j]);

	/* Stable across reopening the same key file. */
	v = vault_open(fx->a);
	assert_non_null(v);
	assert_int_equal(vault_name_key(v, "maria jose", again), 0);
	assert_string_equal(again, ka);
	vault_close(v);

	/* Known answers. */
	write_file(fx->other, KAT_KEYFILE, VAULT_KEYFILE_SIZE, 0600);
	v = vault_open(fx->other);
	assert_non_null(v);
	assert_int_equal(vault_name_key(v, "MARIA  JOSÉ", again), 0);
	assert_string_equal(again, KAT_NAME_JOSE_MARIA);
	assert_int_equal(vault_name_tokens(v, "José María", ta, 2, &na), 0);
	assert_int_equal(na, 2);
	assert_string_equal(ta[0], KAT_WORD_JOSE);
	assert_string_equal(ta[1], KAT_WORD_MARIA);
	vault_close(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_and_open, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_refuses_existing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_open_refuses_open_permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_refuses_bad_files,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_token, setup_vaults,
		    teardown),
		cmocka_unit_test_setup_teardown(test_seal_roundtrip,
		    setup_vaults, teardown),
		cmocka_unit_test_setup_teardown(test_seal_wrong_ad_fails,
		    setup_vaults, teardown),
		cmocka_unit_test_setup_teardown(test_seal_bit_flip_fails,
		    setup_vaults, teardown),
		cmocka_unit_test_setup_teardown(test_seal_other_key_fails,
		    setup_vaults, teardown),
		cmocka_unit_test_setup_teardown(test_seal_nonces_differ,
		    setup_vaults, teardown),
		cmocka_unit_test_setup_teardown(test_seal_bad_arguments,
		    setup_vaults, teardown),
		cmocka_unit_test_setup_teardown(test_base64, setup_vaults,
		    teardown),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_normalise_bad_input),
		cmocka_unit_test_setup_teardown(test_name_key, setup_vaults,
		    teardown),
		cmocka_unit_test_setup_teardown(test_name_tokens, setup_vaults,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tokens_depend_on_key,
		    setup_vaults, teardown),
	};

	log_set_quiet(true);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
