/*
 * vault.h - encryption of identifying data at rest, and the blind index
 * that lets ctm find a person by name without storing the name in clear.
 *
 * One 32-byte master key lives in a key file outside the database. From
 * it, crypto_kdf derives three independent subkeys: one encrypts fields,
 * one computes the name blind index, one computes the key check value.
 * Losing the key file loses every encrypted field: back it up apart from
 * the database (a copy of both together is a copy of the names).
 *
 * Key file format (text, exactly VAULT_KEYFILE_SIZE = 81 bytes):
 *
 *	ctm-vault-key 1\n
 *	<64 hex digits: the 32-byte master key>\n
 *
 * The first line names the format and its version, so a file of the wrong
 * kind or a future version is refused with a message saying so. The file
 * must be a regular file with no permission bits for group or others
 * (mode 0600 or stricter); vault_create_keyfile() makes it so.
 *
 * Sealed blobs (what the database stores for an encrypted field):
 *
 *	version (1 byte, 0x01) || nonce (24 random) || ciphertext || tag (16)
 *
 * XChaCha20-Poly1305 (IETF) under the field subkey. The associated data
 * is the version byte followed by the caller's "ad" string, which names
 * the value's place ("person:42:field:prs_first_name"): a blob copied to
 * another row or field, a changed version byte, one flipped bit or another
 * key all make vault_open_sealed() fail instead of returning garbage.
 *
 * The blind index and what it leaks. A name is normalised (case folded,
 * accents stripped, ß→ss, æ→ae, ø→o, ł→l...; any run of spaces, hyphens,
 * apostrophes or other punctuation is one separator) and split into words.
 * Each word gives a token: BLAKE2b keyed with the index subkey, cut to 16
 * bytes. The whole name gives one more token from its words in sorted
 * order, so word order does not matter. Tokens are deterministic, which
 * is what makes search work, and is also what leaks: someone holding the
 * database but not the key learns which stored people share a normalised
 * word or a whole normalised name, and how many words a name has (from the
 * number of tokens) - never the word itself: testing a guess ("is token X
 * 'maria'?") needs the key, and without it a guess cannot even be tried
 * offline. That is acceptable because the equality pattern alone names
 * no one and says nothing about where anyone is, while the alternative,
 * decrypting every name on every search, does not scale to a central
 * server with many offices. Its limits: frequent words (María, Mohammed)
 * stand out by count, and whoever also holds the key file can test
 * guesses - so tokens are never shown, logged or exported, the key file
 * is kept apart from database copies, and the field ciphertexts carry no
 * such pattern (random nonces).
 *
 * Normalisation covers Latin-1 Supplement, Latin Extended-A and -B, Latin
 * Extended Additional (Vietnamese, Yoruba), the African letters of the
 * IPA block (ɓ ɗ ɛ ɔ ŋ ...), Greek and Cyrillic (case folded, diacritics
 * stripped: ё→е, й→и). Combining marks are dropped, so a decomposed "é"
 * (e + U+0301) folds like the precomposed one. Letters of other scripts
 * are kept unchanged (they have no case).
 *
 * Threads: a struct vault is read-only after vault_open(); every function
 * here may be called from any number of threads at once.
 *
 * None of these functions logs the data it handles: errors name the key
 * file path or the kind of failure only.
 */
#ifndef CTM_VAULT_H
#define CTM_VAULT_H

#include "compat.h"

#include <jansson.h>

#include "buf.h"

struct vault;

/* Size in bytes of a valid key file (header line + 64 hex + newline). */
#define VAULT_KEYFILE_SIZE 81
/* A blind-index token: 16 bytes as lowercase hex + NUL. */
#define VAULT_TOKEN_HEX 33
/* The key check value: 32 bytes as lowercase hex + NUL. */
#define VAULT_CHECK_HEX 65
/* Bytes a sealed blob adds to its plaintext (version, nonce, tag). */
#define VAULT_SEAL_OVERHEAD 41
/* Longest associated-data string accepted, in bytes. */
#define VAULT_AD_MAX 255
/* Longest name the blind index accepts, in bytes of UTF-8. */
#define VAULT_NAME_MAX 1024

/*
 * Creates a new key file at path with a fresh random master key, mode
 * 0600, opened with O_EXCL: fails (-1, logged) if anything already exists
 * at path, so an existing key is never overwritten. The file and its
 * directory are fsync'd before returning 0.
 */
int vault_create_keyfile(const char *path);

/*
 * Loads the key file and derives the subkeys into locked, read-only
 * memory. NULL, with an error logged that names the path and says what is
 * wrong (missing, unreadable, permissions open to group or others, not a
 * regular file, wrong size, not a ctm key file, unsupported version).
 * The caller frees the vault with vault_close().
 */
struct vault *vault_open(const char *keyfile);

/* Wipes the keys and frees v. NULL is allowed. */
void vault_close(struct vault *v);

/*
 * The key check value: a keyed BLAKE2b of a constant under its own
 * subkey, as hex. The database stores it at init; at start the server
 * compares with vault_check_matches() and refuses a different key. It
 * reveals nothing about the field or index keys.
 */
int vault_check_token(struct vault *v, char out[VAULT_CHECK_HEX]);

/*
 * 0 when stored (a value from vault_check_token() kept by the database)
 * matches v's key, in constant time; -1 with a clear error otherwise.
 */
int vault_check_matches(struct vault *v, const char *stored);

/*
 * Encrypts n bytes of plain (may be NULL when n is 0) bound to ad, and
 * appends the blob (VAULT_SEAL_OVERHEAD + n bytes) to out. ad must be a
 * non-empty string of at most VAULT_AD_MAX bytes. -1 when out would grow
 * past its maximum or ad is invalid; out is then left as it was.
 */
int vault_seal(struct vault *v, const char *ad, const void *plain, size_t n,
    struct buf *out);

/*
 * Decrypts a blob made by vault_seal() with the same key and ad, and
 * appends the plaintext to out (NUL-terminated after it: read it with
 * buf_cstr(out), which also covers an empty plaintext). -1 when the blob
 * is malformed, was tampered with, belongs to another place (ad) or
 * another key; out is then left as it was. The blob is untrusted input;
 * it must not point into out. Only "cannot decrypt" is logged, never why
 * in detail nor any content.
 */
int vault_open_sealed(struct vault *v, const char *ad, const void *blob,
    size_t n, struct buf *out);

/*
 * JSON records: vault_seal_json() seals j (compact, keys sorted) bound
 * to ad and appends the blob to out, wiping the plain text;
 * vault_open_json() gives back the object (new reference), or NULL when
 * the blob cannot be opened or is not a JSON object (an empty blob is
 * an empty object). The opened text is wiped.
 */
int vault_seal_json(struct vault *v, const char *ad, json_t *j,
    struct buf *out);
json_t *vault_open_json(struct vault *v, const char *ad, const void *blob,
    size_t n);

/*
 * Text forms for callers that store text: vault_seal_text() seals the
 * string plain and appends the blob as URL-safe base64 without padding;
 * vault_open_text() reverses it. Same failures as above, plus -1 for text
 * that is not base64.
 */
int vault_seal_text(struct vault *v, const char *ad, const char *plain,
    struct buf *out);
int vault_open_text(struct vault *v, const char *ad, const char *text,
    struct buf *out);

/* URL-safe base64 without padding (sodium's URLSAFE_NO_PADDING). */
int vault_b64_encode(const void *bin, size_t n, struct buf *out);
/* -1 (not logged) when text[0..len) is not such base64. */
int vault_b64_decode(const char *text, size_t len, struct buf *out);

/*
 * Appends the normalised form of name to out: its words, folded as
 * described above, in their original order, separated by one space.
 * For tests and diagnostics, and to compare the names of organisations
 * and shelters (protection.c); for a person's name the output is personal
 * data. -1 when name
 * is not valid UTF-8 or longer than VAULT_NAME_MAX (logged without the
 * name), or out is full.
 */
int vault_name_normalise(const char *name, struct buf *out);

/*
 * One token per distinct normalised word of name, written to
 * tokens[0..*n), sorted by token value (so their order says nothing about
 * the words). *n is 0 for a name with no letters or digits. -1 when
 * name is invalid (see above) or has more than max distinct words.
 */
int vault_name_tokens(struct vault *v, const char *name,
    char tokens[][VAULT_TOKEN_HEX], size_t max, size_t *n);

/*
 * One token for the whole name with word order folded: "José María",
 * "maria jose" and "MARIA  JOSÉ" give the same token. Word and whole-name
 * tokens are hashed in separate domains, so a one-word name's whole-name
 * token differs from its word token. out is "" when the name has no
 * letters or digits (store nothing, search nothing). -1 as above.
 */
int vault_name_key(struct vault *v, const char *name,
    char out[VAULT_TOKEN_HEX]);

#endif
