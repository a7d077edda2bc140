/*
 * htcds_toolkit.c - the HTCDS toolkit case sheet as CSV and .xlsx: the
 * column table, the writers, and readers that turn a sheet into case
 * files. See htcds_toolkit.h.
 */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <csv.h>
#include <expat.h>
#include <sodium.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "csvout.h"
#include "buf.h"
#include "catalogue.h"
#include "cli.h"
#include "htcds_toolkit.h"
#include "http.h"
#include "log.h"

#define TK_PART_MAX	(64u << 20)	/* bytes of one unzipped part */
#define TK_ROWS_MAX	200000		/* sheet rows read */
#define TK_COLS_MAX	256		/* columns read; the sheet has 39 */
#define TK_STRINGS_MAX	2000000		/* shared strings */
#define TK_CELL_MAX	(1u << 20)	/* bytes of one cell's text */

/* What a column of the case sheet becomes in a case file. */
enum tk_kind {
	TK_FIELD,	/* a scalar field of the case file */
	TK_REF_IN,	/* a field of the first incoming referral */
	TK_REF_OUT,	/* a field of the first outgoing referral */
	TK_IGNORED,	/* no place in ctm: written empty, not read */
	TK_CONSENT,	/* written from the last consent, not read */
};

struct tk_col {
	const char *name;	/* row 1 of the toolkit, verbatim */
	const char *label;	/* row 2 of the toolkit, verbatim */
	enum tk_kind kind;
	enum field_id fid;	/* TK_FIELD, TK_REF_* */
};

/* Columns B to AM, in the toolkit's order. In N..R the toolkit's row 1
 * and row 2 disagree: the label people see decides the field. */
static const struct tk_col tk_cols[] = {
	{ "cas_CaseOwner", "Case Owner", TK_IGNORED, 0 },
	{ "prs_Salutation", "Salutation", TK_FIELD, PRS_SALUTATION },
	{ "prs_FirstName", "First Name", TK_FIELD, PRS_FIRST_NAME },
	{ "prs_SecondName", "Second Name", TK_FIELD, PRS_SECOND_NAME },
	{ "con_Consent", "Consent", TK_CONSENT, 0 },
	{ "prs_Birthdate", "Birthdate", TK_FIELD, PRS_BIRTHDATE },
	{ "prs_Gender", "Gender", TK_FIELD, PRS_GENDER },
	{ "prs_Citizenship", "Citizenship", TK_FIELD, PRS_CITIZENSHIP },
	{ "prs_Title", "Title", TK_IGNORED, 0 },
	{ "prs_Email", "Email", TK_FIELD, PRS_EMAIL },
	{ "prs_HomePhone", "Home Phone", TK_FIELD, PRS_HOME_PHONE },
	{ "prs_MobilePhone", "Mobile Phone", TK_FIELD, PRS_MOBILE_PHONE },
	{ "prs_MailingCity", "Mailing Street", TK_FIELD, PRS_MAILING_STREET },
	{ "prs_MailingCountry", "Mailing City", TK_FIELD, PRS_MAILING_CITY },
	{ "prs_MailingState", "Mailing State/Province", TK_FIELD,
	    PRS_MAILING_STATE },
	{ "prs_MailingStreet", "Mailing Zip/Postal Code", TK_FIELD,
	    PRS_MAILING_POSTAL_CODE },
	{ "prs_MailingPostalCode", "Mailing Country", TK_FIELD,
	    PRS_MAILING_COUNTRY },
	{ "vic_TraffickingStatus", "Trafficking Status", TK_FIELD,
	    VIC_TRAFFICKING_STATUS },
	{ "vic_TraffickinStatusDecisionMakingOrg",
	    "Trafficking Status Decision Making Organization", TK_FIELD,
	    VIC_STATUS_DECISION_ORG },
	{ "vic_MethodOfRecruitment", "Method of Recruitment", TK_FIELD,
	    VIC_METHOD_OF_RECRUITMENT },
	{ "vic_LocationOfRecruitment", "Location of Recruitment", TK_FIELD,
	    VIC_LOCATION_OF_RECRUITMENT },
	{ "vic_MethodsOfControl", "Methods of Control", TK_FIELD,
	    VIC_METHODS_OF_CONTROL },
	{ "vic_TypeOfExploitation", "Type of Exploitation", TK_FIELD,
	    VIC_TYPE_OF_EXPLOITATION },
	{ "vic_ForcedLabourIndustry", "Forced Labour Industry", TK_FIELD,
	    VIC_FORCED_LABOUR_INDUSTRY },
	{ "vic_TypeOfSexExploitation", "Type of Sex Exploitation", TK_FIELD,
	    VIC_TYPE_OF_SEX_EXPLOITATION },
	{ "vic_LocationOfExploitation", "Location of Exploitation", TK_FIELD,
	    VIC_LOCATION_OF_EXPLOITATION },
	{ "cas_Status", "Status", TK_FIELD, CAS_STATUS },
	{ "cas_ReferringOrganisation", "Referring Organisation", TK_REF_IN,
	    REF_ORGANISATION },
	{ "cas_IncomingReferralDate", "Incoming Referral Date", TK_REF_IN,
	    REF_DATE },
	{ "cas_ReferringPrimaryCaseWorker", "Referring Primary Case Worker",
	    TK_REF_IN, REF_PRIMARY_CASE_WORKER },
	{ "cas_ReasonForIncomingReferral", "Reason for Incoming Referral",
	    TK_REF_IN, REF_REASON },
	{ "cas_IncomingReferralDetails", "Incoming Referral Details",
	    TK_REF_IN, REF_DETAILS },
	{ "cas_ReferredOrganisation", "Referred Organisation", TK_REF_OUT,
	    REF_ORGANISATION },
	{ "cas_ReferredPrimaryCaseWorker", "Referred Primary Case Worker",
	    TK_REF_OUT, REF_PRIMARY_CASE_WORKER },
	{ "", "Reason for Outgoing Referral", TK_REF_OUT, REF_REASON },
	{ "cas_OutgoingReferralDate", "Outgoing Referral Date", TK_REF_OUT,
	    REF_DATE },
	{ "cas_OutgoingReferralDetails", "Outgoing Referral Details",
	    TK_REF_OUT, REF_DETAILS },
	{ "cas_ReasonForCaseClosure", "Reason for Case Closure", TK_FIELD,
	    CAS_REASON_FOR_CLOSURE },
};

#define TK_NCOLS ARRAY_SIZE(tk_cols)
_Static_assert(ARRAY_SIZE(tk_cols) == 38, "the toolkit has columns B..AM");

/* --- values --- */

/* s lower-cased with everything but letters and digits left out, so
 * "Follow up", "Follow-up" and "FollowUp" compare equal. */
static void
norm(const char *s, char *out, size_t n)
{
	size_t j = 0;

	for (; *s && j + 1 < n; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x80 || isalnum(c))
			out[j++] = (char)tolower(c);
	}
	out[j] = '\0';
}

/* The code of list cl that v (untrusted) names by code or English label;
 * special answers likewise; v itself when nothing matches, for the
 * checks to reject. Static storage or v. */
static const char *
code_in(enum codelist cl, const char *v)
{
	char nv[256], nc[256];
	const struct code_def *cd;
	size_t n, i;
	int a;

	norm(v, nv, sizeof(nv));
	if (nv[0] == '\0')
		return v;
	for (a = 0; a < SA__MAX; a++) {
		norm(special_answer_code((enum special_answer)a), nc, sizeof(nc));
		if (strcmp(nv, nc) == 0)
			return special_answer_code((enum special_answer)a);
	}
	if (cl == CL_YESNO && strcmp(nv, "true") == 0)
		return "Yes";
	if (cl == CL_YESNO && strcmp(nv, "false") == 0)
		return "No";
	cd = codelist_codes(cl, &n);
	for (i = 0; i < n; i++) {
		norm(cd[i].code, nc, sizeof(nc));
		if (strcmp(nv, nc) == 0)
			return cd[i].code;
		norm(cd[i].label, nc, sizeof(nc));
		if (strcmp(nv, nc) == 0)
			return cd[i].code;
	}
	return v;
}

/* The English label of code in cl, or code itself. */
static const char *
code_out(enum codelist cl, const char *code)
{
	const struct code_def *cd;
	size_t n, i;

	if (special_answer(code) >= 0)
		return code;
	cd = codelist_codes(cl, &n);
	for (i = 0; i < n; i++)
		if (strcmp(cd[i].code, code) == 0)
			return cd[i].label;
	return code;
}

static bool
multi_type(enum field_type t)
{
	return t == FT_CODES || t == FT_COUNTRIES || t == FT_PHONES;
}

/* A stored value as the sheet shows it, appended to b. */
static int
value_out(struct buf *b, const struct field_def *fd, const char *v)
{
	const char *p, *e;
	char one[256];

	if (v == NULL || v[0] == '\0')
		return 0;
	if (fd->type == FT_CODE || fd->type == FT_BOOL)
		return buf_addstr(b, code_out(fd->list, v));
	if (!multi_type(fd->type))
		return buf_addstr(b, v);
	for (p = v; *p; p = *e ? e + 1 : e) {
		size_t n;

		e = strchr(p, FIELD_MULTI_SEP);
		if (e == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		if (n >= sizeof(one))
			n = sizeof(one) - 1;
		memcpy(one, p, n);
		one[n] = '\0';
		if (p != v && buf_addstr(b, "; ") < 0)
			return -1;
		if (buf_addstr(b, fd->type == FT_CODES ? code_out(fd->list, one) :
		    one) < 0)
			return -1;
	}
	return 0;
}

/* s without leading and trailing white space, in place. */
static char *
trim(char *s)
{
	size_t n;

	while (*s && isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* A cell's text (untrusted) as the value of fd: codes by code or label,
 * several values split on ';' or line ends and joined by ';'. New ref. */
static json_t *
value_in(const struct field_def *fd, const char *cell)
{
	struct buf b = BUF_INIT(TK_CELL_MAX);
	char *copy = strdup(cell), *v, *p, *e;
	json_t *out = NULL;

	if (copy == NULL)
		return NULL;
	v = trim(copy);
	if (fd->type == FT_CODE || fd->type == FT_BOOL) {
		out = json_string(code_in(fd->list, v));
		goto done;
	}
	if (!multi_type(fd->type)) {
		out = json_string(v);
		goto done;
	}
	for (p = v; p; p = e) {
		char *one;

		e = strpbrk(p, ";\n\r");
		if (e)
			*e++ = '\0';
		one = trim(p);
		if (one[0] == '\0')
			continue;
		if ((b.len > 0 && buf_addch(&b, FIELD_MULTI_SEP) < 0) ||
		    buf_addstr(&b, fd->type == FT_CODES ? code_in(fd->list, one) :
		    one) < 0)
			goto done;
	}
	out = json_string(b.len ? buf_cstr(&b) : "");
done:
	buf_release(&b);
	free(copy);
	return out;
}

/* The n-th referral of direction dir in file, or NULL. */
static json_t *
first_referral(json_t *file, const char *dir)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(file, "referrals"), i, r)
		if (json_is_string(json_object_get(r, "ref_Direction")) &&
		    strcmp(json_string_value(json_object_get(r, "ref_Direction")),
		    dir) == 0)
			return r;
	return NULL;
}

/* "Yes" when the last consent recorded says yes to all seven questions,
 * "No" when it says no to the interview, else "". */
static const char *
consent_out(json_t *file)
{
	static const enum field_id q[] = { CON_CONSENT_TO_INTERVIEW,
	    CON_INFORMED_OF_PURPOSE, CON_INFORMED_OF_DATA_USE,
	    CON_INFORMED_OF_RESEARCH_USE, CON_INFORMED_OF_RIGHT_TO_DATA,
	    CON_INFORMED_OF_STORAGE_PERIOD, CON_INFORMED_OF_WITHDRAWAL };
	json_t *l = json_object_get(file, "consents"), *c;
	size_t i;

	if (json_array_size(l) == 0)
		return "";
	c = json_array_get(l, json_array_size(l) - 1);
	for (i = 0; i < ARRAY_SIZE(q); i++) {
		const char *v = json_string_value(json_object_get(c,
		    field_get(q[i])->name));

		if (v == NULL || strcmp(v, "Yes") != 0)
			return i == 0 && v && strcmp(v, "No") == 0 ? "No" : "";
	}
	return "Yes";
}

/* The text of column k of a case row into b (reset first). */
static int
cell_out(struct buf *b, json_t *file, size_t k)
{
	const struct tk_col *c = &tk_cols[k];
	json_t *src = file;

	buf_reset(b);
	switch (c->kind) {
	case TK_IGNORED:
		return 0;
	case TK_CONSENT:
		return buf_addstr(b, consent_out(file));
	case TK_REF_IN:
		src = first_referral(file, "Incoming");
		break;
	case TK_REF_OUT:
		src = first_referral(file, "Outgoing");
		break;
	case TK_FIELD:
		break;
	}
	if (src == NULL)
		return 0;
	return value_out(b, field_get(c->fid), json_string_value(
	    json_object_get(src, field_get(c->fid)->name)));
}

/* --- writers --- */

int
toolkit_write_csv(FILE *f, json_t *files)
{
	struct buf b = BUF_INIT(TK_CELL_MAX);
	json_t *file;
	size_t i, k;
	char num[24];
	int rc = -1;

	if (csv_field_file(f, "", true) < 0)
		goto out;
	for (k = 0; k < TK_NCOLS; k++)
		if (csv_field_file(f, tk_cols[k].name, false) < 0)
			goto out;
	if (fputs("\r\n", f) == EOF || csv_field_file(f, "", true) < 0)
		goto out;
	for (k = 0; k < TK_NCOLS; k++)
		if (csv_field_file(f, tk_cols[k].label, false) < 0)
			goto out;
	if (fputs("\r\n", f) == EOF)
		goto out;
	json_array_foreach(files, i, file) {
		snprintf(num, sizeof(num), "%zu", i + 1);
		if (csv_field_file(f, num, true) < 0)
			goto out;
		for (k = 0; k < TK_NCOLS; k++)
			if (cell_out(&b, file, k) < 0 ||
			    csv_field_file(f, b.len ? buf_cstr(&b) : "", false) < 0)
				goto out;
		if (fputs("\r\n", f) == EOF)
			goto out;
	}
	rc = 0;
out:
	buf_release(&b);
	return rc;
}

/*
 * The sheets after the case sheet, which make the workbook carry the
 * whole case file. The case sheet has no case number, so "Cases" gives
 * one per case, row for row in the case sheet's order, with the scalar
 * fields the toolkit has no column for; the other sheets key their rows
 * by that number (a key inside the file only). Values are ctm's own
 * (codes, not labels), header row = HTCDS field names.
 */
enum xs_kind { XS_CASES, XS_LIST, XS_SCREENING };

static const struct xsheet {
	const char *sheet;
	enum xs_kind kind;
	enum section sec;	/* XS_LIST */
	const char *key;	/* in the case file; XS_LIST, XS_SCREENING */
} xsheets[] = {
	{ "Cases", XS_CASES, SEC__MAX, NULL },
	{ "Events", XS_LIST, SEC_EVENT, "events" },
	{ "Perpetrators", XS_LIST, SEC_PERPETRATOR, "perpetrators" },
	{ "Referrals", XS_LIST, SEC_REFERRAL, "referrals" },
	{ "Comments", XS_LIST, SEC_COMMENT, "comments" },
	{ "Consents", XS_LIST, SEC_CONSENT, "consents" },
	{ "Screening", XS_SCREENING, SEC__MAX, "screening" },
};

#define XS_KEY "case_number"

/* Whether the case sheet has a column for scalar field fid. */
static bool
tk_has_field(enum field_id fid)
{
	size_t k;

	for (k = 0; k < TK_NCOLS; k++)
		if (tk_cols[k].kind == TK_FIELD && tk_cols[k].fid == fid)
			return true;
	return false;
}

/* Whether field fid is a column of extra sheet xs. */
static bool
xs_field(const struct xsheet *xs, enum field_id fid)
{
	enum section sec = field_get(fid)->section;

	switch (xs->kind) {
	case XS_CASES:
		return (sec == SEC_PERSON || sec == SEC_VICTIM ||
		    sec == SEC_IDENT || sec == SEC_CASE) && !tk_has_field(fid);
	case XS_LIST:
		return sec == xs->sec;
	case XS_SCREENING:
		break;
	}
	return false;
}

/* A string cell, left empty for NULL or ""; -1 when the cell cannot
 * hold it (a cell holds at most 32767 characters). */
static int
xs_write(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s)
{
	if (s == NULL || s[0] == '\0')
		return 0;
	if (worksheet_write_string(ws, row, col, s, NULL) != LXW_NO_ERROR)
		return error("htcds: a value too long for a workbook cell");
	return 0;
}

/* A value of a case file as cell text: a string as it is, anything
 * else as JSON. 0 or -1 (out of memory, too long). */
static int
xs_value(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, json_t *v)
{
	char *text;
	int rc;

	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_string(v))
		return xs_write(ws, row, col, json_string_value(v));
	if ((text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS |
	    JSON_ESCAPE_SLASH | JSON_ENCODE_ANY)) == NULL)
		return -1;
	rc = xs_write(ws, row, col, text);
	sodium_memzero(text, strlen(text));
	free(text);
	return rc;
}

/* Adds the sheets of xsheets to wb for files. 0 or -1. */
static int
xs_write_sheets(lxw_workbook *wb, lxw_format *bold, json_t *files)
{
	size_t k, i, j;
	json_t *file, *e;
	char num[24];

	for (k = 0; k < ARRAY_SIZE(xsheets); k++) {
		const struct xsheet *xs = &xsheets[k];
		lxw_worksheet *ws = workbook_add_worksheet(wb, xs->sheet);
		lxw_row_t row = 1;
		lxw_col_t col = 1;
		int f;

		if (ws == NULL)
			return -1;
		worksheet_write_string(ws, 0, 0, XS_KEY, bold);
		if (xs->kind == XS_SCREENING)
			worksheet_write_string(ws, 0, col, xs->key, bold);
		for (f = 0; f < F__MAX; f++)
			if (xs_field(xs, (enum field_id)f))
				worksheet_write_string(ws, 0, col++,
				    field_get((enum field_id)f)->name, bold);
		worksheet_freeze_panes(ws, 1, 0);
		json_array_foreach(files, i, file) {
			const char *cn = json_string_value(json_object_get(file,
			    XS_KEY));
			json_t *l = NULL, *one[1] = { file };
			size_t n = 1;

			if (cn == NULL) {
				snprintf(num, sizeof(num), "%zu", i + 1);
				cn = num;
			}
			switch (xs->kind) {
			case XS_CASES:
				one[0] = file;
				n = 1;
				break;
			case XS_SCREENING:
				if (json_object_size(json_object_get(file,
				    xs->key)) == 0)
					continue;
				if (xs_write(ws, row, 0, cn) < 0 ||
				    xs_value(ws, row, 1, json_object_get(file,
				    xs->key)) < 0)
					return -1;
				row++;
				continue;
			case XS_LIST:
				l = json_object_get(file, xs->key);
				n = json_array_size(l);
				break;
			}
			for (j = 0; j < n; j++) {
				e = l ? json_array_get(l, j) : one[0];
				if (xs_write(ws, row, 0, cn) < 0)
					return -1;
				col = 1;
				for (f = 0; f < F__MAX; f++) {
					if (!xs_field(xs, (enum field_id)f))
						continue;
					if (xs_value(ws, row, col++, json_object_get(e,
					    field_get((enum field_id)f)->name)) < 0)
						return -1;
				}
				row++;
			}
		}
	}
	return 0;
}

/* libxlsxwriter writes only to a path: a private temporary file (mode
 * 0600 from mkstemp), copied to f and removed. Strings it writes are
 * never formulas, so nothing needs neutralising. */
int
toolkit_write_xlsx(FILE *f, json_t *files)
{
	char path[] = "/tmp/ctm-xlsx-XXXXXX";
	lxw_row_col_options hidden = { .hidden = 1 };
	struct buf b = BUF_INIT(TK_CELL_MAX);
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold;
	json_t *file;
	FILE *in = NULL;
	char chunk[8192];
	size_t i, k, n;
	int fd, rc = -1;

	if ((fd = mkstemp(path)) < 0)
		return error("htcds: cannot make a temporary file");
	close(fd);
	if ((wb = workbook_new(path)) == NULL)
		goto out;
	ws = workbook_add_worksheet(wb, TOOLKIT_SHEET_NAME);
	bold = workbook_add_format(wb);
	if (ws == NULL || bold == NULL) {
		workbook_close(wb);
		goto out;
	}
	format_set_bold(bold);
	worksheet_set_row_opt(ws, 0, LXW_DEF_ROW_HEIGHT, NULL, &hidden);
	for (k = 0; k < TK_NCOLS; k++) {
		if (tk_cols[k].name[0] != '\0')
			worksheet_write_string(ws, 0, (lxw_col_t)(k + 1),
			    tk_cols[k].name, NULL);
		worksheet_write_string(ws, 1, (lxw_col_t)(k + 1),
		    tk_cols[k].label, bold);
	}
	worksheet_freeze_panes(ws, 2, 0);
	json_array_foreach(files, i, file) {
		lxw_row_t row = (lxw_row_t)(i + 2);

		worksheet_write_number(ws, row, 0, (double)(i + 1), NULL);
		for (k = 0; k < TK_NCOLS; k++) {
			if (cell_out(&b, file, k) < 0) {
				workbook_close(wb);
				goto out;
			}
			if (b.len > 0)
				worksheet_write_string(ws, row, (lxw_col_t)(k + 1),
				    buf_cstr(&b), NULL);
		}
	}
	if (xs_write_sheets(wb, bold, files) < 0) {
		workbook_close(wb);
		goto out;
	}
	if (workbook_close(wb) != LXW_NO_ERROR)
		goto out;
	if ((in = fopen(path, "rb")) == NULL)
		goto out;
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		if (fwrite(chunk, 1, n, f) != n)
			goto out;
	if (!ferror(in))
		rc = 0;
out:
	if (in)
		fclose(in);
	unlink(path);
	buf_release(&b);
	sodium_memzero(chunk, sizeof(chunk));
	return rc;
}

/* --- from a grid of cells to case files --- */

/*
 * The grid: an array of rows, each an array of cells indexed by column
 * (0 is A): null when empty, a string, or a real for a number cell of a
 * workbook (dates are such numbers).
 */

static void
col_name(size_t col, char *out, size_t n)
{
	char tmp[8];
	size_t i = 0, j = 0;

	col++;
	while (col > 0 && i < sizeof(tmp)) {
		tmp[i++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	while (i > 0 && j + 1 < n)
		out[j++] = tmp[--i];
	out[j] = '\0';
}

/* The text of a header cell, or "" */
static const char *
head_text(json_t *row, size_t col)
{
	const char *s = json_string_value(json_array_get(row, col));

	return s ? s : "";
}

/*
 * Maps the header row (by names or by labels): map[col] is the tk_cols
 * index or -1. Returns how many columns it recognises, or -1 with *bad
 * set to the first column it does not (empty header cells are ignored).
 */
static int
map_header(json_t *row, bool by_label, int *map, size_t *bad)
{
	size_t col, k;
	int n = 0;
	char h[256], c[256];

	for (col = 0; col < TK_COLS_MAX; col++)
		map[col] = -1;
	for (col = 0; col < json_array_size(row) && col < TK_COLS_MAX; col++) {
		const char *t = head_text(row, col);

		norm(t, h, sizeof(h));
		if (h[0] == '\0')
			continue;
		for (k = 0; k < TK_NCOLS; k++) {
			norm(by_label ? tk_cols[k].label : tk_cols[k].name, c,
			    sizeof(c));
			if (c[0] != '\0' && strcmp(h, c) == 0)
				break;
		}
		if (k == TK_NCOLS) {
			*bad = col;
			return -1;
		}
		map[col] = (int)k;
		n++;
	}
	return n;
}

/* The text of a data cell (NULL when empty), in tmp when converted: a
 * number in a date column is a spreadsheet serial day. */
static const char *
cell_text(json_t *cell, const struct field_def *fd, bool date1904,
    char *tmp, size_t n)
{
	double d;

	if (json_is_string(cell))
		return json_string_value(cell);
	if (!json_is_real(cell))
		return NULL;
	d = json_real_value(cell);
	if (fd->type == FT_DATE && d >= 1 && d < 2958466) {
		/* Day 25569 of the 1900 system is 1970-01-01 (the system
		 * counts a 29 February 1900 that never was: day 60). */
		time_t t = (time_t)((floor(d) + (date1904 ? 1462 : 0) -
		    25569) * 86400.0);
		struct tm tm;

		if (gmtime_r(&t, &tm) && strftime(tmp, n, "%Y-%m-%d", &tm))
			return tmp;
	}
	snprintf(tmp, n, "%.15g", d);
	return tmp;
}

static int
set_value(json_t *obj, const struct field_def *fd, const char *text)
{
	json_t *v = value_in(fd, text);

	if (v == NULL)
		return -1;
	if (json_string_length(v) == 0) {
		json_decref(v);
		return 0;
	}
	return json_object_set_new(obj, fd->name, v);
}

/* One case file from a data row; an empty object when the row holds
 * nothing (rows the template prepares). NULL when out of memory. */
static json_t *
row_doc(json_t *row, const int *map, bool date1904)
{
	json_t *doc = json_object(), *in = json_object(), *out = json_object();
	size_t col;
	char tmp[64];
	int rc = 0;

	if (doc == NULL || in == NULL || out == NULL)
		goto fail;
	for (col = 0; col < json_array_size(row) && col < TK_COLS_MAX; col++) {
		const struct tk_col *c;
		const char *text;

		if (map[col] < 0)
			continue;
		c = &tk_cols[map[col]];
		if (c->kind == TK_IGNORED || c->kind == TK_CONSENT)
			continue;
		text = cell_text(json_array_get(row, col), field_get(c->fid),
		    date1904, tmp, sizeof(tmp));
		if (text == NULL)
			continue;
		rc |= set_value(c->kind == TK_FIELD ? doc : c->kind == TK_REF_IN ?
		    in : out, field_get(c->fid), text);
	}
	if (rc != 0)
		goto fail;
	if (json_object_size(in) || json_object_size(out)) {
		json_t *refs = json_array();

		if (refs == NULL)
			goto fail;
		if (json_object_size(in)) {
			json_object_set_new(in, "ref_Direction",
			    json_string("Incoming"));
			json_array_append(refs, in);
		}
		if (json_object_size(out)) {
			json_object_set_new(out, "ref_Direction",
			    json_string("Outgoing"));
			json_array_append(refs, out);
		}
		json_object_set_new(doc, "referrals", refs);
	}
	json_decref(in);
	json_decref(out);
	return doc;
fail:
	json_decref(doc);
	json_decref(in);
	json_decref(out);
	return NULL;
}

/* The case files of a grid (see above); NULL after reporting why. */
static json_t *
grid_docs(const char *file, json_t *grid, bool date1904)
{
	int names[TK_COLS_MAX], labels[TK_COLS_MAX], *map;
	json_t *docs, *row;
	size_t start, i, bad = 0, bad2 = 0;
	int nn, nl = 0;
	char cn[8];

	if (json_array_size(grid) == 0) {
		cli_fail("%s: the sheet is empty", file);
		return NULL;
	}
	/* Row 1 names and row 2 labels as in the toolkit; or one of them. */
	nn = map_header(json_array_get(grid, 0), false, names, &bad);
	if (nn > 0 && json_array_size(grid) > 1 &&
	    map_header(json_array_get(grid, 1), true, labels, &bad2) > 0) {
		map = labels;
		start = 2;
	} else if (nn > 0) {
		map = names;
		start = 1;
	} else if ((nl = map_header(json_array_get(grid, 0), true, labels,
	    &bad2)) > 0) {
		map = labels;
		start = 1;
	} else {
		if (nn < 0 && nl < 0) {
			col_name(bad2, cn, sizeof(cn));
			cli_fail("%s: not the HTCDS toolkit's case sheet: column %s "
			    "of the header row is not one of its columns", file,
			    cn);
		} else
			cli_fail("%s: not the HTCDS toolkit's case sheet: no header "
			    "row of its columns", file);
		return NULL;
	}
	for (i = 0; i < TK_COLS_MAX; i++) {
		size_t j;

		for (j = i + 1; map[i] >= 0 && j < TK_COLS_MAX; j++)
			if (map[j] == map[i]) {
				col_name(j, cn, sizeof(cn));
				cli_fail("%s: column %s: a repeated column", file, cn);
				return NULL;
			}
	}
	if ((docs = json_array()) == NULL)
		goto oom;
	for (i = start; i < json_array_size(grid); i++) {
		json_t *doc;

		row = json_array_get(grid, i);
		if ((doc = row_doc(row, map, date1904)) == NULL) {
			json_decref(docs);
			goto oom;
		}
		if (json_object_size(doc) == 0)
			json_decref(doc);
		else if (json_array_append_new(docs, doc) < 0) {
			json_decref(docs);
			goto oom;
		}
	}
	return docs;
oom:
	cli_fail("out of memory");
	return NULL;
}

/* Sets grid[r][c] to v (stolen), growing the grid. -1 when out of
 * memory. */
static int
grid_set(json_t *grid, size_t r, size_t c, json_t *v)
{
	json_t *row;

	if (v == NULL)
		return -1;
	while (json_array_size(grid) <= r)
		if (json_array_append_new(grid, json_array()) < 0) {
			json_decref(v);
			return -1;
		}
	row = json_array_get(grid, r);
	while (json_array_size(row) < c)
		if (json_array_append_new(row, json_null()) < 0) {
			json_decref(v);
			return -1;
		}
	if (json_array_size(row) == c)
		return json_array_append_new(row, v);
	return json_array_set_new(row, c, v);
}

/* --- CSV --- */

bool
toolkit_csv_header(const char *data, size_t len)
{
	const char *nl = memchr(data, '\n', len);
	size_t n = nl ? (size_t)(nl - data) : len;
	char line[4096];

	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	memcpy(line, data, n);
	line[n] = '\0';
	return strstr(line, "cas_CaseOwner") != NULL ||
	    strstr(line, "Case Owner") != NULL;
}

struct csv_grid {
	json_t *grid;
	size_t row, col;
	bool bad;
};

static void
tcsv_field(void *s, size_t len, void *arg)
{
	struct csv_grid *g = arg;
	const char *v = s ? s : "";

	(void)len;
	if (g->bad)
		return;
	v = csv_unneutralise(v);
	if (g->col < TK_COLS_MAX && v[0] != '\0' &&
	    grid_set(g->grid, g->row, g->col, json_string(v)) < 0)
		g->bad = true;
	g->col++;
}

static void
tcsv_row(int c, void *arg)
{
	struct csv_grid *g = arg;

	(void)c;
	g->row++;
	g->col = 0;
	if (g->row > TK_ROWS_MAX)
		g->bad = true;
}

json_t *
toolkit_read_csv(const char *file, const char *data, size_t len)
{
	struct csv_parser p;
	struct csv_grid g = { NULL, 0, 0, false };
	json_t *docs = NULL;

	if (!utf8_valid(data, len)) {
		cli_fail("%s: not UTF-8 text", file);
		return NULL;
	}
	if ((g.grid = json_array()) == NULL ||
	    csv_init(&p, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI) != 0) {
		json_decref(g.grid);
		cli_fail("out of memory");
		return NULL;
	}
	if (csv_parse(&p, data, len, tcsv_field, tcsv_row, &g) != len ||
	    csv_fini(&p, tcsv_field, tcsv_row, &g) != 0 || g.bad) {
		if (g.row > TK_ROWS_MAX)
			cli_fail("%s: more than %d rows", file, TK_ROWS_MAX);
		else if (g.bad)
			cli_fail("out of memory");
		else
			cli_fail("%s: not valid CSV near row %zu: %s", file,
			    g.row + 1, csv_strerror(csv_error(&p)));
	} else {
		/* Rows with no cell at all are not in the grid: pad. */
		while (json_array_size(g.grid) < g.row)
			json_array_append_new(g.grid, json_array());
		docs = grid_docs(file, g.grid, false);
	}
	csv_free(&p);
	json_decref(g.grid);
	return docs;
}

/* --- XLSX --- */

bool
toolkit_is_zip(const char *data, size_t len)
{
	return len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

/* A part of the archive, unzipped and NUL terminated (malloc'd, caller
 * wipes and frees); NULL when absent (*missing) or unreadable. */
static char *
zip_part(zip_t *za, const char *name, size_t *len, bool *missing)
{
	struct buf b = BUF_INIT(TK_PART_MAX);
	zip_file_t *zf;
	char chunk[16384];
	zip_int64_t n;

	*missing = false;
	*len = 0;
	if ((zf = zip_fopen(za, name, 0)) == NULL) {
		*missing = zip_name_locate(za, name, 0) < 0;
		return NULL;
	}
	while ((n = zip_fread(zf, chunk, sizeof(chunk))) > 0)
		if (buf_add(&b, chunk, (size_t)n) < 0) {
			n = -1;
			break;
		}
	zip_fclose(zf);
	sodium_memzero(chunk, sizeof(chunk));
	if (n < 0) {
		if (b.p)
			sodium_memzero(b.p, b.len);
		buf_release(&b);
		return NULL;
	}
	buf_cstr(&b);
	if (b.p == NULL)
		return strdup("");
	return buf_detach(&b, len);
}

static void
wipe_free(char *p, size_t n)
{
	if (p) {
		sodium_memzero(p, n);
		free(p);
	}
}

/* The local part of an element or attribute name ("x:sheet" is
 * "sheet"): the workbook's namespaces are not checked. */
static const char *
local(const XML_Char *name)
{
	const char *c = strrchr(name, ':');

	return c ? c + 1 : name;
}

static const char *
attr(const XML_Char **atts, const char *name)
{
	size_t i;

	for (i = 0; atts[i]; i += 2)
		if (strcmp(local(atts[i]), name) == 0)
			return atts[i + 1];
	return NULL;
}

/* Everything the readers of the parts share. */
struct xread {
	XML_Parser p;
	bool oom;
	/* workbook.xml, rels */
	char sheet_rid[64];
	char target[256];
	bool date1904;
	json_t *sheets;		/* sheet name -> relationship id */
	json_t *rels;		/* relationship id -> target */
	/* sharedStrings.xml */
	json_t *strings;
	/* the sheet */
	json_t *grid;
	json_t *sst;		/* the shared strings, borrowed */
	size_t row, col;
	char type[16];
	bool in_cell, bad_ref;
	/* text of a <si>, a <v> or an inline <t> */
	struct buf text;
	int depth_si, depth_rph;
	bool in_text;
};

static void XMLCALL
no_entities(void *u, const XML_Char *name, int pe, const XML_Char *value,
    int vlen, const XML_Char *base, const XML_Char *sys, const XML_Char *pub,
    const XML_Char *notation)
{
	struct xread *x = u;

	(void)name, (void)pe, (void)value, (void)vlen, (void)base;
	(void)sys, (void)pub, (void)notation;
	XML_StopParser(x->p, XML_FALSE);
}

static void XMLCALL
on_text(void *u, const XML_Char *s, int n)
{
	struct xread *x = u;

	if (x->in_text && x->depth_rph == 0 && buf_add(&x->text, s,
	    (size_t)n) < 0)
		x->oom = true;
}

static void XMLCALL
wb_start(void *u, const XML_Char *name, const XML_Char **atts)
{
	struct xread *x = u;
	const char *n = local(name), *v;

	if (strcmp(n, "sheet") == 0 && (v = attr(atts, "id")) != NULL) {
		const char *name = attr(atts, "name");

		if (x->sheet_rid[0] == '\0')
			snprintf(x->sheet_rid, sizeof(x->sheet_rid), "%s", v);
		if (name && json_object_size(x->sheets) < TK_COLS_MAX &&
		    json_object_get(x->sheets, name) == NULL &&
		    json_object_set_new(x->sheets, name, json_string(v)) < 0)
			x->oom = true;
	} else if (strcmp(n, "workbookPr") == 0 && (v = attr(atts,
	    "date1904")) != NULL)
		x->date1904 = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
}

static void XMLCALL
rels_start(void *u, const XML_Char *name, const XML_Char **atts)
{
	struct xread *x = u;
	const char *id = attr(atts, "Id"), *t = attr(atts, "Target");

	if (strcmp(local(name), "Relationship") != 0 || id == NULL ||
	    t == NULL)
		return;
	if (strcmp(id, x->sheet_rid) == 0)
		snprintf(x->target, sizeof(x->target), "%s", t);
	if (json_object_size(x->rels) < TK_COLS_MAX &&
	    json_object_set_new(x->rels, id, json_string(t)) < 0)
		x->oom = true;
}

static void XMLCALL
sst_start(void *u, const XML_Char *name, const XML_Char **atts)
{
	struct xread *x = u;
	const char *n = local(name);

	(void)atts;
	if (strcmp(n, "si") == 0) {
		x->depth_si = 1;
		buf_reset(&x->text);
	} else if (strcmp(n, "rPh") == 0)
		x->depth_rph++;
	else if (strcmp(n, "t") == 0 && x->depth_si)
		x->in_text = true;
}

static void XMLCALL
sst_end(void *u, const XML_Char *name)
{
	struct xread *x = u;
	const char *n = local(name);

	if (strcmp(n, "si") == 0) {
		x->depth_si = 0;
		if (json_array_size(x->strings) >= TK_STRINGS_MAX ||
		    json_array_append_new(x->strings, json_string(x->text.len ?
		    buf_cstr(&x->text) : "")) < 0)
			x->oom = true;
	} else if (strcmp(n, "rPh") == 0 && x->depth_rph > 0)
		x->depth_rph--;
	else if (strcmp(n, "t") == 0)
		x->in_text = false;
}

/* "AB12" to column 27 (0-based); false when malformed. */
static bool
cell_ref(const char *r, size_t *col, size_t *row)
{
	size_t c = 0, n = 0;

	for (; *r >= 'A' && *r <= 'Z'; r++) {
		c = c * 26 + (size_t)(*r - 'A' + 1);
		if (c > 16384)
			return false;
	}
	if (c == 0)
		return false;
	for (; *r >= '0' && *r <= '9'; r++) {
		n = n * 10 + (size_t)(*r - '0');
		if (n > 1048576)
			return false;
	}
	if (*r != '\0' || n == 0)
		return false;
	*col = c - 1;
	*row = n - 1;
	return true;
}

static void XMLCALL
sheet_start(void *u, const XML_Char *name, const XML_Char **atts)
{
	struct xread *x = u;
	const char *n = local(name), *v;

	if (strcmp(n, "row") == 0) {
		v = attr(atts, "r");
		x->row = v ? strtoul(v, NULL, 10) - 1 : x->row + 1;
		x->col = 0;
	} else if (strcmp(n, "c") == 0) {
		size_t r;

		x->in_cell = true;
		v = attr(atts, "r");
		if (v && !cell_ref(v, &x->col, &r))
			x->bad_ref = true;
		v = attr(atts, "t");
		snprintf(x->type, sizeof(x->type), "%s", v ? v : "n");
		buf_reset(&x->text);
	} else if (x->in_cell && (strcmp(n, "v") == 0 || strcmp(n, "t") == 0))
		x->in_text = true;
	else if (x->in_cell && strcmp(n, "rPh") == 0)
		x->depth_rph++;
}

static void XMLCALL
sheet_end(void *u, const XML_Char *name)
{
	struct xread *x = u;
	const char *n = local(name), *t;
	json_t *v = NULL;

	if (strcmp(n, "v") == 0 || strcmp(n, "t") == 0) {
		x->in_text = false;
		return;
	}
	if (strcmp(n, "rPh") == 0 && x->depth_rph > 0) {
		x->depth_rph--;
		return;
	}
	if (strcmp(n, "c") != 0)
		return;
	x->in_cell = false;
	t = x->text.len ? buf_cstr(&x->text) : "";
	if (t[0] != '\0' && x->col < TK_COLS_MAX && x->row < TK_ROWS_MAX) {
		if (strcmp(x->type, "s") == 0) {
			char *end;
			unsigned long i = strtoul(t, &end, 10);

			if (*end != '\0' || i >= json_array_size(x->sst))
				x->bad_ref = true;
			else
				v = json_incref(json_array_get(x->sst, i));
		} else if (strcmp(x->type, "inlineStr") == 0 ||
		    strcmp(x->type, "str") == 0)
			v = json_string(t);
		else if (strcmp(x->type, "b") == 0)
			v = json_string(strcmp(t, "1") == 0 ? "Yes" : "No");
		else if (strcmp(x->type, "n") == 0) {
			char *end;
			double d = strtod(t, &end);

			if (*end == '\0' && isfinite(d))
				v = json_real(d);
			else
				x->bad_ref = true;
		}
		/* "e" (an error value) and anything else: empty. */
		if (v && json_is_string(v) && json_string_length(v) == 0) {
			json_decref(v);
			v = NULL;
		}
		if (v && grid_set(x->grid, x->row, x->col, v) < 0)
			x->oom = true;
	} else if (t[0] != '\0' && x->row >= TK_ROWS_MAX)
		x->oom = true;
	x->col++;
}

/* Parses one part with the handlers set up on x->p. 0, or -1 after
 * reporting. */
static int
xml_parse(struct xread *x, const char *file, const char *part,
    const char *data, size_t len, XML_StartElementHandler st,
    XML_EndElementHandler en)
{
	int rc = 0;

	if ((x->p = XML_ParserCreate("UTF-8")) == NULL) {
		cli_fail("out of memory");
		return -1;
	}
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, st, en);
	XML_SetCharacterDataHandler(x->p, on_text);
	XML_SetEntityDeclHandler(x->p, no_entities);
	x->in_text = false;
	x->depth_rph = 0;
	if (len > INT_MAX || XML_Parse(x->p, data, (int)len, XML_TRUE) !=
	    XML_STATUS_OK) {
		cli_fail("%s: the workbook's %s is not well-formed XML", file,
		    part);
		rc = -1;
	} else if (x->oom) {
		cli_fail("%s: the workbook's %s is too large", file, part);
		rc = -1;
	}
	XML_ParserFree(x->p);
	x->p = NULL;
	return rc;
}

/*
 * The grid of the sheet called name into x->grid (owned by x): 0, 1
 * when the workbook has no such sheet, -1 after reporting.
 */
static int
sheet_grid(struct xread *x, zip_t *za, const char *file, const char *name)
{
	const char *t = json_string_value(json_object_get(x->rels,
	    json_string_value(json_object_get(x->sheets, name))));
	char path[512];
	char *part;
	size_t plen = 0;
	bool missing;
	int rc;

	if (json_object_get(x->sheets, name) == NULL)
		return 1;
	if (t == NULL || strstr(t, "..") != NULL) {
		cli_fail("%s: the workbook's sheet %s cannot be found", file,
		    name);
		return -1;
	}
	snprintf(path, sizeof(path), t[0] == '/' ? "%s" : "xl/%s",
	    t[0] == '/' ? t + 1 : t);
	if ((part = zip_part(za, path, &plen, &missing)) == NULL) {
		cli_fail("%s: the workbook's sheet %s cannot be read", file,
		    name);
		return -1;
	}
	json_decref(x->grid);
	x->row = x->col = 0;
	x->bad_ref = false;
	if ((x->grid = json_array()) == NULL) {
		wipe_free(part, plen);
		cli_fail("out of memory");
		return -1;
	}
	rc = xml_parse(x, file, name, part, plen, sheet_start, sheet_end);
	wipe_free(part, plen);
	if (rc == 0 && x->bad_ref) {
		cli_fail("%s: the sheet %s has a malformed cell", file, name);
		rc = -1;
	}
	return rc;
}

/* The text of a key cell (a case number), in tmp when a number; NULL
 * when empty. */
static const char *
key_text(json_t *cell, char *tmp, size_t n)
{
	if (json_is_string(cell))
		return json_string_value(cell);
	if (!json_is_real(cell))
		return NULL;
	snprintf(tmp, n, "%.15g", json_real_value(cell));
	return tmp;
}

/*
 * Reads the sheets of xsheets present in the workbook (untrusted) and
 * puts what they hold into docs, the case files of the case sheet in
 * its order. 0, or -1 after reporting (sheet, row and column, never a
 * value).
 */
static int
xs_read(struct xread *x, zip_t *za, const char *file, json_t *docs)
{
	json_t *keys = json_object(), *doc;
	size_t k, r, c, i, ncases = 0;
	int rc = -1;
	char tmp[64], cn[8];

	if (keys == NULL) {
		cli_fail("out of memory");
		return -1;
	}
	for (k = 0; k < ARRAY_SIZE(xsheets); k++) {
		const struct xsheet *xs = &xsheets[k];
		json_t *head, *row;
		int map[TK_COLS_MAX], st;

		if ((st = sheet_grid(x, za, file, xs->sheet)) < 0)
			goto out;
		if (st > 0)
			continue;
		/* The header: case_number, then the sheet's fields. */
		head = json_array_get(x->grid, 0);
		if (strcmp(head_text(head, 0), XS_KEY) != 0) {
			cli_fail("%s: sheet %s: column A of the header row is not "
			    XS_KEY, file, xs->sheet);
			goto out;
		}
		for (c = 0; c < TK_COLS_MAX; c++)
			map[c] = -1;
		for (c = 1; c < json_array_size(head) && c < TK_COLS_MAX; c++) {
			const char *h = head_text(head, c);
			int f = field_by_name(h);

			if (h[0] == '\0')
				continue;
			if (xs->kind == XS_SCREENING && strcmp(h, xs->key) == 0)
				f = F__MAX;
			else if (f < 0 || !xs_field(xs, (enum field_id)f)) {
				col_name(c, cn, sizeof(cn));
				cli_fail("%s: sheet %s, column %s: not a field of "
				    "that sheet", file, xs->sheet, cn);
				goto out;
			}
			for (i = 1; i < c; i++)
				if (map[i] == f) {
					col_name(c, cn, sizeof(cn));
					cli_fail("%s: sheet %s, column %s: a repeated "
					    "column", file, xs->sheet, cn);
					goto out;
				}
			map[c] = f;
		}
		/* The sheet's referrals replace those of the case sheet; a
		 * case without a row in Screening has an empty screening. */
		if (xs->kind == XS_LIST && xs->sec == SEC_REFERRAL)
			json_array_foreach(docs, i, doc)
				json_object_set_new(doc, xs->key, json_array());
		if (xs->kind == XS_SCREENING)
			json_array_foreach(docs, i, doc)
				json_object_set_new(doc, xs->key, json_object());
		for (r = 1; r < json_array_size(x->grid); r++) {
			const char *key;
			json_t *entry, *idx;

			row = json_array_get(x->grid, r);
			key = key_text(json_array_get(row, 0), tmp, sizeof(tmp));
			if (key == NULL) {
				for (c = 1; c < json_array_size(row); c++)
					if (!json_is_null(json_array_get(row, c)))
						break;
				if (c == json_array_size(row))
					continue;	/* an empty row */
				cli_fail("%s: sheet %s, row %zu: no case number",
				    file, xs->sheet, r + 1);
				goto out;
			}
			if (xs->kind == XS_CASES) {
				if (json_object_get(keys, key) != NULL) {
					cli_fail("%s: sheet %s, row %zu: a repeated "
					    "case number", file, xs->sheet, r + 1);
					goto out;
				}
				if (ncases >= json_array_size(docs)) {
					cli_fail("%s: sheet %s has more cases than "
					    "the sheet %s", file, xs->sheet,
					    TOOLKIT_SHEET_NAME);
					goto out;
				}
				if (json_object_set_new(keys, key,
				    json_integer((json_int_t)ncases)) < 0)
					goto oom;
				idx = json_object_get(keys, key);
				ncases++;
			} else if ((idx = json_object_get(keys, key)) == NULL) {
				cli_fail("%s: sheet %s, row %zu: a case number not "
				    "in the sheet %s", file, xs->sheet, r + 1,
				    xsheets[0].sheet);
				goto out;
			}
			doc = json_array_get(docs, (size_t)json_integer_value(idx));
			entry = xs->kind == XS_LIST ? json_object() :
			    json_incref(doc);
			if (entry == NULL)
				goto oom;
			for (c = 1; c < json_array_size(row) && c < TK_COLS_MAX;
			    c++) {
				json_t *cell = json_array_get(row, c), *v;
				const char *text;

				if (map[c] < 0)
					continue;
				if (map[c] == F__MAX) {
					json_error_t e;

					text = key_text(cell, tmp, sizeof(tmp));
					v = text ? json_loads(text,
					    JSON_REJECT_DUPLICATES, &e) : NULL;
					if (text && !json_is_object(v)) {
						json_decref(v);
						json_decref(entry);
						col_name(c, cn, sizeof(cn));
						cli_fail("%s: sheet %s, row %zu, column "
						    "%s: not a JSON object", file,
						    xs->sheet, r + 1, cn);
						goto out;
					}
					if (v && json_object_set_new(entry, xs->key,
					    v) < 0) {
						json_decref(entry);
						goto oom;
					}
					continue;
				}
				text = cell_text(cell, field_get((enum field_id)
				    map[c]), x->date1904, tmp, sizeof(tmp));
				if (text && text[0] != '\0' &&
				    json_object_set_new(entry, field_get(
				    (enum field_id)map[c])->name,
				    json_string(text)) < 0) {
					json_decref(entry);
					goto oom;
				}
			}
			if (xs->kind == XS_LIST) {
				json_t *l = json_object_get(doc, xs->key);

				if (!json_is_array(l)) {
					l = json_array();
					if (json_object_set_new(doc, xs->key, l) < 0) {
						json_decref(entry);
						goto oom;
					}
				}
				if (json_array_append_new(l, entry) < 0)
					goto oom;
			} else
				json_decref(entry);
		}
		if (xs->kind == XS_CASES && ncases != json_array_size(docs)) {
			cli_fail("%s: sheet %s has fewer cases than the sheet %s",
			    file, xs->sheet, TOOLKIT_SHEET_NAME);
			goto out;
		}
	}
	rc = 0;
	goto out;
oom:
	cli_fail("out of memory");
out:
	json_decref(keys);
	return rc;
}

json_t *
toolkit_read_xlsx(const char *file, const char *data, size_t len)
{
	struct xread x;
	zip_error_t ze;
	zip_source_t *src = NULL;
	zip_t *za = NULL;
	json_t *docs = NULL;
	char *part = NULL, sheet[512];
	size_t plen = 0;
	bool missing;

	memset(&x, 0, sizeof(x));
	buf_init(&x.text, TK_CELL_MAX);
	if ((x.sheets = json_object()) == NULL ||
	    (x.rels = json_object()) == NULL) {
		cli_fail("out of memory");
		goto out;
	}
	zip_error_init(&ze);
	if (!toolkit_is_zip(data, len) ||
	    (src = zip_source_buffer_create(data, len, 0, &ze)) == NULL ||
	    (za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS,
	    &ze)) == NULL) {
		cli_fail("%s: not an .xlsx workbook (not a zip archive)", file);
		if (src)
			zip_source_free(src);
		goto out;
	}

	/* The first sheet of the workbook, by its relationship. */
	if ((part = zip_part(za, "xl/workbook.xml", &plen, &missing)) == NULL) {
		cli_fail("%s: not an .xlsx workbook (%s)", file, missing ?
		    "no xl/workbook.xml" : "xl/workbook.xml cannot be read");
		goto out;
	}
	if (xml_parse(&x, file, "workbook.xml", part, plen, wb_start,
	    NULL) < 0)
		goto out;
	wipe_free(part, plen);
	part = NULL;
	if (x.sheet_rid[0] == '\0') {
		cli_fail("%s: the workbook has no sheet", file);
		goto out;
	}
	if ((part = zip_part(za, "xl/_rels/workbook.xml.rels", &plen,
	    &missing)) != NULL) {
		if (xml_parse(&x, file, "workbook.xml.rels", part, plen,
		    rels_start, NULL) < 0)
			goto out;
		wipe_free(part, plen);
		part = NULL;
	}
	if (x.target[0] == '\0')
		snprintf(sheet, sizeof(sheet), "xl/worksheets/sheet1.xml");
	else if (x.target[0] == '/')
		snprintf(sheet, sizeof(sheet), "%s", x.target + 1);
	else
		snprintf(sheet, sizeof(sheet), "xl/%s", x.target);
	if (strstr(sheet, "..") != NULL) {
		cli_fail("%s: the workbook's first sheet has an unusual path",
		    file);
		goto out;
	}

	/* Shared strings: optional, a workbook may use inline strings. */
	if ((x.strings = json_array()) == NULL ||
	    (x.grid = json_array()) == NULL) {
		cli_fail("out of memory");
		goto out;
	}
	if ((part = zip_part(za, "xl/sharedStrings.xml", &plen,
	    &missing)) != NULL) {
		if (xml_parse(&x, file, "sharedStrings.xml", part, plen,
		    sst_start, sst_end) < 0)
			goto out;
		wipe_free(part, plen);
		part = NULL;
	} else if (!missing) {
		cli_fail("%s: the workbook's shared strings cannot be read", file);
		goto out;
	}
	x.sst = x.strings;

	if ((part = zip_part(za, sheet, &plen, &missing)) == NULL) {
		cli_fail("%s: the workbook has no sheet%s", file, missing ? "" :
		    " that can be read");
		goto out;
	}
	if (xml_parse(&x, file, "sheet", part, plen, sheet_start,
	    sheet_end) < 0)
		goto out;
	if (x.bad_ref) {
		cli_fail("%s: the sheet has a malformed cell", file);
		goto out;
	}
	docs = grid_docs(file, x.grid, x.date1904);
	if (docs && xs_read(&x, za, file, docs) < 0) {
		json_decref(docs);
		docs = NULL;
	}
out:
	wipe_free(part, plen);
	if (za)
		zip_discard(za);
	if (x.text.p)
		sodium_memzero(x.text.p, x.text.cap);
	buf_release(&x.text);
	json_decref(x.strings);
	json_decref(x.grid);
	json_decref(x.sheets);
	json_decref(x.rels);
	return docs;
}
