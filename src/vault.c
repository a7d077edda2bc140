/*
 * vault.c - key file, field encryption and the name blind index.
 *
 * See vault.h for the formats and for what the blind index leaks. The
 * keys live in one sodium_malloc'd struct vault (guard pages, mlock'd,
 * excluded from core dumps where the system allows), read-only once
 * derived, wiped by vault_close().
 */
#include "compat.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "log.h"
#include "vault.h"

#define KEYFILE_MAGIC "ctm-vault-key "
#define KEYFILE_HEADER KEYFILE_MAGIC "1\n"
#define KEYFILE_HEADER_LEN (sizeof(KEYFILE_HEADER) - 1)
#define KEY_BYTES 32
#define KEY_HEX_LEN (2 * KEY_BYTES)

/* crypto_kdf context: 8 bytes naming this use of the master key. */
#define KDF_CONTEXT "ctmvault"

/* Subkey ids: fixed forever, a change would orphan every stored value. */
enum subkey {
	SUBKEY_SEAL = 1,	/* field encryption */
	SUBKEY_INDEX = 2,	/* name blind index */
	SUBKEY_CHECK = 3,	/* key check value */
};

#define SEAL_VERSION 0x01
#define SEAL_NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define SEAL_TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define SEAL_HEAD (1 + SEAL_NONCE)

#define CHECK_BYTES 32
#define TOKEN_BYTES 16
#define CHECK_MESSAGE "ctm vault key check v1"

#define B64_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING

_Static_assert(KEYFILE_HEADER_LEN + KEY_HEX_LEN + 1 == VAULT_KEYFILE_SIZE,
    "VAULT_KEYFILE_SIZE does not match the key file layout");
_Static_assert(sizeof(KDF_CONTEXT) - 1 == crypto_kdf_CONTEXTBYTES,
    "the KDF context must be exactly crypto_kdf_CONTEXTBYTES long");
_Static_assert(KEY_BYTES == crypto_kdf_KEYBYTES, "master key size");
_Static_assert(KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
    "field key size");
_Static_assert(SEAL_HEAD + SEAL_TAG == VAULT_SEAL_OVERHEAD,
    "VAULT_SEAL_OVERHEAD does not match the blob layout");
_Static_assert(2 * TOKEN_BYTES + 1 == VAULT_TOKEN_HEX, "token size");
_Static_assert(2 * CHECK_BYTES + 1 == VAULT_CHECK_HEX, "check size");
_Static_assert(TOKEN_BYTES >= crypto_generichash_BYTES_MIN, "token size");

/* The whole object is the key block: sodium_malloc'd, then read-only. */
struct vault {
	unsigned char seal[KEY_BYTES];
	unsigned char index[KEY_BYTES];
	unsigned char check[KEY_BYTES];
};

/* --- key file --- */

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads up to n bytes (fewer only at end of file); -1 on error. */
static ssize_t
read_all(int fd, char *p, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, p + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/*
 * fsync()s the directory holding path, so the new key file's name
 * survives a crash: losing the key loses the data. Best effort: some
 * file systems refuse to sync a directory.
 */
static void
sync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		log_warn("cannot sync directory %s after creating key file: %s",
		    dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(dir);
}

int
vault_create_keyfile(const char *path)
{
	unsigned char *key = NULL;
	char *text = NULL;
	int fd = -1, rc = -1;
	bool created = false;

	if (sodium_init() < 0)
		return error("libsodium failed to initialise");
	key = sodium_malloc(KEY_BYTES);
	text = sodium_malloc(VAULT_KEYFILE_SIZE + 1);
	if (key == NULL || text == NULL) {
		error("cannot allocate secure memory for a new key");
		goto out;
	}
	crypto_kdf_keygen(key);
	memcpy(text, KEYFILE_HEADER, KEYFILE_HEADER_LEN);
	sodium_bin2hex(text + KEYFILE_HEADER_LEN, KEY_HEX_LEN + 1, key,
	    KEY_BYTES);
	text[VAULT_KEYFILE_SIZE - 1] = '\n';

	/* O_EXCL: never replace a key that may already protect data. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		if (errno == EEXIST)
			error("key file %s already exists: refusing to "
			    "overwrite it", path);
		else
			error("cannot create key file %s: %s", path,
			    strerror(errno));
		goto out;
	}
	created = true;
	/* The umask may have taken bits away; 0600 exactly is the point. */
	if (fchmod(fd, 0600) < 0 ||
	    write_all(fd, text, VAULT_KEYFILE_SIZE) < 0 || fsync(fd) < 0) {
		error("cannot write key file %s: %s", path, strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		error("cannot write key file %s: %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
	sync_parent(path);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0 && created)
		unlink(path);
	sodium_free(key);
	sodium_free(text);
	return rc;
}

/*
 * Checks and parses the key file's text into master. The text is
 * untrusted (any file may sit at the path); errors say what is wrong
 * without echoing the content.
 */
static int
parse_keyfile(const char *path, const char *text, size_t n,
    unsigned char master[KEY_BYTES])
{
	const char *hex = text + KEYFILE_HEADER_LEN, *end = NULL;
	size_t binlen = 0;

	if (n < sizeof(KEYFILE_MAGIC) - 1 ||
	    memcmp(text, KEYFILE_MAGIC, sizeof(KEYFILE_MAGIC) - 1) != 0)
		return error("%s is not a ctm key file (it does not start "
		    "with \"%s\")", path, KEYFILE_MAGIC);
	if (n < KEYFILE_HEADER_LEN ||
	    memcmp(text, KEYFILE_HEADER, KEYFILE_HEADER_LEN) != 0)
		return error("key file %s has a format version this ctm does "
		    "not know (it reads version 1)", path);
	if (n != VAULT_KEYFILE_SIZE)
		return error("key file %s is damaged: %zu bytes, a key file "
		    "has %d", path, n, VAULT_KEYFILE_SIZE);
	if (sodium_hex2bin(master, KEY_BYTES, hex, KEY_HEX_LEN, NULL,
	    &binlen, &end) != 0 || binlen != KEY_BYTES ||
	    end != hex + KEY_HEX_LEN || text[n - 1] != '\n')
		return error("key file %s is damaged: its second line must be "
		    "%d hexadecimal digits", path, KEY_HEX_LEN);
	return 0;
}

struct vault *
vault_open(const char *keyfile)
{
	struct vault *v = NULL;
	unsigned char *master = NULL;
	char *text = NULL;
	struct stat st;
	ssize_t got;
	int fd = -1;
	bool ok = false;

	if (sodium_init() < 0) {
		error("libsodium failed to initialise");
		return NULL;
	}
	fd = open(keyfile, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			error("key file %s does not exist: pass the key file "
			    "created with the database (--key-file), or run "
			    "ctm init for a new database", keyfile);
		else
			error("cannot open key file %s: %s", keyfile,
			    strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		error("cannot stat key file %s: %s", keyfile, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		error("key file %s is not a regular file", keyfile);
		goto out;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		error("key file %s has mode %04o: group and others must have "
		    "no access to it (chmod 600 %s)", keyfile,
		    (unsigned)(st.st_mode & 07777), keyfile);
		goto out;
	}
	text = sodium_malloc(VAULT_KEYFILE_SIZE + 1);
	master = sodium_malloc(KEY_BYTES);
	v = sodium_malloc(sizeof(*v));
	if (text == NULL || master == NULL || v == NULL) {
		error("cannot allocate secure memory for the key");
		goto out;
	}
	/* One byte more than a key file, to notice a longer file. */
	got = read_all(fd, text, VAULT_KEYFILE_SIZE + 1);
	if (got < 0) {
		error("cannot read key file %s: %s", keyfile, strerror(errno));
		goto out;
	}
	if (parse_keyfile(keyfile, text, (size_t)got, master) < 0)
		goto out;
	if (crypto_kdf_derive_from_key(v->seal, sizeof(v->seal), SUBKEY_SEAL,
	    KDF_CONTEXT, master) != 0 ||
	    crypto_kdf_derive_from_key(v->index, sizeof(v->index),
	    SUBKEY_INDEX, KDF_CONTEXT, master) != 0 ||
	    crypto_kdf_derive_from_key(v->check, sizeof(v->check),
	    SUBKEY_CHECK, KDF_CONTEXT, master) != 0) {
		error("cannot derive keys from key file %s", keyfile);
		goto out;
	}
	if (sodium_mprotect_readonly(v) != 0) {
		error("cannot protect the key memory: %s", strerror(errno));
		goto out;
	}
	ok = true;
out:
	if (fd >= 0)
		close(fd);
	sodium_free(text);
	sodium_free(master);
	if (!ok) {
		vault_close(v);
		v = NULL;
	}
	return v;
}

void
vault_close(struct vault *v)
{
	if (v == NULL)
		return;
	/* sodium_free() wipes too; saying it here keeps the promise visible. */
	sodium_mprotect_readwrite(v);
	sodium_memzero(v, sizeof(*v));
	sodium_free(v);
}

/* --- key check --- */

int
vault_check_token(struct vault *v, char out[VAULT_CHECK_HEX])
{
	unsigned char h[CHECK_BYTES];

	if (crypto_generichash(h, sizeof(h),
	    (const unsigned char *)CHECK_MESSAGE, sizeof(CHECK_MESSAGE) - 1,
	    v->check, sizeof(v->check)) != 0)
		return error("vault: key check hash failed");
	sodium_bin2hex(out, VAULT_CHECK_HEX, h, sizeof(h));
	return 0;
}

int
vault_check_matches(struct vault *v, const char *stored)
{
	char mine[VAULT_CHECK_HEX];

	if (vault_check_token(v, mine) < 0)
		return -1;
	if (stored == NULL || strlen(stored) != VAULT_CHECK_HEX - 1 ||
	    sodium_memcmp(mine, stored, VAULT_CHECK_HEX - 1) != 0)
		return error("the key file does not belong to this database "
		    "(key check failed): start ctm with the key file that was "
		    "created with the database");
	return 0;
}

/* --- field encryption --- */

/*
 * Undoes appends to b since it had length old, wiping what they wrote
 * (it may be a copy of plaintext).
 */
static void
buf_rollback(struct buf *b, size_t old)
{
	if (b->p == NULL || b->len <= old)
		return;
	sodium_memzero(b->p + old, b->len - old);
	b->len = old;
	b->p[old] = '\0';
}

/* The AEAD associated data: version byte || ad. */
static int
seal_ad(const char *ad, unsigned char full[1 + VAULT_AD_MAX], size_t *len)
{
	size_t n;

	if (ad == NULL || ad[0] == '\0')
		return error("vault: sealing needs associated data naming "
		    "the value's place");
	n = strlen(ad);
	if (n > VAULT_AD_MAX)
		return error("vault: associated data longer than %d bytes",
		    VAULT_AD_MAX);
	full[0] = SEAL_VERSION;
	memcpy(full + 1, ad, n);
	*len = n + 1;
	return 0;
}

int
vault_seal(struct vault *v, const char *ad, const void *plain, size_t n,
    struct buf *out)
{
	static const unsigned char tag_space[SEAL_TAG];
	unsigned char adfull[1 + VAULT_AD_MAX], nonce[SEAL_NONCE];
	unsigned char *c;
	size_t adlen, old = out->len;

	if (seal_ad(ad, adfull, &adlen) < 0)
		return -1;
	if (n > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX ||
	    n > SIZE_MAX - VAULT_SEAL_OVERHEAD)
		return error("vault: value too large to seal");
	randombytes_buf(nonce, sizeof(nonce));
	/*
	 * Room for the ciphertext is made by appending the plaintext, then
	 * encrypting from the caller's copy over it (never in place).
	 */
	if (buf_addch(out, (char)SEAL_VERSION) < 0 ||
	    buf_add(out, nonce, sizeof(nonce)) < 0 ||
	    buf_add(out, plain, n) < 0 ||
	    buf_add(out, tag_space, sizeof(tag_space)) < 0) {
		buf_rollback(out, old);
		return error("vault: sealed value does not fit its buffer");
	}
	c = (unsigned char *)out->p + old + SEAL_HEAD;
	if (crypto_aead_xchacha20poly1305_ietf_encrypt_detached(c, c + n,
	    NULL, plain, n, adfull, adlen, NULL, nonce, v->seal) != 0) {
		buf_rollback(out, old);
		return error("vault: encryption failed");
	}
	return 0;
}

int
vault_open_sealed(struct vault *v, const char *ad, const void *blob,
    size_t n, struct buf *out)
{
	const unsigned char *b = blob;
	unsigned char adfull[1 + VAULT_AD_MAX];
	unsigned char *m;
	size_t adlen, mlen, old = out->len;

	if (seal_ad(ad, adfull, &adlen) < 0)
		return -1;
	if (b == NULL || n < VAULT_SEAL_OVERHEAD)
		return error("vault: cannot decrypt a value: it is truncated");
	if (b[0] != SEAL_VERSION)
		return error("vault: cannot decrypt a value: unknown format "
		    "version %u", (unsigned)b[0]);
	mlen = n - VAULT_SEAL_OVERHEAD;
	/* Makes room (filled with ciphertext) for the plaintext. */
	if (buf_add(out, b + SEAL_HEAD, mlen) < 0) {
		buf_rollback(out, old);
		return error("vault: decrypted value does not fit its buffer");
	}
	m = mlen ? (unsigned char *)out->p + old : NULL;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(m, NULL,
	    b + SEAL_HEAD, mlen, b + SEAL_HEAD + mlen, adfull, adlen,
	    b + 1, v->seal) != 0) {
		buf_rollback(out, old);
		return error("vault: cannot decrypt a value (wrong key, "
		    "altered, or moved from its place)");
	}
	return 0;
}

/* Input chunk for base64 encoding: a multiple of 3, so chunks join. */
#define B64_ENC_CHUNK 768
/* Text chunk for decoding: a multiple of 4, for the same reason. */
#define B64_DEC_CHUNK 1024

int
vault_b64_encode(const void *bin, size_t n, struct buf *out)
{
	char text[sodium_base64_ENCODED_LEN(B64_ENC_CHUNK, B64_VARIANT)];
	const unsigned char *p = bin;
	size_t old = out->len, k;

	while (n > 0) {
		k = n < B64_ENC_CHUNK ? n : B64_ENC_CHUNK;
		sodium_bin2base64(text, sizeof(text), p, k, B64_VARIANT);
		if (buf_addstr(out, text) < 0) {
			buf_rollback(out, old);
			return -1;
		}
		p += k;
		n -= k;
	}
	return 0;
}

int
vault_b64_decode(const char *text, size_t len, struct buf *out)
{
	unsigned char bin[B64_DEC_CHUNK / 4 * 3];
	const char *end;
	size_t old = out->len, k, binlen;

	while (len > 0) {
		k = len < B64_DEC_CHUNK ? len : B64_DEC_CHUNK;
		end = NULL;
		if (sodium_base642bin(bin, sizeof(bin), text, k, NULL, &binlen,
		    &end, B64_VARIANT) != 0 || end != text + k ||
		    buf_add(out, bin, binlen) < 0) {
			buf_rollback(out, old);
			return -1;
		}
		text += k;
		len -= k;
	}
	return 0;
}

int
vault_seal_text(struct vault *v, const char *ad, const char *plain,
    struct buf *out)
{
	size_t n = strlen(plain);
	struct buf blob;
	int rc = -1;

	if (n > SIZE_MAX - VAULT_SEAL_OVERHEAD)
		return error("vault: value too large to seal");
	buf_init(&blob, n + VAULT_SEAL_OVERHEAD);
	if (vault_seal(v, ad, plain, n, &blob) < 0)
		goto out;
	if (vault_b64_encode(blob.p, blob.len, out) < 0) {
		error("vault: sealed value does not fit its buffer");
		goto out;
	}
	rc = 0;
out:
	buf_release(&blob);
	return rc;
}

int
vault_open_text(struct vault *v, const char *ad, const char *text,
    struct buf *out)
{
	size_t len = strlen(text);
	struct buf blob;
	int rc = -1;

	buf_init(&blob, len / 4 * 3 + 3);
	if (vault_b64_decode(text, len, &blob) < 0)
		error("vault: cannot decrypt a value: it is not base64");
	else if (vault_open_sealed(v, ad, blob.p, blob.len, out) == 0)
		rc = 0;
	buf_release(&blob);
	return rc;
}

/* --- name normalisation --- */

/*
 * Decodes one UTF-8 sequence from *s (before end) into *cp and advances
 * *s; -1 for anything that is not well-formed UTF-8 (overlong forms,
 * surrogates, beyond U+10FFFF, truncated sequences).
 */
static int
utf8_next(const unsigned char **s, const unsigned char *end, uint32_t *cp)
{
	const unsigned char *p = *s;
	uint32_t c = p[0], min;
	size_t need, i;

	if (c < 0x80) {
		*cp = c;
		*s = p + 1;
		return 0;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		c &= 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		c &= 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		c &= 0x07;
		min = 0x10000;
	} else
		return -1;
	if ((size_t)(end - p) <= need)
		return -1;
	for (i = 1; i <= need; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return -1;
		c = (c << 6) | (p[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return -1;
	*cp = c;
	*s = p + need + 1;
	return 0;
}

/* Appends cp as UTF-8 at *pos in dst (size cap); -1 when full. */
static int
utf8_put(char *dst, size_t cap, size_t *pos, uint32_t cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xC0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xE0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xF0 | (cp >> 18));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	if (cap - *pos < n)
		return -1;
	memcpy(dst + *pos, b, n);
	*pos += n;
	return 0;
}

enum fold_class {
	FOLD_KEEP,	/* letter or digit: part of a word */
	FOLD_SEP,	/* ends a word: space, dash, apostrophe, punctuation */
	FOLD_DROP,	/* invisible in a word: combining mark, soft hyphen */
};

/* Non-ASCII code points that are not letters, sorted, not overlapping. */
static const struct fold_range {
	uint32_t lo, hi;
	enum fold_class cls;
} fold_ranges[] = {
	{0x0080, 0x00AC, FOLD_SEP},	/* C1 controls, NBSP, ¡ ¿ « » ... */
	{0x00AD, 0x00AD, FOLD_DROP},	/* soft hyphen */
	{0x00AE, 0x00BF, FOLD_SEP},
	{0x00D7, 0x00D7, FOLD_SEP},	/* × */
	{0x00F7, 0x00F7, FOLD_SEP},	/* ÷ */
	{0x02B9, 0x02BF, FOLD_SEP},	/* modifier primes and apostrophes */
	{0x02C0, 0x02FF, FOLD_DROP},	/* spacing accents */
	{0x0300, 0x036F, FOLD_DROP},	/* combining diacritical marks */
	{0x037E, 0x037E, FOLD_SEP},	/* Greek question mark */
	{0x0387, 0x0387, FOLD_SEP},	/* Greek ano teleia */
	{0x0483, 0x0489, FOLD_DROP},	/* combining Cyrillic */
	{0x055A, 0x055F, FOLD_SEP},	/* Armenian punctuation */
	{0x0589, 0x058A, FOLD_SEP},	/* Armenian full stop, hyphen */
	{0x0591, 0x05BD, FOLD_DROP},	/* Hebrew cantillation, points */
	{0x05BE, 0x05BE, FOLD_SEP},	/* Hebrew maqaf */
	{0x05BF, 0x05C7, FOLD_DROP},	/* Hebrew points */
	{0x060C, 0x060C, FOLD_SEP},	/* Arabic comma */
	{0x061B, 0x061B, FOLD_SEP},	/* Arabic semicolon */
	{0x061F, 0x061F, FOLD_SEP},	/* Arabic question mark */
	{0x0640, 0x0640, FOLD_DROP},	/* Arabic tatweel (elongation) */
	{0x064B, 0x065F, FOLD_DROP},	/* Arabic harakat */
	{0x0670, 0x0670, FOLD_DROP},	/* Arabic superscript alef */
	{0x06D4, 0x06D4, FOLD_SEP},	/* Arabic full stop */
	{0x1680, 0x1680, FOLD_SEP},	/* Ogham space */
	{0x1AB0, 0x1AFF, FOLD_DROP},	/* combining marks extended */
	{0x1DC0, 0x1DFF, FOLD_DROP},	/* combining marks supplement */
	{0x2000, 0x200A, FOLD_SEP},	/* spaces */
	{0x200B, 0x200D, FOLD_DROP},	/* zero width space, (non-)joiner */
	{0x200E, 0x205F, FOLD_SEP},	/* dashes, quotes, apostrophes... */
	{0x2060, 0x206F, FOLD_DROP},	/* word joiner, invisible format */
	{0x20D0, 0x20FF, FOLD_DROP},	/* combining marks for symbols */
	{0x2E00, 0x2E7F, FOLD_SEP},	/* supplemental punctuation */
	{0x3000, 0x3003, FOLD_SEP},	/* ideographic space, comma, stop */
	{0xFE00, 0xFE0F, FOLD_DROP},	/* variation selectors */
	{0xFE20, 0xFE2F, FOLD_DROP},	/* combining half marks */
	{0xFE50, 0xFE6F, FOLD_SEP},	/* small form punctuation */
	{0xFEFF, 0xFEFF, FOLD_DROP},	/* byte order mark */
	{0xFF01, 0xFF0F, FOLD_SEP},	/* fullwidth punctuation */
	{0xFF1A, 0xFF20, FOLD_SEP},
	{0xFF3B, 0xFF40, FOLD_SEP},
	{0xFF5B, 0xFF65, FOLD_SEP},
};

/*
 * Letters that fold to something else: to0 and, for ß æ œ ĳ þ ..., to1
 * (0 when unused). Sorted by cp. Generated from Unicode data: NFKD, drop
 * marks, case fold, NFKD again, drop marks; for U+00C0-U+024F,
 * U+0370-U+04FF and U+1E00-U+1EFF; letters without a decomposition
 * (æ ð ø þ ß đ ħ ı ĸ ŀ ł ŉ ŋ œ ŧ ẞ, hooked and barred African letters
 * and their IPA-block lower cases) mapped by hand to the Latin letter
 * people type for them. The same rule for Greek and Cyrillic gives ё→е,
 * й→и. In Python:
 *	f = strip(casefold(strip(nfkd(c))))  where strip drops category M*
 */
static const struct fold {
	uint16_t cp, to0, to1;
} fold_table[] = {
	{0x00C0,'a',0}, {0x00C1,'a',0}, {0x00C2,'a',0}, {0x00C3,'a',0},
	{0x00C4,'a',0}, {0x00C5,'a',0}, {0x00C6,'a','e'}, {0x00C7,'c',0},
	{0x00C8,'e',0}, {0x00C9,'e',0}, {0x00CA,'e',0}, {0x00CB,'e',0},
	{0x00CC,'i',0}, {0x00CD,'i',0}, {0x00CE,'i',0}, {0x00CF,'i',0},
	{0x00D0,'d',0}, {0x00D1,'n',0}, {0x00D2,'o',0}, {0x00D3,'o',0},
	{0x00D4,'o',0}, {0x00D5,'o',0}, {0x00D6,'o',0}, {0x00D8,'o',0},
	{0x00D9,'u',0}, {0x00DA,'u',0}, {0x00DB,'u',0}, {0x00DC,'u',0},
	{0x00DD,'y',0}, {0x00DE,'t','h'}, {0x00DF,'s','s'}, {0x00E0,'a',0},
	{0x00E1,'a',0}, {0x00E2,'a',0}, {0x00E3,'a',0}, {0x00E4,'a',0},
	{0x00E5,'a',0}, {0x00E6,'a','e'}, {0x00E7,'c',0}, {0x00E8,'e',0},
	{0x00E9,'e',0}, {0x00EA,'e',0}, {0x00EB,'e',0}, {0x00EC,'i',0},
	{0x00ED,'i',0}, {0x00EE,'i',0}, {0x00EF,'i',0}, {0x00F0,'d',0},
	{0x00F1,'n',0}, {0x00F2,'o',0}, {0x00F3,'o',0}, {0x00F4,'o',0},
	{0x00F5,'o',0}, {0x00F6,'o',0}, {0x00F8,'o',0}, {0x00F9,'u',0},
	{0x00FA,'u',0}, {0x00FB,'u',0}, {0x00FC,'u',0}, {0x00FD,'y',0},
	{0x00FE,'t','h'}, {0x00FF,'y',0}, {0x0100,'a',0}, {0x0101,'a',0},
	{0x0102,'a',0}, {0x0103,'a',0}, {0x0104,'a',0}, {0x0105,'a',0},
	{0x0106,'c',0}, {0x0107,'c',0}, {0x0108,'c',0}, {0x0109,'c',0},
	{0x010A,'c',0}, {0x010B,'c',0}, {0x010C,'c',0}, {0x010D,'c',0},
	{0x010E,'d',0}, {0x010F,'d',0}, {0x0110,'d',0}, {0x0111,'d',0},
	{0x0112,'e',0}, {0x0113,'e',0}, {0x0114,'e',0}, {0x0115,'e',0},
	{0x0116,'e',0}, {0x0117,'e',0}, {0x0118,'e',0}, {0x0119,'e',0},
	{0x011A,'e',0}, {0x011B,'e',0}, {0x011C,'g',0}, {0x011D,'g',0},
	{0x011E,'g',0}, {0x011F,'g',0}, {0x0120,'g',0}, {0x0121,'g',0},
	{0x0122,'g',0}, {0x0123,'g',0}, {0x0124,'h',0}, {0x0125,'h',0},
	{0x0126,'h',0}, {0x0127,'h',0}, {0x0128,'i',0}, {0x0129,'i',0},
	{0x012A,'i',0}, {0x012B,'i',0}, {0x012C,'i',0}, {0x012D,'i',0},
	{0x012E,'i',0}, {0x012F,'i',0}, {0x0130,'i',0}, {0x0131,'i',0},
	{0x0132,'i','j'}, {0x0133,'i','j'}, {0x0134,'j',0}, {0x0135,'j',0},
	{0x0136,'k',0}, {0x0137,'k',0}, {0x0138,'k',0}, {0x0139,'l',0},
	{0x013A,'l',0}, {0x013B,'l',0}, {0x013C,'l',0}, {0x013D,'l',0},
	{0x013E,'l',0}, {0x013F,'l',0}, {0x0140,'l',0}, {0x0141,'l',0},
	{0x0142,'l',0}, {0x0143,'n',0}, {0x0144,'n',0}, {0x0145,'n',0},
	{0x0146,'n',0}, {0x0147,'n',0}, {0x0148,'n',0}, {0x0149,'n',0},
	{0x014A,'n',0}, {0x014B,'n',0}, {0x014C,'o',0}, {0x014D,'o',0},
	{0x014E,'o',0}, {0x014F,'o',0}, {0x0150,'o',0}, {0x0151,'o',0},
	{0x0152,'o','e'}, {0x0153,'o','e'}, {0x0154,'r',0}, {0x0155,'r',0},
	{0x0156,'r',0}, {0x0157,'r',0}, {0x0158,'r',0}, {0x0159,'r',0},
	{0x015A,'s',0}, {0x015B,'s',0}, {0x015C,'s',0}, {0x015D,'s',0},
	{0x015E,'s',0}, {0x015F,'s',0}, {0x0160,'s',0}, {0x0161,'s',0},
	{0x0162,'t',0}, {0x0163,'t',0}, {0x0164,'t',0}, {0x0165,'t',0},
	{0x0166,'t',0}, {0x0167,'t',0}, {0x0168,'u',0}, {0x0169,'u',0},
	{0x016A,'u',0}, {0x016B,'u',0}, {0x016C,'u',0}, {0x016D,'u',0},
	{0x016E,'u',0}, {0x016F,'u',0}, {0x0170,'u',0}, {0x0171,'u',0},
	{0x0172,'u',0}, {0x0173,'u',0}, {0x0174,'w',0}, {0x0175,'w',0},
	{0x0176,'y',0}, {0x0177,'y',0}, {0x0178,'y',0}, {0x0179,'z',0},
	{0x017A,'z',0}, {0x017B,'z',0}, {0x017C,'z',0}, {0x017D,'z',0},
	{0x017E,'z',0}, {0x017F,'s',0}, {0x0180,'b',0}, {0x0181,'b',0},
	{0x0182,'b',0}, {0x0183,'b',0}, {0x0184,0x0185,0}, {0x0186,'o',0},
	{0x0187,'c',0}, {0x0188,'c',0}, {0x0189,'d',0}, {0x018A,'d',0},
	{0x018B,'d',0}, {0x018C,'d',0}, {0x018E,'e',0}, {0x018F,'e',0},
	{0x0190,'e',0}, {0x0191,'f',0}, {0x0192,'f',0}, {0x0193,'g',0},
	{0x0194,'g',0}, {0x0196,'i',0}, {0x0197,'i',0}, {0x0198,'k',0},
	{0x0199,'k',0}, {0x019A,'l',0}, {0x019C,0x026F,0}, {0x019D,'n',0},
	{0x019E,'n',0}, {0x019F,'o',0}, {0x01A0,'o',0}, {0x01A1,'o',0},
	{0x01A2,0x01A3,0}, {0x01A4,'p',0}, {0x01A5,'p',0}, {0x01A6,0x0280,0},
	{0x01A7,0x01A8,0}, {0x01A9,'s',0}, {0x01AC,'t',0}, {0x01AD,'t',0},
	{0x01AE,'t',0}, {0x01AF,'u',0}, {0x01B0,'u',0}, {0x01B1,'u',0},
	{0x01B2,'v',0}, {0x01B3,'y',0}, {0x01B4,'y',0}, {0x01B5,'z',0},
	{0x01B6,'z',0}, {0x01B7,'z',0}, {0x01B8,'z',0}, {0x01B9,'z',0},
	{0x01BC,0x01BD,0}, {0x01C4,'d','z'}, {0x01C5,'d','z'},
	{0x01C6,'d','z'}, {0x01C7,'l','j'}, {0x01C8,'l','j'},
	{0x01C9,'l','j'}, {0x01CA,'n','j'}, {0x01CB,'n','j'},
	{0x01CC,'n','j'}, {0x01CD,'a',0}, {0x01CE,'a',0}, {0x01CF,'i',0},
	{0x01D0,'i',0}, {0x01D1,'o',0}, {0x01D2,'o',0}, {0x01D3,'u',0},
	{0x01D4,'u',0}, {0x01D5,'u',0}, {0x01D6,'u',0}, {0x01D7,'u',0},
	{0x01D8,'u',0}, {0x01D9,'u',0}, {0x01DA,'u',0}, {0x01DB,'u',0},
	{0x01DC,'u',0}, {0x01DD,'e',0}, {0x01DE,'a',0}, {0x01DF,'a',0},
	{0x01E0,'a',0}, {0x01E1,'a',0}, {0x01E2,'a','e'}, {0x01E3,'a','e'},
	{0x01E4,'g',0}, {0x01E5,'g',0}, {0x01E6,'g',0}, {0x01E7,'g',0},
	{0x01E8,'k',0}, {0x01E9,'k',0}, {0x01EA,'o',0}, {0x01EB,'o',0},
	{0x01EC,'o',0}, {0x01ED,'o',0}, {0x01EE,'z',0}, {0x01EF,'z',0},
	{0x01F0,'j',0}, {0x01F1,'d','z'}, {0x01F2,'d','z'}, {0x01F3,'d','z'},
	{0x01F4,'g',0}, {0x01F5,'g',0}, {0x01F6,0x0195,0}, {0x01F7,0x01BF,0},
	{0x01F8,'n',0}, {0x01F9,'n',0}, {0x01FA,'a',0}, {0x01FB,'a',0},
	{0x01FC,'a','e'}, {0x01FD,'a','e'}, {0x01FE,'o',0}, {0x01FF,'o',0},
	{0x0200,'a',0}, {0x0201,'a',0}, {0x0202,'a',0}, {0x0203,'a',0},
	{0x0204,'e',0}, {0x0205,'e',0}, {0x0206,'e',0}, {0x0207,'e',0},
	{0x0208,'i',0}, {0x0209,'i',0}, {0x020A,'i',0}, {0x020B,'i',0},
	{0x020C,'o',0}, {0x020D,'o',0}, {0x020E,'o',0}, {0x020F,'o',0},
	{0x0210,'r',0}, {0x0211,'r',0}, {0x0212,'r',0}, {0x0213,'r',0},
	{0x0214,'u',0}, {0x0215,'u',0}, {0x0216,'u',0}, {0x0217,'u',0},
	{0x0218,'s',0}, {0x0219,'s',0}, {0x021A,'t',0}, {0x021B,'t',0},
	{0x021C,0x021D,0}, {0x021E,'h',0}, {0x021F,'h',0}, {0x0220,'n',0},
	{0x0222,0x0223,0}, {0x0224,'z',0}, {0x0225,'z',0}, {0x0226,'a',0},
	{0x0227,'a',0}, {0x0228,'e',0}, {0x0229,'e',0}, {0x022A,'o',0},
	{0x022B,'o',0}, {0x022C,'o',0}, {0x022D,'o',0}, {0x022E,'o',0},
	{0x022F,'o',0}, {0x0230,'o',0}, {0x0231,'o',0}, {0x0232,'y',0},
	{0x0233,'y',0}, {0x023A,'a',0}, {0x023B,'c',0}, {0x023C,'c',0},
	{0x023D,'l',0}, {0x023E,'t',0}, {0x0241,0x0242,0}, {0x0243,'b',0},
	{0x0244,'u',0}, {0x0245,'v',0}, {0x0246,'e',0}, {0x0247,'e',0},
	{0x0248,'j',0}, {0x0249,'j',0}, {0x024A,'q',0}, {0x024B,'q',0},
	{0x024C,'r',0}, {0x024D,'r',0}, {0x024E,'y',0}, {0x024F,'y',0},
	{0x0253,'b',0}, {0x0254,'o',0}, {0x0256,'d',0}, {0x0257,'d',0},
	{0x0259,'e',0}, {0x025B,'e',0}, {0x0260,'g',0}, {0x0263,'g',0},
	{0x0268,'i',0}, {0x0269,'i',0}, {0x0272,'n',0}, {0x0275,'o',0},
	{0x0283,'s',0}, {0x0288,'t',0}, {0x0289,'u',0}, {0x028A,'u',0},
	{0x028B,'v',0}, {0x028C,'v',0}, {0x0292,'z',0}, {0x0370,0x0371,0},
	{0x0372,0x0373,0}, {0x0374,0x02B9,0}, {0x0376,0x0377,0},
	{0x037F,0x03F3,0}, {0x0386,0x03B1,0}, {0x0388,0x03B5,0},
	{0x0389,0x03B7,0}, {0x038A,0x03B9,0}, {0x038C,0x03BF,0},
	{0x038E,0x03C5,0}, {0x038F,0x03C9,0}, {0x0390,0x03B9,0},
	{0x0391,0x03B1,0}, {0x0392,0x03B2,0}, {0x0393,0x03B3,0},
	{0x0394,0x03B4,0}, {0x0395,0x03B5,0}, {0x0396,0x03B6,0},
	{0x0397,0x03B7,0}, {0x0398,0x03B8,0}, {0x0399,0x03B9,0},
	{0x039A,0x03BA,0}, {0x039B,0x03BB,0}, {0x039C,0x03BC,0},
	{0x039D,0x03BD,0}, {0x039E,0x03BE,0}, {0x039F,0x03BF,0},
	{0x03A0,0x03C0,0}, {0x03A1,0x03C1,0}, {0x03A3,0x03C3,0},
	{0x03A4,0x03C4,0}, {0x03A5,0x03C5,0}, {0x03A6,0x03C6,0},
	{0x03A7,0x03C7,0}, {0x03A8,0x03C8,0}, {0x03A9,0x03C9,0},
	{0x03AA,0x03B9,0}, {0x03AB,0x03C5,0}, {0x03AC,0x03B1,0},
	{0x03AD,0x03B5,0}, {0x03AE,0x03B7,0}, {0x03AF,0x03B9,0},
	{0x03B0,0x03C5,0}, {0x03C2,0x03C3,0}, {0x03CA,0x03B9,0},
	{0x03CB,0x03C5,0}, {0x03CC,0x03BF,0}, {0x03CD,0x03C5,0},
	{0x03CE,0x03C9,0}, {0x03CF,0x03D7,0}, {0x03D0,0x03B2,0},
	{0x03D1,0x03B8,0}, {0x03D2,0x03C5,0}, {0x03D3,0x03C5,0},
	{0x03D4,0x03C5,0}, {0x03D5,0x03C6,0}, {0x03D6,0x03C0,0},
	{0x03D8,0x03D9,0}, {0x03DA,0x03DB,0}, {0x03DC,0x03DD,0},
	{0x03DE,0x03DF,0}, {0x03E0,0x03E1,0}, {0x03E2,0x03E3,0},
	{0x03E4,0x03E5,0}, {0x03E6,0x03E7,0}, {0x03E8,0x03E9,0},
	{0x03EA,0x03EB,0}, {0x03EC,0x03ED,0}, {0x03EE,0x03EF,0},
	{0x03F0,0x03BA,0}, {0x03F1,0x03C1,0}, {0x03F2,0x03C3,0},
	{0x03F4,0x03B8,0}, {0x03F5,0x03B5,0}, {0x03F7,0x03F8,0},
	{0x03F9,0x03C3,0}, {0x03FA,0x03FB,0}, {0x03FD,0x037B,0},
	{0x03FE,0x037C,0}, {0x03FF,0x037D,0}, {0x0400,0x0435,0},
	{0x0401,0x0435,0}, {0x0402,0x0452,0}, {0x0403,0x0433,0},
	{0x0404,0x0454,0}, {0x0405,0x0455,0}, {0x0406,0x0456,0},
	{0x0407,0x0456,0}, {0x0408,0x0458,0}, {0x0409,0x0459,0},
	{0x040A,0x045A,0}, {0x040B,0x045B,0}, {0x040C,0x043A,0},
	{0x040D,0x0438,0}, {0x040E,0x0443,0}, {0x040F,0x045F,0},
	{0x0410,0x0430,0}, {0x0411,0x0431,0}, {0x0412,0x0432,0},
	{0x0413,0x0433,0}, {0x0414,0x0434,0}, {0x0415,0x0435,0},
	{0x0416,0x0436,0}, {0x0417,0x0437,0}, {0x0418,0x0438,0},
	{0x0419,0x0438,0}, {0x041A,0x043A,0}, {0x041B,0x043B,0},
	{0x041C,0x043C,0}, {0x041D,0x043D,0}, {0x041E,0x043E,0},
	{0x041F,0x043F,0}, {0x0420,0x0440,0}, {0x0421,0x0441,0},
	{0x0422,0x0442,0}, {0x0423,0x0443,0}, {0x0424,0x0444,0},
	{0x0425,0x0445,0}, {0x0426,0x0446,0}, {0x0427,0x0447,0},
	{0x0428,0x0448,0}, {0x0429,0x0449,0}, {0x042A,0x044A,0},
	{0x042B,0x044B,0}, {0x042C,0x044C,0}, {0x042D,0x044D,0},
	{0x042E,0x044E,0}, {0x042F,0x044F,0}, {0x0439,0x0438,0},
	{0x0450,0x0435,0}, {0x0451,0x0435,0}, {0x0453,0x0433,0},
	{0x0457,0x0456,0}, {0x045C,0x043A,0}, {0x045D,0x0438,0},
	{0x045E,0x0443,0}, {0x0460,0x0461,0}, {0x0462,0x0463,0},
	{0x0464,0x0465,0}, {0x0466,0x0467,0}, {0x0468,0x0469,0},
	{0x046A,0x046B,0}, {0x046C,0x046D,0}, {0x046E,0x046F,0},
	{0x0470,0x0471,0}, {0x0472,0x0473,0}, {0x0474,0x0475,0},
	{0x0476,0x0475,0}, {0x0477,0x0475,0}, {0x0478,0x0479,0},
	{0x047A,0x047B,0}, {0x047C,0x047D,0}, {0x047E,0x047F,0},
	{0x0480,0x0481,0}, {0x048A,0x048B,0}, {0x048C,0x048D,0},
	{0x048E,0x048F,0}, {0x0490,0x0491,0}, {0x0492,0x0493,0},
	{0x0494,0x0495,0}, {0x0496,0x0497,0}, {0x0498,0x0499,0},
	{0x049A,0x049B,0}, {0x049C,0x049D,0}, {0x049E,0x049F,0},
	{0x04A0,0x04A1,0}, {0x04A2,0x04A3,0}, {0x04A4,0x04A5,0},
	{0x04A6,0x04A7,0}, {0x04A8,0x04A9,0}, {0x04AA,0x04AB,0},
	{0x04AC,0x04AD,0}, {0x04AE,0x04AF,0}, {0x04B0,0x04B1,0},
	{0x04B2,0x04B3,0}, {0x04B4,0x04B5,0}, {0x04B6,0x04B7,0},
	{0x04B8,0x04B9,0}, {0x04BA,0x04BB,0}, {0x04BC,0x04BD,0},
	{0x04BE,0x04BF,0}, {0x04C0,0x04CF,0}, {0x04C1,0x0436,0},
	{0x04C2,0x0436,0}, {0x04C3,0x04C4,0}, {0x04C5,0x04C6,0},
	{0x04C7,0x04C8,0}, {0x04C9,0x04CA,0}, {0x04CB,0x04CC,0},
	{0x04CD,0x04CE,0}, {0x04D0,0x0430,0}, {0x04D1,0x0430,0},
	{0x04D2,0x0430,0}, {0x04D3,0x0430,0}, {0x04D4,0x04D5,0},
	{0x04D6,0x0435,0}, {0x04D7,0x0435,0}, {0x04D8,0x04D9,0},
	{0x04DA,0x04D9,0}, {0x04DB,0x04D9,0}, {0x04DC,0x0436,0},
	{0x04DD,0x0436,0}, {0x04DE,0x0437,0}, {0x04DF,0x0437,0},
	{0x04E0,0x04E1,0}, {0x04E2,0x0438,0}, {0x04E3,0x0438,0},
	{0x04E4,0x0438,0}, {0x04E5,0x0438,0}, {0x04E6,0x043E,0},
	{0x04E7,0x043E,0}, {0x04E8,0x04E9,0}, {0x04EA,0x04E9,0},
	{0x04EB,0x04E9,0}, {0x04EC,0x044D,0}, {0x04ED,0x044D,0},
	{0x04EE,0x0443,0}, {0x04EF,0x0443,0}, {0x04F0,0x0443,0},
	{0x04F1,0x0443,0}, {0x04F2,0x0443,0}, {0x04F3,0x0443,0},
	{0x04F4,0x0447,0}, {0x04F5,0x0447,0}, {0x04F6,0x04F7,0},
	{0x04F8,0x044B,0}, {0x04F9,0x044B,0}, {0x04FA,0x04FB,0},
	{0x04FC,0x04FD,0}, {0x04FE,0x04FF,0}, {0x1E00,'a',0}, {0x1E01,'a',0},
	{0x1E02,'b',0}, {0x1E03,'b',0}, {0x1E04,'b',0}, {0x1E05,'b',0},
	{0x1E06,'b',0}, {0x1E07,'b',0}, {0x1E08,'c',0}, {0x1E09,'c',0},
	{0x1E0A,'d',0}, {0x1E0B,'d',0}, {0x1E0C,'d',0}, {0x1E0D,'d',0},
	{0x1E0E,'d',0}, {0x1E0F,'d',0}, {0x1E10,'d',0}, {0x1E11,'d',0},
	{0x1E12,'d',0}, {0x1E13,'d',0}, {0x1E14,'e',0}, {0x1E15,'e',0},
	{0x1E16,'e',0}, {0x1E17,'e',0}, {0x1E18,'e',0}, {0x1E19,'e',0},
	{0x1E1A,'e',0}, {0x1E1B,'e',0}, {0x1E1C,'e',0}, {0x1E1D,'e',0},
	{0x1E1E,'f',0}, {0x1E1F,'f',0}, {0x1E20,'g',0}, {0x1E21,'g',0},
	{0x1E22,'h',0}, {0x1E23,'h',0}, {0x1E24,'h',0}, {0x1E25,'h',0},
	{0x1E26,'h',0}, {0x1E27,'h',0}, {0x1E28,'h',0}, {0x1E29,'h',0},
	{0x1E2A,'h',0}, {0x1E2B,'h',0}, {0x1E2C,'i',0}, {0x1E2D,'i',0},
	{0x1E2E,'i',0}, {0x1E2F,'i',0}, {0x1E30,'k',0}, {0x1E31,'k',0},
	{0x1E32,'k',0}, {0x1E33,'k',0}, {0x1E34,'k',0}, {0x1E35,'k',0},
	{0x1E36,'l',0}, {0x1E37,'l',0}, {0x1E38,'l',0}, {0x1E39,'l',0},
	{0x1E3A,'l',0}, {0x1E3B,'l',0}, {0x1E3C,'l',0}, {0x1E3D,'l',0},
	{0x1E3E,'m',0}, {0x1E3F,'m',0}, {0x1E40,'m',0}, {0x1E41,'m',0},
	{0x1E42,'m',0}, {0x1E43,'m',0}, {0x1E44,'n',0}, {0x1E45,'n',0},
	{0x1E46,'n',0}, {0x1E47,'n',0}, {0x1E48,'n',0}, {0x1E49,'n',0},
	{0x1E4A,'n',0}, {0x1E4B,'n',0}, {0x1E4C,'o',0}, {0x1E4D,'o',0},
	{0x1E4E,'o',0}, {0x1E4F,'o',0}, {0x1E50,'o',0}, {0x1E51,'o',0},
	{0x1E52,'o',0}, {0x1E53,'o',0}, {0x1E54,'p',0}, {0x1E55,'p',0},
	{0x1E56,'p',0}, {0x1E57,'p',0}, {0x1E58,'r',0}, {0x1E59,'r',0},
	{0x1E5A,'r',0}, {0x1E5B,'r',0}, {0x1E5C,'r',0}, {0x1E5D,'r',0},
	{0x1E5E,'r',0}, {0x1E5F,'r',0}, {0x1E60,'s',0}, {0x1E61,'s',0},
	{0x1E62,'s',0}, {0x1E63,'s',0}, {0x1E64,'s',0}, {0x1E65,'s',0},
	{0x1E66,'s',0}, {0x1E67,'s',0}, {0x1E68,'s',0}, {0x1E69,'s',0},
	{0x1E6A,'t',0}, {0x1E6B,'t',0}, {0x1E6C,'t',0}, {0x1E6D,'t',0},
	{0x1E6E,'t',0}, {0x1E6F,'t',0}, {0x1E70,'t',0}, {0x1E71,'t',0},
	{0x1E72,'u',0}, {0x1E73,'u',0}, {0x1E74,'u',0}, {0x1E75,'u',0},
	{0x1E76,'u',0}, {0x1E77,'u',0}, {0x1E78,'u',0}, {0x1E79,'u',0},
	{0x1E7A,'u',0}, {0x1E7B,'u',0}, {0x1E7C,'v',0}, {0x1E7D,'v',0},
	{0x1E7E,'v',0}, {0x1E7F,'v',0}, {0x1E80,'w',0}, {0x1E81,'w',0},
	{0x1E82,'w',0}, {0x1E83,'w',0}, {0x1E84,'w',0}, {0x1E85,'w',0},
	{0x1E86,'w',0}, {0x1E87,'w',0}, {0x1E88,'w',0}, {0x1E89,'w',0},
	{0x1E8A,'x',0}, {0x1E8B,'x',0}, {0x1E8C,'x',0}, {0x1E8D,'x',0},
	{0x1E8E,'y',0}, {0x1E8F,'y',0}, {0x1E90,'z',0}, {0x1E91,'z',0},
	{0x1E92,'z',0}, {0x1E93,'z',0}, {0x1E94,'z',0}, {0x1E95,'z',0},
	{0x1E96,'h',0}, {0x1E97,'t',0}, {0x1E98,'w',0}, {0x1E99,'y',0},
	{0x1E9A,'a',0x02BE}, {0x1E9B,'s',0}, {0x1E9E,'s','s'}, {0x1EA0,'a',0},
	{0x1EA1,'a',0}, {0x1EA2,'a',0}, {0x1EA3,'a',0}, {0x1EA4,'a',0},
	{0x1EA5,'a',0}, {0x1EA6,'a',0}, {0x1EA7,'a',0}, {0x1EA8,'a',0},
	{0x1EA9,'a',0}, {0x1EAA,'a',0}, {0x1EAB,'a',0}, {0x1EAC,'a',0},
	{0x1EAD,'a',0}, {0x1EAE,'a',0}, {0x1EAF,'a',0}, {0x1EB0,'a',0},
	{0x1EB1,'a',0}, {0x1EB2,'a',0}, {0x1EB3,'a',0}, {0x1EB4,'a',0},
	{0x1EB5,'a',0}, {0x1EB6,'a',0}, {0x1EB7,'a',0}, {0x1EB8,'e',0},
	{0x1EB9,'e',0}, {0x1EBA,'e',0}, {0x1EBB,'e',0}, {0x1EBC,'e',0},
	{0x1EBD,'e',0}, {0x1EBE,'e',0}, {0x1EBF,'e',0}, {0x1EC0,'e',0},
	{0x1EC1,'e',0}, {0x1EC2,'e',0}, {0x1EC3,'e',0}, {0x1EC4,'e',0},
	{0x1EC5,'e',0}, {0x1EC6,'e',0}, {0x1EC7,'e',0}, {0x1EC8,'i',0},
	{0x1EC9,'i',0}, {0x1ECA,'i',0}, {0x1ECB,'i',0}, {0x1ECC,'o',0},
	{0x1ECD,'o',0}, {0x1ECE,'o',0}, {0x1ECF,'o',0}, {0x1ED0,'o',0},
	{0x1ED1,'o',0}, {0x1ED2,'o',0}, {0x1ED3,'o',0}, {0x1ED4,'o',0},
	{0x1ED5,'o',0}, {0x1ED6,'o',0}, {0x1ED7,'o',0}, {0x1ED8,'o',0},
	{0x1ED9,'o',0}, {0x1EDA,'o',0}, {0x1EDB,'o',0}, {0x1EDC,'o',0},
	{0x1EDD,'o',0}, {0x1EDE,'o',0}, {0x1EDF,'o',0}, {0x1EE0,'o',0},
	{0x1EE1,'o',0}, {0x1EE2,'o',0}, {0x1EE3,'o',0}, {0x1EE4,'u',0},
	{0x1EE5,'u',0}, {0x1EE6,'u',0}, {0x1EE7,'u',0}, {0x1EE8,'u',0},
	{0x1EE9,'u',0}, {0x1EEA,'u',0}, {0x1EEB,'u',0}, {0x1EEC,'u',0},
	{0x1EED,'u',0}, {0x1EEE,'u',0}, {0x1EEF,'u',0}, {0x1EF0,'u',0},
	{0x1EF1,'u',0}, {0x1EF2,'y',0}, {0x1EF3,'y',0}, {0x1EF4,'y',0},
	{0x1EF5,'y',0}, {0x1EF6,'y',0}, {0x1EF7,'y',0}, {0x1EF8,'y',0},
	{0x1EF9,'y',0}, {0x1EFA,0x1EFB,0}, {0x1EFC,0x1EFD,0},
	{0x1EFE,0x1EFF,0},
};

static int
fold_cmp(const void *key, const void *elem)
{
	uint32_t cp = *(const uint32_t *)key;
	const struct fold *f = elem;

	return cp < f->cp ? -1 : cp > f->cp;
}

static int
range_cmp(const void *key, const void *elem)
{
	uint32_t cp = *(const uint32_t *)key;
	const struct fold_range *r = elem;

	return cp < r->lo ? -1 : cp > r->hi;
}

/* Classifies cp; for FOLD_KEEP, to[0..1] is what it folds to. */
static enum fold_class
fold(uint32_t cp, uint32_t to[2])
{
	const struct fold *f;
	const struct fold_range *r;

	to[0] = cp;
	to[1] = 0;
	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z')
			to[0] = cp - 'A' + 'a';
		else if (!(cp >= 'a' && cp <= 'z') && !(cp >= '0' && cp <= '9'))
			return FOLD_SEP;
		return FOLD_KEEP;
	}
	r = bsearch(&cp, fold_ranges, ARRAY_SIZE(fold_ranges),
	    sizeof(fold_ranges[0]), range_cmp);
	if (r != NULL)
		return r->cls;
	/* Fullwidth forms, as East Asian input methods type them. */
	if (cp >= 0xFF10 && cp <= 0xFF19) {
		to[0] = cp - 0xFF10 + '0';
		return FOLD_KEEP;
	}
	if (cp >= 0xFF21 && cp <= 0xFF3A) {
		to[0] = cp - 0xFF21 + 'a';
		return FOLD_KEEP;
	}
	if (cp >= 0xFF41 && cp <= 0xFF5A) {
		to[0] = cp - 0xFF41 + 'a';
		return FOLD_KEEP;
	}
	if (cp <= 0xFFFF) {
		f = bsearch(&cp, fold_table, ARRAY_SIZE(fold_table),
		    sizeof(fold_table[0]), fold_cmp);
		if (f != NULL) {
			to[0] = f->to0;
			to[1] = f->to1;
		}
	}
	return FOLD_KEEP;
}

/*
 * A name cut into normalised words. Holds personal data: callers wipe it
 * with words_wipe(). Each folded code point takes at most twice the bytes
 * of its input, so text cannot overflow; utf8_put checks anyway.
 */
struct words {
	char text[2 * VAULT_NAME_MAX + 2];
	const char *w[VAULT_NAME_MAX / 2 + 1];
	size_t n;
};

static void
words_wipe(struct words *wd)
{
	sodium_memzero(wd, sizeof(*wd));
}

/* Splits and folds name into wd; -1 (logged, name not shown) if bad. */
static int
normalise(const char *name, struct words *wd)
{
	const unsigned char *s, *end;
	uint32_t cp, to[2];
	size_t len, pos = 0, cap = sizeof(wd->text) - 1;
	bool in_word = false;

	wd->n = 0;
	if (name == NULL)
		return error("vault: no name given");
	len = strlen(name);
	if (len > VAULT_NAME_MAX)
		return error("vault: name longer than %d bytes",
		    VAULT_NAME_MAX);
	s = (const unsigned char *)name;
	end = s + len;
	while (s < end) {
		if (utf8_next(&s, end, &cp) < 0)
			return error("vault: name is not valid UTF-8");
		switch (fold(cp, to)) {
		case FOLD_DROP:
			break;
		case FOLD_SEP:
			if (in_word) {
				wd->text[pos++] = '\0';
				in_word = false;
			}
			break;
		case FOLD_KEEP:
			if (!in_word) {
				if (NEVER(wd->n >= ARRAY_SIZE(wd->w)))
					return error("vault: too many words");
				wd->w[wd->n++] = wd->text + pos;
				in_word = true;
			}
			if (NEVER(utf8_put(wd->text, cap, &pos, to[0]) < 0) ||
			    (to[1] != 0 &&
			    NEVER(utf8_put(wd->text, cap, &pos, to[1]) < 0)))
				return error("vault: name too long to fold");
			break;
		}
	}
	wd->text[pos] = '\0';
	return 0;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
token_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * Word tokens and whole-name tokens are hashed in separate domains (a
 * leading 'W' or 'N'), so the two kinds never compare equal.
 */
static int
hash_words(struct vault *v, char domain, const char *const *w, size_t n,
    char out[VAULT_TOKEN_HEX])
{
	crypto_generichash_state st;
	unsigned char h[TOKEN_BYTES];
	size_t i;
	int rc = -1;

	if (crypto_generichash_init(&st, v->index, sizeof(v->index),
	    sizeof(h)) != 0 ||
	    crypto_generichash_update(&st, (const unsigned char *)&domain,
	    1) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		/* Words hold no space, so joining with one is unambiguous. */
		if ((i > 0 && crypto_generichash_update(&st,
		    (const unsigned char *)" ", 1) != 0) ||
		    crypto_generichash_update(&st, (const unsigned char *)w[i],
		    strlen(w[i])) != 0)
			goto out;
	}
	if (crypto_generichash_final(&st, h, sizeof(h)) != 0)
		goto out;
	sodium_bin2hex(out, VAULT_TOKEN_HEX, h, sizeof(h));
	rc = 0;
out:
	sodium_memzero(&st, sizeof(st));
	if (rc < 0)
		error("vault: blind index hash failed");
	return rc;
}

int
vault_name_normalise(const char *name, struct buf *out)
{
	struct words wd;
	size_t i, old = out->len;
	int rc = -1;

	if (normalise(name, &wd) < 0)
		goto out;
	for (i = 0; i < wd.n; i++)
		if ((i > 0 && buf_addch(out, ' ') < 0) ||
		    buf_addstr(out, wd.w[i]) < 0) {
			buf_rollback(out, old);
			error("vault: normalised name does not fit its buffer");
			goto out;
		}
	rc = 0;
out:
	words_wipe(&wd);
	return rc;
}

int
vault_name_tokens(struct vault *v, const char *name,
    char tokens[][VAULT_TOKEN_HEX], size_t max, size_t *n)
{
	struct words wd;
	size_t i, k = 0;
	int rc = -1;

	*n = 0;
	if (normalise(name, &wd) < 0)
		goto out;
	/* Sorting brings repeated words together, to index each once. */
	qsort(wd.w, wd.n, sizeof(wd.w[0]), str_cmp);
	for (i = 0; i < wd.n; i++) {
		if (i > 0 && strcmp(wd.w[i - 1], wd.w[i]) == 0)
			continue;
		if (k == max) {
			error("vault: name has more than %zu distinct words",
			    max);
			goto out;
		}
		if (hash_words(v, 'W', &wd.w[i], 1, tokens[k]) < 0)
			goto out;
		k++;
	}
	if (k > 0)
		qsort(tokens, k, sizeof(tokens[0]), token_cmp);
	*n = k;
	rc = 0;
out:
	words_wipe(&wd);
	return rc;
}

int
vault_name_key(struct vault *v, const char *name, char out[VAULT_TOKEN_HEX])
{
	struct words wd;
	int rc = -1;

	out[0] = '\0';
	if (normalise(name, &wd) < 0)
		goto out;
	if (wd.n == 0) {
		rc = 0;
		goto out;
	}
	qsort(wd.w, wd.n, sizeof(wd.w[0]), str_cmp);
	rc = hash_words(v, 'N', wd.w, wd.n, out);
out:
	words_wipe(&wd);
	return rc;
}

int
vault_seal_json(struct vault *v, const char *ad, json_t *j, struct buf *out)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	size_t n;
	int rc;

	if (s == NULL)
		return error("vault: cannot encode a record");
	n = strlen(s);
	rc = vault_seal(v, ad, s, n, out);
	sodium_memzero(s, n);
	free(s);
	return rc;
}

json_t *
vault_open_json(struct vault *v, const char *ad, const void *blob, size_t n)
{
	struct buf b;
	json_t *j;

	if (blob == NULL || n == 0)
		return json_object();
	buf_init(&b, n + 64);
	if (vault_open_sealed(v, ad, blob, n, &b) < 0) {
		buf_release(&b);
		return NULL;
	}
	j = json_loadb(b.p ? b.p : "{}", b.len ? b.len : 2,
	    JSON_REJECT_DUPLICATES, NULL);
	if (b.p)
		sodium_memzero(b.p, b.cap);
	buf_release(&b);
	if (!json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}
