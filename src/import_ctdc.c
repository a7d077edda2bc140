/*
 * import_ctdc.c - CTDC research files into datasets (see import_ctdc.h).
 *
 * A file is read twice, in chunks, never whole: the first pass hashes it
 * (BLAKE2b, to notice a file imported before) and decides its encoding;
 * the second hashes it again (it must not have changed) and feeds libcsv,
 * whose callbacks check each cell as it comes and add each good row to a
 * dataset in memory. Only when the whole file has been read does one
 * transaction add that dataset to the stored one.
 *
 * The layouts are tables: a layout is its columns, each with a kind
 * (year, flag, code, multi-value code, ISO country) and its code list
 * from the CTDC codebooks, plus the columns read but not kept and the
 * quirks of the file it comes from.
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <csv.h>
#include <jansson.h>
#include <sodium.h>

#include "buf.h"
#include "dataset.h"
#include "db.h"
#include "import_ctdc.h"
#include "log.h"

#define CHUNK (256 * 1024)
/* The most libcsv may buffer for one cell before it is checked. */
#define CSV_CELL_READ_MAX ((size_t)1 << 20)
#define REPORT_VALUE_MAX 60	/* bytes of a value shown in the report */
#define HEADER_COLS_MAX 256
#define YEAR_MIN 1990

/* --- layouts --- */

enum col_kind {
	COL_YEAR,	/* a year, YEAR_MIN to the current year */
	COL_FLAG,	/* 0 or 1 */
	COL_CODE,	/* one code of the list */
	COL_MULTI,	/* codes of the list joined with ';' */
	COL_ISO2,	/* ISO 3166-1 alpha-2, 00 for unknown */
	COL_ISO3,	/* ISO 3166-1 alpha-3 */
};

struct col {
	const char *name;
	enum col_kind kind;
	const char *const *codes;	/* COL_CODE, COL_MULTI */
	const char *alias;		/* another spelling of the name */
};

/* The quirks of the 2020 extract made with pandas. */
#define QUIRK_FLOATS		0x1	/* 1.0 for 1, 2016.0 for 2016 */
#define QUIRK_ZERO_COUNTRY	0x2	/* 0 for the unknown country 00 */

struct layout {
	const char *name;
	const char *title;
	const struct col *cols;		/* kept, in dataset order */
	size_t ncols;
	const char *const *dropped;	/* read, not kept */
	size_t ndropped;
	unsigned quirks;
};

/* Code lists, as the codebooks spell them. */
static const char *const vp_periods[] = {
	"2005-2013", "2014-2018", "2019", "2020", "2021-2022", NULL };
static const char *const vp_genders[] = { "Female", "Male", NULL };
static const char *const vp_majority[] = { "Adult", "Minor", NULL };
static const char *const vp_regions[] = {
	"Africa", "Americas/Oceania", "Asia", "Europe", NULL };
static const char *const vp_ip_regions[] = {
	"Africa", "Americas/Oceania", "Asia", "Europe", "Oceania", NULL };
static const char *const vp_ip_ages[] = {
	"0--29", "30--38", "39--47", "48+", NULL };
static const char *const vp_ip_relations[] = {
	"FamilyIntimatePartner", "FriendAcquaintance", "StrangerUnknownOther",
	NULL };
static const char *const vp_yes_no[] = { "No", "Yes", NULL };

static const char *const k_datasources[] = {
	"Case Management", "Hotline", NULL };
static const char *const k_genders[] = {
	"Female", "Male", "Transgender/NonConforming", "Unknown", NULL };
static const char *const k_ages[] = {
	"0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38",
	"39--47", "48+", "Unknown", NULL };
static const char *const k_majority[] = {
	"Adult", "Minor", "Unknown", NULL };
static const char *const k_means[] = {
	"Debt bondage", "Takes/Withholds Earnings",
	"Restricts access to finances", "Threats to individual or others",
	"Psychological abuse", "Physical abuse", "Sexual abuse",
	"False promises/deception", "Use of psychoactive substances",
	"Denied freedom of movement/kept in isolation",
	"Limits/restricts medical services",
	"Minor sexually exploited or abused", "Excessive working hours",
	"Restricts access to/manipulates children",
	"Threat of action by law enforcement",
	"Withholds/denies basic necessities",
	"Withholds/Destroys Important Documents", "Other", "Not Specified",
	"Unknown", NULL };
static const char *const k_exploits[] = {
	"Forced labour", "Sexual exploitation",
	"Combined sexual and labour exploitation", "Forced marriage",
	"Slavery and similar practices", "Other", "Unknown", NULL };
static const char *const k_labours[] = {
	"Agriculture", "Aquafarming", "Begging", "Construction",
	"Domestic Work", "Hospitality", "Illicit Activities", "Manufacturing",
	"Mining or drilling", "Peddling", "Transportation", "Other",
	"Not Specified", "Unknown", NULL };
static const char *const k_sexes[] = {
	"Prostitution", "Pornography", "Remote interactive services",
	"Private sexual services", "Unknown", NULL };
static const char *const k_recruiters[] = {
	"Intimate Partner", "Friend/Acquaintance", "Family/Relative", "Other",
	"Unknown/Not specified", NULL };
static const char *const s_genders[] = {
	"Man", "Woman", "Trans/Transgender/NonConforming", NULL };
static const char *const s_ages[] = {
	"0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38",
	"39--47", "48+", NULL };
static const char *const s_months[] = {
	"0--12 (0-1 yr)", "13--24 (1-2 yrs)", "25+ (2+ yrs)", NULL };

#define FLAG(n) { n, COL_FLAG, NULL, NULL }

/* CTDCsyntheic_victim-perpetrator_codebook_v1.pdf, in the file's order. */
static const struct col vp_cols[] = {
	{ "yearRegister", COL_CODE, vp_periods, NULL },
	{ "gender", COL_CODE, vp_genders, NULL },
	{ "majorityStatus", COL_CODE, vp_majority, NULL },
	FLAG("isForcedLabour"),
	FLAG("isSexualExploit"),
	{ "UN_COO_Region", COL_CODE, vp_regions, NULL },
	{ "UN_COE_Region", COL_CODE, vp_regions, NULL },
	FLAG("IP_Exploiter"),
	{ "IP_Gender", COL_MULTI, vp_genders, NULL },
	{ "IP_ageBroad", COL_MULTI, vp_ip_ages, NULL },
	{ "IP_citizen_UNRegion", COL_MULTI, vp_ip_regions, NULL },
	{ "IP_Relation", COL_MULTI, vp_ip_relations, NULL },
	{ "IP_PayMoney", COL_MULTI, vp_yes_no, NULL },
	{ "IP_RecruiterBroker", COL_FLAG, NULL, "IP_RecruitBroker" },
	FLAG("IP_TransactionProcess"),
	FLAG("IP_ControlAbuseKidnap"),
};

/* CTDCk_codebook_v7_1.pdf (September 2021), variables 1 to 63. */
static const struct col kanon_cols[] = {
	{ "yearOfRegistration", COL_YEAR, NULL, NULL },
	{ "Datasource", COL_CODE, k_datasources, NULL },
	{ "gender", COL_CODE, k_genders, NULL },
	{ "ageBroad", COL_CODE, k_ages, NULL },
	{ "majorityStatus", COL_CODE, k_majority, NULL },
	{ "majorityStatusAtExploit", COL_CODE, k_majority, NULL },
	{ "majorityEntry", COL_CODE, k_majority, NULL },
	{ "citizenship", COL_ISO2, NULL, NULL },
	FLAG("meansOfControlDebtBondage"),
	FLAG("meansOfControlTakesEarnings"),
	FLAG("meansOfControlRestrictsFinancialAccess"),
	FLAG("meansOfControlThreats"),
	FLAG("meansOfControlPsychologicalAbuse"),
	FLAG("meansOfControlPhysicalAbuse"),
	FLAG("meansOfControlSexualAbuse"),
	FLAG("meansOfControlFalsePromises"),
	FLAG("meansOfControlPsychoactiveSubstances"),
	FLAG("meansOfControlRestrictsMovement"),
	FLAG("meansOfControlRestrictsMedicalCare"),
	FLAG("meansOfControlExcessiveWorkingHours"),
	FLAG("meansOfControlUsesChildren"),
	FLAG("meansOfControlThreatOfLawEnforcement"),
	FLAG("meansOfControlWithholdsNecessities"),
	FLAG("meansOfControlWithholdsDocuments"),
	FLAG("meansOfControlOther"),
	FLAG("meansOfControlNotSpecified"),
	{ "meansOfControlConcatenated", COL_MULTI, k_means, NULL },
	FLAG("isForcedLabour"),
	FLAG("isSexualExploit"),
	FLAG("isOtherExploit"),
	FLAG("isSexAndLabour"),
	FLAG("isForcedMarriage"),
	FLAG("isForcedMilitary"),
	FLAG("isOrganRemoval"),
	FLAG("isSlaveryAndPractices"),
	{ "typeOfExploitConcatenated", COL_MULTI, k_exploits, NULL },
	FLAG("typeOfLabourAgriculture"),
	FLAG("typeOfLabourAquafarming"),
	FLAG("typeOfLabourBegging"),
	FLAG("typeOfLabourConstruction"),
	FLAG("typeOfLabourDomesticWork"),
	FLAG("typeOfLabourHospitality"),
	FLAG("typeOfLabourIllicitActivities"),
	FLAG("typeOfLabourManufacturing"),
	FLAG("typeOfLabourMiningOrDrilling"),
	FLAG("typeOfLabourPeddling"),
	FLAG("typeOfLabourTransportation"),
	FLAG("typeOfLabourOther"),
	FLAG("typeOfLabourNotSpecified"),
	{ "typeOfLabourConcatenated", COL_MULTI, k_labours, NULL },
	FLAG("typeOfSexProstitution"),
	FLAG("typeOfSexPornography"),
	FLAG("typeOfSexRemoteInteractiveServices"),
	FLAG("typeOfSexPrivateSexualServices"),
	{ "typeOfSexConcatenated", COL_MULTI, k_sexes, NULL },
	FLAG("isAbduction"),
	{ "RecruiterRelationship", COL_MULTI, k_recruiters, NULL },
	{ "CountryOfExploitation", COL_ISO2, NULL, NULL },
	FLAG("recruiterRelationIntimatePartner"),
	FLAG("recruiterRelationFriend"),
	FLAG("recruiterRelationFamily"),
	FLAG("recruiterRelationOther"),
	FLAG("recruiterRelationUnknown"),
};

/* Codebook_CTDC_global_synthetic_data_v2024.pdf, variables 1 to 27. Its
 * variable list says meansWithholdDocs, its detail meansWithholdDocuments. */
static const struct col synth_cols[] = {
	{ "yearOfRegistration", COL_YEAR, NULL, NULL },
	{ "gender", COL_CODE, s_genders, NULL },
	{ "ageBroad", COL_CODE, s_ages, NULL },
	{ "citizenship", COL_ISO3, NULL, NULL },
	{ "CountryOfExploitation", COL_ISO3, NULL, NULL },
	{ "traffickMonths", COL_CODE, s_months, NULL },
	FLAG("meansDebtBondageEarnings"),
	FLAG("meansThreats"),
	FLAG("meansAbusePsyPhySex"),
	FLAG("meansFalsePromises"),
	FLAG("meansDrugsAlcohol"),
	FLAG("meansDenyBasicNeeds"),
	FLAG("meansExcessiveWorkHours"),
	{ "meansWithholdDocs", COL_FLAG, NULL, "meansWithholdDocuments" },
	FLAG("isForcedLabour"),
	FLAG("isSexualExploit"),
	FLAG("isOtherExploit"),
	FLAG("typeOfLabourAgriculture"),
	FLAG("typeOfLabourConstruction"),
	FLAG("typeOfLabourDomesticWork"),
	FLAG("typeOfLabourHospitality"),
	FLAG("typeOfSexProstitution"),
	FLAG("typeOfSexPornography"),
	FLAG("recruiterRelationIntimatePartner"),
	FLAG("recruiterRelationFriend"),
	FLAG("recruiterRelationFamily"),
	FLAG("recruiterRelationOther"),
};

/* dados_app.csv: 7 columns of "The Global Dataset 14 Apr 2020", then
 * names, coordinates and alpha-3 codes derived from them. */
static const struct col extract_cols[] = {
	{ "yearOfRegistration", COL_YEAR, NULL, NULL },
	{ "gender", COL_CODE, k_genders, NULL },
	{ "ageBroad", COL_CODE, k_ages, NULL },
	{ "citizenship", COL_ISO2, NULL, NULL },
	FLAG("isForcedLabour"),
	FLAG("isSexualExploit"),
	{ "CountryOfExploitation", COL_ISO2, NULL, NULL },
};
static const char *const extract_dropped[] = {
	"nacionalidade_lat", "nacionalidade_long", "nacionalidade",
	"pais_exploracao_lat", "pais_exploracao_long", "pais_exploracao",
	"nacionalidade_alpha3", "pais_exploracao_alpha3",
};

static const struct layout layouts[CTDC_LAYOUT__MAX] = {
	[CTDC_VP_SYNTHETIC_2022] = {
		"vp-synthetic-2022",
		"Victim-Perpetrator synthetic dataset (CTDC, 2022)",
		vp_cols, ARRAY_SIZE(vp_cols), NULL, 0, 0 },
	[CTDC_GLOBAL_KANON] = {
		"global-kanon",
		"Global k-anonymised dataset (CTDC, codebook v7, 2021)",
		kanon_cols, ARRAY_SIZE(kanon_cols), NULL, 0, 0 },
	[CTDC_GLOBAL_SYNTHETIC_2024] = {
		"global-synthetic-2024",
		"Global synthetic dataset (CTDC, codebook v2, 2024)",
		synth_cols, ARRAY_SIZE(synth_cols), NULL, 0, 0 },
	[CTDC_KANON_2020_EXTRACT] = {
		"kanon-2020-extract",
		"Extract of the global k-anonymised dataset of 14 April 2020 "
		"(dados_app.csv)",
		extract_cols, ARRAY_SIZE(extract_cols),
		extract_dropped, ARRAY_SIZE(extract_dropped),
		QUIRK_FLOATS | QUIRK_ZERO_COUNTRY },
};

_Static_assert(ARRAY_SIZE(vp_cols) == 16, "the VP layout has 16 columns");
_Static_assert(ARRAY_SIZE(kanon_cols) == 63, "the k-anon layout has 63");
_Static_assert(ARRAY_SIZE(synth_cols) == 27, "the 2024 layout has 27");
_Static_assert(ARRAY_SIZE(extract_cols) + ARRAY_SIZE(extract_dropped) == 15,
    "dados_app.csv has 15 columns");
_Static_assert(ARRAY_SIZE(kanon_cols) <= DATASET_VARS_MAX, "vars fit");
_Static_assert(IMPORT_CELL_MAX <= DATASET_VALUE_MAX, "a cell fits a value");

/* Variable names per layout, built from the tables once. */
static const char *layout_names[CTDC_LAYOUT__MAX][DATASET_VARS_MAX];
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static void
names_init(void)
{
	size_t l, i;

	for (l = 0; l < CTDC_LAYOUT__MAX; l++)
		for (i = 0; i < layouts[l].ncols; i++)
			layout_names[l][i] = layouts[l].cols[i].name;
}

const char *
ctdc_layout_name(enum ctdc_layout l)
{
	return (unsigned)l < CTDC_LAYOUT__MAX ? layouts[l].name : NULL;
}

const char *
ctdc_layout_title(enum ctdc_layout l)
{
	return (unsigned)l < CTDC_LAYOUT__MAX ? layouts[l].title : NULL;
}

size_t
ctdc_layout_vars(enum ctdc_layout l, const char *const **names)
{
	if ((unsigned)l >= CTDC_LAYOUT__MAX) {
		*names = NULL;
		return 0;
	}
	pthread_once(&names_once, names_init);
	*names = layout_names[l];
	return layouts[l].ncols;
}

/* --- ISO 3166-1 countries, from Debian's iso-codes --- */

/* CTDC's own: 00 for an unknown country, and former or provisional codes
 * that its data dictionary (2021) lists. */
static const char *const ctdc_alpha2_extra[] = {
	"00", "AN", "TB", "TP", "Y1", "Y2", "Y3", "YU", "ZR", NULL };

static char (*alpha2)[3], (*alpha3)[4];
static size_t nalpha2, nalpha3;
static int countries_state;	/* 1 loaded, -1 failed */
static pthread_once_t countries_once = PTHREAD_ONCE_INIT;

static int
code_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
countries_load(void)
{
	const char *dir = getenv("CTM_ISOCODES_DIR");
	char path[4096];
	json_error_t jerr;
	json_t *doc, *arr, *e;
	size_t i, n;

	countries_state = -1;
	if (dir == NULL || *dir == '\0')
		dir = "/usr/share/iso-codes/json";
	if ((size_t)snprintf(path, sizeof(path), "%s/iso_3166-1.json", dir) >=
	    sizeof(path))
		return;
	doc = json_load_file(path, 0, &jerr);
	if (doc == NULL) {
		error("import: cannot read %s: %s", path, jerr.text);
		return;
	}
	arr = json_object_get(doc, "3166-1");
	n = json_array_size(arr);
	alpha2 = calloc(n ? n : 1, sizeof(*alpha2));
	alpha3 = calloc(n ? n : 1, sizeof(*alpha3));
	if (alpha2 == NULL || alpha3 == NULL) {
		error("import: out of memory");
		goto out;
	}
	json_array_foreach(arr, i, e) {
		const char *a2 = json_string_value(json_object_get(e, "alpha_2"));
		const char *a3 = json_string_value(json_object_get(e, "alpha_3"));

		if (a2 && strlen(a2) == 2)
			memcpy(alpha2[nalpha2++], a2, 3);
		if (a3 && strlen(a3) == 3)
			memcpy(alpha3[nalpha3++], a3, 4);
	}
	qsort(alpha2, nalpha2, sizeof(*alpha2), code_cmp);
	qsort(alpha3, nalpha3, sizeof(*alpha3), code_cmp);
	if (nalpha2 > 200 && nalpha3 > 200)
		countries_state = 1;
	else
		error("import: %s lists too few countries", path);
out:
	json_decref(doc);
}

static bool
countries_ready(void)
{
	pthread_once(&countries_once, countries_load);
	return countries_state > 0;
}

static bool
is_alpha2(const char *s)
{
	size_t i;

	for (i = 0; ctdc_alpha2_extra[i]; i++)
		if (strcmp(s, ctdc_alpha2_extra[i]) == 0)
			return true;
	return strlen(s) == 2 &&
	    bsearch(s, alpha2, nalpha2, sizeof(*alpha2), code_cmp) != NULL;
}

static bool
is_alpha3(const char *s)
{
	return strlen(s) == 3 &&
	    bsearch(s, alpha3, nalpha3, sizeof(*alpha3), code_cmp) != NULL;
}

/* --- text --- */

/*
 * Streaming UTF-8 check (RFC 3629: no overlongs, surrogates or code
 * points past U+10FFFF). need is the number of continuation bytes still
 * expected, lo..hi the range of the next one.
 */
struct utf8 {
	int need;
	unsigned char lo, hi;
	bool bad;
};

static void
utf8_feed(struct utf8 *u, const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && !u->bad; i++) {
		unsigned char c = s[i];

		if (u->need > 0) {
			if (c < u->lo || c > u->hi) {
				u->bad = true;
				break;
			}
			u->need--;
			u->lo = 0x80;
			u->hi = 0xBF;
			continue;
		}
		u->lo = 0x80;
		u->hi = 0xBF;
		if (c < 0x80)
			continue;
		else if (c >= 0xC2 && c <= 0xDF)
			u->need = 1;
		else if (c == 0xE0)
			u->need = 2, u->lo = 0xA0;
		else if (c == 0xED)
			u->need = 2, u->hi = 0x9F;
		else if (c >= 0xE1 && c <= 0xEF)
			u->need = 2;
		else if (c == 0xF0)
			u->need = 3, u->lo = 0x90;
		else if (c >= 0xF1 && c <= 0xF3)
			u->need = 3;
		else if (c == 0xF4)
			u->need = 3, u->hi = 0x8F;
		else
			u->bad = true;
	}
}

static bool
utf8_ok(const char *s, size_t n)
{
	struct utf8 u = { 0, 0x80, 0xBF, false };

	utf8_feed(&u, (const unsigned char *)s, n);
	return !u.bad && u.need == 0;
}

/* What the first pass learns of the bytes. */
struct scan {
	struct utf8 u;
	bool latin1;		/* no C0 control but tab, CR, LF; no C1 */
	bool bom;
	bool started;
	crypto_generichash_state hash;
	uint64_t bytes;
};

static void
scan_init(struct scan *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->u.lo = 0x80;
	sc->u.hi = 0xBF;
	sc->latin1 = true;
	crypto_generichash_init(&sc->hash, NULL, 0, 32);
}

static void
scan_feed(struct scan *sc, const unsigned char *s, size_t n)
{
	size_t i;

	if (!sc->started && n > 0) {
		/* Chunks are large: the first holds the whole mark. */
		sc->bom = n >= 3 && s[0] == 0xEF && s[1] == 0xBB &&
		    s[2] == 0xBF;
		sc->started = true;
	}
	crypto_generichash_update(&sc->hash, s, n);
	sc->bytes += n;
	utf8_feed(&sc->u, s, n);
	for (i = 0; i < n && sc->latin1; i++)
		if ((s[i] < 0x20 && s[i] != '\t' && s[i] != '\r' &&
		    s[i] != '\n') || (s[i] >= 0x7F && s[i] <= 0x9F))
			sc->latin1 = false;
}

static void
scan_hash(struct scan *sc, char hex[65])
{
	unsigned char h[32];

	crypto_generichash_final(&sc->hash, h, sizeof(h));
	sodium_bin2hex(hex, 65, h, sizeof(h));
}

/*
 * Compares a cell with a code the way the codebooks and the files differ:
 * ASCII case and spaces do not count, and any run of '-', en dash and em
 * dash is one dash ("0—8" is "0--8").
 */
static bool
code_eq(const char *v, size_t vn, const char *code)
{
	const unsigned char *a = (const unsigned char *)v, *ae = a + vn;
	const unsigned char *b = (const unsigned char *)code;

	for (;;) {
		bool da = false, db = false;

		while (a < ae && *a == ' ')
			a++;
		while (*b == ' ')
			b++;
		while (a < ae && (*a == '-' || (ae - a >= 3 && a[0] == 0xE2 &&
		    a[1] == 0x80 && (a[2] == 0x93 || a[2] == 0x94)))) {
			a += *a == '-' ? 1 : 3;
			da = true;
			while (a < ae && *a == ' ')
				a++;
		}
		while (*b == '-') {
			b++;
			db = true;
			while (*b == ' ')
				b++;
		}
		if (da != db)
			return false;
		if (a == ae || *b == '\0')
			return a == ae && *b == '\0';
		if (*a != *b && !(*a < 0x80 && *b < 0x80 &&
		    (*a | 0x20) == (*b | 0x20) &&
		    (*a | 0x20) >= 'a' && (*a | 0x20) <= 'z'))
			return false;
		a++;
		b++;
	}
}

static const char *
code_find(const char *const *codes, const char *v, size_t n)
{
	size_t i;

	for (i = 0; codes[i]; i++)
		if (code_eq(v, n, codes[i]))
			return codes[i];
	return NULL;
}

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm). */
static void
civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/*
 * When a bad value looks like a date that a spreadsheet stored as its
 * serial number (days since 1899-12-30), writes that date to out.
 */
static bool
excel_date(const char *v, char *out, size_t size)
{
	long serial;
	int y, m, d;

	if (!all_digits(v) || strlen(v) < 4 || strlen(v) > 6)
		return false;
	serial = strtol(v, NULL, 10);
	/* 1 January 1950 to 31 December 2099. */
	if (serial < 18264 || serial > 73415)
		return false;
	civil_from_days(serial - 25569, &y, &m, &d);
	snprintf(out, size, "%04d-%02d-%02d", y, m, d);
	return true;
}

static int
current_year(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (gmtime_r(&now, &tm) == NULL)
		return 2100;
	return tm.tm_year + 1900;
}

/* --- the parser --- */

struct parse {
	const struct import_opts *o;
	struct buf *report;
	struct import_result *res;
	bool latin1;
	int year_max;

	/* position */
	size_t row;		/* record number, the header is 1 */
	size_t field;		/* fields seen in the current row */
	bool after_cr;		/* the last row ended with CR */
	bool fatal;		/* stop: nothing more can be read */

	/* header */
	bool header_seen;	/* the header row has been read */
	char **hdr;
	size_t nhdr;
	const struct layout *lay;
	int *colmap;		/* file column -> kept variable, -1 dropped */

	/* the current row */
	char *cells;		/* ncols cells of IMPORT_CELL_MAX + 1 */
	const char **vals;	/* NULL: missing */
	bool row_bad;
	bool ragged_seen;

	struct dataset *ds;
	size_t listed;
	char conv[IMPORT_CELL_MAX + 1];
};

/* The length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
utf8_seq(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;

	return len && len <= n && utf8_ok(s, len) ? len : 0;
}

/* Appends v (n bytes, untrusted) to the report, quoted and escaped. */
static void
report_value(struct buf *b, const char *v, size_t n)
{
	size_t i, k, shown = n > REPORT_VALUE_MAX ? REPORT_VALUE_MAX : n;

	/* Do not cut a UTF-8 sequence in two. */
	while (shown > 0 && shown < n &&
	    ((unsigned char)v[shown] & 0xC0) == 0x80)
		shown--;
	buf_addch(b, '"');
	for (i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7F)
			buf_printf(b, "\\x%02X", c);
		else if (c < 0x80)
			buf_addch(b, (char)c);
		else if ((k = utf8_seq(v + i, shown - i)) == 0)
			buf_printf(b, "\\x%02X", c);
		else
			buf_add(b, v + i, k), i += k - 1;
	}
	if (shown < n)
		buf_addstr(b, "\xE2\x80\xA6");	/* … */
	buf_addch(b, '"');
}

/*
 * Counts a problem of the current row and lists it while fewer than
 * IMPORT_PROBLEMS_LISTED are: "row R, column C (name): value "v":
 * reason". col 0 names no column; v NULL shows no value.
 */
static void ATTR_PRINTF(5, 6)
problem(struct parse *p, size_t col, const char *v, size_t vn,
    const char *fmt, ...)
{
	va_list ap;

	p->res->problems++;
	p->row_bad = true;
	if (p->listed >= IMPORT_PROBLEMS_LISTED)
		return;
	p->listed++;
	buf_printf(p->report, "row %zu", p->row);
	if (col > 0) {
		buf_printf(p->report, ", column %zu", col);
		if (col <= p->nhdr && p->header_seen)
			buf_printf(p->report, " (%s)", p->hdr[col - 1]);
	}
	if (v) {
		buf_addstr(p->report, ": value ");
		report_value(p->report, v, vn);
	}
	buf_addstr(p->report, ": ");
	va_start(ap, fmt);
	buf_vprintf(p->report, fmt, ap);
	va_end(ap);
	buf_addch(p->report, '\n');
}

/* A problem of the file as a whole: stops the parse. */
static void ATTR_PRINTF(2, 3)
file_problem(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	p->res->problems++;
	p->fatal = true;
	va_start(ap, fmt);
	buf_vprintf(p->report, fmt, ap);
	va_end(ap);
	buf_addch(p->report, '\n');
}

static void
strip(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* Latin-1 to UTF-8 into p->conv; false when it does not fit. */
static bool
latin1_convert(struct parse *p, const char *s, size_t n, size_t *out)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (k + 2 > IMPORT_CELL_MAX)
			return false;
		if (c < 0x80) {
			p->conv[k++] = (char)c;
		} else {
			p->conv[k++] = (char)(0xC0 | (c >> 6));
			p->conv[k++] = (char)(0x80 | (c & 0x3F));
		}
	}
	p->conv[k] = '\0';
	*out = k;
	return true;
}

static bool
is_missing(const char *v, size_t n)
{
	return n == 0 || (n == 3 && memcmp(v, "-99", 3) == 0) ||
	    (n == 4 && strncasecmp(v, "NULL", 4) == 0);
}

/* Why v is not a year, into why. */
static void
year_problem(struct parse *p, size_t col, const char *v)
{
	char date[32];

	if (excel_date(v, date, sizeof(date)))
		problem(p, col, v, strlen(v), "looks like a date stored as a "
		    "spreadsheet serial number (%s); a year is expected", date);
	else if (strpbrk(v, "/.") || (strchr(v + 1, '-') && v[0] >= '0' &&
	    v[0] <= '9'))
		problem(p, col, v, strlen(v), "a date or a range; a year "
		    "from %d to %d is expected", YEAR_MIN, p->year_max);
	else
		problem(p, col, v, strlen(v), "not a year from %d to %d",
		    YEAR_MIN, p->year_max);
}

/*
 * Checks v (NUL-terminated, stripped, not missing) for column col of
 * kind c and writes its stored form to out. Returns false after
 * reporting a problem.
 */
static bool
check_value(struct parse *p, size_t col, const struct col *c, const char *v,
    size_t n, char *out)
{
	unsigned quirks = p->lay->quirks;
	const char *code, *bad = v;
	size_t badn = n;
	char date[32];

	switch (c->kind) {
	case COL_YEAR: {
		long y;

		if ((quirks & QUIRK_FLOATS) && n == 6 &&
		    memcmp(v + 4, ".0", 2) == 0)
			n = 4;
		if (n != 4 || strspn(v, "0123456789") < 4) {
			year_problem(p, col, v);
			return false;
		}
		y = strtol(v, NULL, 10);
		if (y < YEAR_MIN || y > p->year_max) {
			year_problem(p, col, v);
			return false;
		}
		memcpy(out, v, 4);
		out[4] = '\0';
		return true;
	}
	case COL_FLAG:
		if ((quirks & QUIRK_FLOATS) && n == 3 && v[1] == '.' &&
		    v[2] == '0')
			n = 1;
		if (n == 1 && (v[0] == '0' || v[0] == '1')) {
			out[0] = v[0];
			out[1] = '\0';
			return true;
		}
		problem(p, col, v, strlen(v), "not a flag: 0, 1 or empty");
		return false;
	case COL_ISO2:
		if ((quirks & QUIRK_ZERO_COUNTRY) && n == 1 && v[0] == '0')
			v = "00", n = 2;
		if (is_alpha2(v)) {
			memcpy(out, v, 3);
			return true;
		}
		problem(p, col, v, n, "not an ISO 3166-1 alpha-2 country "
		    "code (capitals; 00 for unknown)");
		return false;
	case COL_ISO3:
		if (is_alpha3(v)) {
			memcpy(out, v, 4);
			return true;
		}
		problem(p, col, v, n, "not an ISO 3166-1 alpha-3 country "
		    "code (capitals)");
		return false;
	case COL_CODE:
		if ((code = code_find(c->codes, v, n)) != NULL) {
			snprintf(out, IMPORT_CELL_MAX + 1, "%s", code);
			return true;
		}
		break;
	case COL_MULTI: {
		const char *m = v, *end = v + n;
		const char *seen[64];
		size_t nseen = 0, i, k = 0;

		for (;;) {
			const char *semi = memchr(m, ';', (size_t)(end - m));
			const char *me = semi ? semi : end;
			size_t mn = (size_t)(me - m);

			strip(&m, &mn);
			if (mn == 0) {
				problem(p, col, v, n, "an empty member "
				    "between ';'");
				return false;
			}
			if ((code = code_find(c->codes, m, mn)) == NULL) {
				bad = m;
				badn = mn;
				break;
			}
			for (i = 0; i < nseen; i++)
				if (seen[i] == code) {
					problem(p, col, v, n, "\"%s\" is "
					    "listed twice", code);
					return false;
				}
			if (nseen < ARRAY_SIZE(seen))
				seen[nseen++] = code;
			k += (size_t)snprintf(out + k, IMPORT_CELL_MAX + 1 - k,
			    "%s%s", k ? ";" : "", code);
			if (k > IMPORT_CELL_MAX) {
				problem(p, col, v, n, "too long");
				return false;
			}
			if (semi == NULL)
				return true;
			m = semi + 1;
		}
		break;
	}
	}

	/* An unknown code: say what is known. */
	{
		struct buf list = BUF_INIT(1024);
		size_t i;

		for (i = 0; c->codes[i]; i++)
			buf_printf(&list, "%s%s", i ? ", " : "", c->codes[i]);
		if (excel_date(v, date, sizeof(date)))
			problem(p, col, v, n, "looks like a date stored as a "
			    "spreadsheet serial number (%s); expected one "
			    "of %s", date, buf_cstr(&list));
		else if (c->kind == COL_MULTI && badn != n)
			problem(p, col, v, n, "unknown code \"%.*s\"; "
			    "expected one or more of %s, joined with ';'",
			    (int)(badn < REPORT_VALUE_MAX ? badn :
			    REPORT_VALUE_MAX), bad, buf_cstr(&list));
		else
			problem(p, col, v, n, "unknown code; expected %s%s%s",
			    c->kind == COL_MULTI ? "one or more of " :
			    "one of ", buf_cstr(&list),
			    c->kind == COL_MULTI ? ", joined with ';'" : "");
		buf_release(&list);
	}
	return false;
}

/* libcsv's cell buffer may not grow past CSV_CELL_READ_MAX. */
static void *
csv_realloc_capped(void *ptr, size_t size)
{
	if (size > CSV_CELL_READ_MAX)
		return NULL;
	return realloc(ptr, size);
}

static void
header_cell(struct parse *p, const char *s, size_t n)
{
	char **nh;

	if (p->nhdr >= HEADER_COLS_MAX) {
		if (p->nhdr == HEADER_COLS_MAX)
			file_problem(p, "row %zu: more than %d columns: this "
			    "is no CTDC layout", p->row, HEADER_COLS_MAX);
		return;
	}
	if (p->latin1 && latin1_convert(p, s, n, &n))
		s = p->conv;
	strip(&s, &n);
	if ((nh = realloc(p->hdr, (p->nhdr + 1) * sizeof(*nh))) == NULL ||
	    (nh[p->nhdr] = strndup(s, n)) == NULL) {
		if (nh)
			p->hdr = nh;
		file_problem(p, "out of memory");
		return;
	}
	p->hdr = nh;
	p->nhdr++;
}

static bool
name_is(const char *h, const struct col *c)
{
	return strcasecmp(h, c->name) == 0 ||
	    (c->alias && strcasecmp(h, c->alias) == 0);
}

/* The slot of header name h in layout l: its kept column (0..ncols-1)
 * or ncols + its dropped column; -1 when l has no such column. */
static int
layout_slot(const struct layout *l, const char *h)
{
	size_t j;

	for (j = 0; j < l->ncols; j++)
		if (name_is(h, &l->cols[j]))
			return (int)j;
	for (j = 0; j < l->ndropped; j++)
		if (strcasecmp(h, l->dropped[j]) == 0)
			return (int)(l->ncols + j);
	return -1;
}

/*
 * How well the header fits layout l: fills map (when not NULL: kept
 * variable, or -1) and returns the number of its columns found; *extra
 * counts header columns it does not have, or has twice.
 */
static size_t
layout_fit(const struct parse *p, const struct layout *l, int *map,
    size_t *extra)
{
	bool got[DATASET_VARS_MAX + 16] = { false };
	size_t i, found = 0;
	int slot;

	*extra = 0;
	for (i = 0; i < p->nhdr; i++) {
		slot = layout_slot(l, p->hdr[i]);
		if (slot < 0 || got[slot]) {
			(*extra)++;
			continue;
		}
		got[slot] = true;
		found++;
		if (map)
			map[i] = (size_t)slot < l->ncols ? slot : -1;
	}
	return found;
}

/* Lists the layouts and what the header lacks for the closest one. */
static void
explain_layouts(struct parse *p)
{
	struct buf *b = p->report;
	size_t l, i, j, best = 0, best_found = 0, best_extra = 0, extra;

	buf_printf(b, "row %zu: the header matches no CTDC layout that ctm "
	    "reads. Its %zu columns: ", p->row, p->nhdr);
	for (i = 0; i < p->nhdr; i++) {
		if (i)
			buf_addstr(b, ", ");
		report_value(b, p->hdr[i], strlen(p->hdr[i]));
	}
	buf_addstr(b, "\nThe layouts (columns in any order, names in any "
	    "case):\n");
	for (l = 0; l < CTDC_LAYOUT__MAX; l++) {
		const struct layout *ly = &layouts[l];
		size_t found = layout_fit(p, ly, NULL, &extra);

		if (found > best_found)
			best = l, best_found = found, best_extra = extra;
		buf_printf(b, "  %s: %s, %zu columns:\n    ", ly->name,
		    ly->title, ly->ncols + ly->ndropped);
		for (i = 0; i < ly->ncols; i++)
			buf_printf(b, "%s%s", i ? ", " : "",
			    ly->cols[i].name);
		for (i = 0; i < ly->ndropped; i++)
			buf_printf(b, ", %s", ly->dropped[i]);
		buf_addch(b, '\n');
	}
	if (best_found > 0) {
		const struct layout *ly = &layouts[best];
		size_t nmiss = 0;

		buf_printf(b, "Closest: %s. Missing:", ly->name);
		for (i = 0; i < ly->ncols + ly->ndropped; i++) {
			bool have = false;

			for (j = 0; j < p->nhdr && !have; j++)
				have = layout_slot(ly, p->hdr[j]) == (int)i;
			if (!have)
				buf_printf(b, "%s %s", nmiss++ ? "," : "",
				    i < ly->ncols ? ly->cols[i].name :
				    ly->dropped[i - ly->ncols]);
		}
		if (nmiss == 0)
			buf_addstr(b, " none");
		buf_addstr(b, ". Not in it:");
		nmiss = 0;
		for (j = 0; j < p->nhdr; j++) {
			if (layout_slot(ly, p->hdr[j]) < 0) {
				buf_addstr(b, nmiss++ ? ", " : " ");
				report_value(b, p->hdr[j], strlen(p->hdr[j]));
			}
		}
		if (nmiss == 0)
			buf_addstr(b, best_extra ? " none, but a column is "
			    "there twice" : " none");
		buf_addstr(b, ".\n");
	}
}

/* The header row is complete: find its layout and set up the rows. */
static void
header_done(struct parse *p)
{
	const char *const *names;
	size_t l, extra, i;

	p->colmap = calloc(p->nhdr ? p->nhdr : 1, sizeof(*p->colmap));
	if (p->colmap == NULL) {
		file_problem(p, "out of memory");
		return;
	}
	for (l = 0; l < CTDC_LAYOUT__MAX; l++) {
		const struct layout *ly = &layouts[l];

		for (i = 0; i < p->nhdr; i++)
			p->colmap[i] = -1;
		if (p->nhdr == ly->ncols + ly->ndropped &&
		    layout_fit(p, ly, p->colmap, &extra) == p->nhdr &&
		    extra == 0)
			break;
	}
	if (l == CTDC_LAYOUT__MAX) {
		p->res->problems++;
		p->fatal = true;
		explain_layouts(p);
		return;
	}
	p->lay = &layouts[l];
	p->res->layout = (int)l;
	ctdc_layout_vars((enum ctdc_layout)l, &names);
	p->ds = dataset_new(p->lay->ncols, names);
	p->cells = malloc(p->lay->ncols * (IMPORT_CELL_MAX + 1));
	p->vals = calloc(p->lay->ncols, sizeof(*p->vals));
	if (p->ds == NULL || p->cells == NULL || p->vals == NULL)
		file_problem(p, "out of memory");
}

static void
on_field(void *s, size_t n, void *arg)
{
	struct parse *p = arg;
	const char *v = s ? s : "";
	size_t col, var;
	int m;

	if (p->fatal)
		return;
	col = ++p->field;
	if (!p->header_seen) {
		header_cell(p, v, n);
		return;
	}
	if (col > p->nhdr) {
		if (col == p->nhdr + 1)
			problem(p, col, v, n, "a column more than the %zu of "
			    "the header", p->nhdr);
		return;
	}
	if ((m = p->colmap[col - 1]) < 0)
		return;		/* read, not kept */
	var = (size_t)m;

	if (n > IMPORT_CELL_MAX) {
		problem(p, col, v, n, "longer than %d bytes",
		    IMPORT_CELL_MAX);
		return;
	}
	if (p->latin1) {
		if (!latin1_convert(p, v, n, &n)) {
			problem(p, col, v, n, "longer than %d bytes once "
			    "converted from Latin-1", IMPORT_CELL_MAX);
			return;
		}
		v = p->conv;
	} else if (!utf8_ok(v, n)) {
		problem(p, col, v, n, "not UTF-8 text (and the file is "
		    "not Latin-1 throughout either)");
		return;
	}
	if (memchr(v, '\0', n) != NULL) {
		problem(p, col, v, n, "contains a NUL byte");
		return;
	}
	strip(&v, &n);
	{
		size_t i;

		for (i = 0; i < n; i++)
			if ((unsigned char)v[i] < 0x20 || v[i] == 0x7F) {
				problem(p, col, v, n, "contains a control "
				    "character (a line break in a cell?)");
				return;
			}
	}
	if (is_missing(v, n))
		return;
	if (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@') {
		problem(p, col, v, n, "starts with '%c' like a spreadsheet "
		    "formula: refused as a value", v[0]);
		return;
	}
	{
		char *out = p->cells + var * (IMPORT_CELL_MAX + 1);
		char cell[IMPORT_CELL_MAX + 1];

		memcpy(cell, v, n);
		cell[n] = '\0';
		if (check_value(p, col, &p->lay->cols[var], cell, n, out))
			p->vals[var] = out;
	}
}

static void
on_row(int term, void *arg)
{
	struct parse *p = arg;
	bool cr = term == '\r';

	if (p->fatal)
		return;
	if (p->field == 0) {
		/* CSV_REPALL_NL: a bare line end. The LF of a CRLF is
		 * not a line of its own; any other one is a blank line,
		 * counted so that row numbers match the file's lines. */
		if (!(term == '\n' && p->after_cr))
			p->row++;
		p->after_cr = cr;
		return;
	}
	p->after_cr = cr;
	if (!p->header_seen) {
		p->header_seen = true;
		header_done(p);
	} else {
		p->res->rows_read++;
		if (p->field < p->nhdr)
			problem(p, p->field + 1, NULL, 0, "missing: the row "
			    "has %zu columns, the header %zu", p->field,
			    p->nhdr);
		if (p->row_bad) {
			p->res->rows_invalid++;
		} else {
			p->res->rows_valid++;
			if (dataset_add_row(p->ds, p->vals) != 0)
				file_problem(p, "row %zu: cannot be added: the "
				    "dataset is full (%u rows, %u distinct "
				    "values or %u MiB of values per column) or "
				    "memory ran out", p->row, DATASET_ROWS_MAX,
				    DATASET_CODES_MAX, DATASET_DICT_BYTES_MAX >> 20);
		}
	}
	p->row++;
	p->field = 0;
	p->row_bad = false;
	if (p->vals && p->lay)
		memset(p->vals, 0, p->lay->ncols * sizeof(*p->vals));
}

struct feeder {
	struct csv_parser csv;
	struct parse p;
	bool csv_ok;
	bool skipped_bom;
};

static int
feeder_init(struct feeder *f, const struct import_opts *o, struct buf *report,
    struct import_result *res, bool latin1)
{
	memset(f, 0, sizeof(*f));
	if (csv_init(&f->csv, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL |
	    CSV_APPEND_NULL) != 0)
		return error("import: cannot start the CSV parser");
	f->csv_ok = true;
	csv_set_realloc_func(&f->csv, csv_realloc_capped);
	csv_set_blk_size(&f->csv, 4096);
	f->p.o = o;
	f->p.report = report;
	f->p.res = res;
	f->p.latin1 = latin1;
	f->p.year_max = current_year();
	f->p.row = 1;
	return 0;
}

/* Explains why libcsv stopped. */
static void
csv_problem(struct feeder *f, bool at_end)
{
	int e = csv_error(&f->csv);

	if (e == CSV_ENOMEM || e == CSV_ETOOBIG)
		file_problem(&f->p, "row %zu: a cell longer than %zu bytes "
		    "(a quote not closed?)", f->p.row, CSV_CELL_READ_MAX);
	else if (at_end)
		file_problem(&f->p, "row %zu: a quoted cell is not closed "
		    "at the end of the file", f->p.row);
	else
		file_problem(&f->p, "row %zu, column %zu: malformed CSV: a "
		    "quote inside an unquoted cell, or text after a closing "
		    "quote", f->p.row, f->p.field + 1);
}

static void
feeder_feed(struct feeder *f, const unsigned char *s, size_t n)
{
	if (f->p.fatal)
		return;
	if (!f->skipped_bom) {
		f->skipped_bom = true;
		if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
			s += 3, n -= 3;
	}
	if (csv_parse(&f->csv, s, n, on_field, on_row, &f->p) != n &&
	    !f->p.fatal)
		csv_problem(f, false);
}

static void
feeder_finish(struct feeder *f)
{
	if (f->p.fatal)
		return;
	if (csv_fini(&f->csv, on_field, on_row, &f->p) != 0 && !f->p.fatal)
		csv_problem(f, true);
	if (f->p.fatal)
		return;
	if (f->p.nhdr == 0)
		file_problem(&f->p, "the file is empty: no header row");
	else if (f->p.lay && f->p.res->rows_read == 0)
		file_problem(&f->p, "the file has a header but no data rows");
}

static void
feeder_release(struct feeder *f)
{
	size_t i;

	if (f->csv_ok)
		csv_free(&f->csv);
	for (i = 0; i < f->p.nhdr; i++)
		free(f->p.hdr[i]);
	free(f->p.hdr);
	free(f->p.colmap);
	free(f->p.cells);
	free(f->p.vals);
	if (f->p.ds)
		dataset_free(f->p.ds);
	f->p.ds = NULL;
}

/* Whether to read the bytes as Latin-1, and the note that says so. */
static bool
choose_latin1(const struct scan *sc)
{
	bool utf8 = !sc->u.bad && sc->u.need == 0;

	/* A byte order mark says UTF-8, whatever follows. */
	return !utf8 && !sc->bom && sc->latin1;
}

/*
 * The end of the report: what was found, and what happens. Returns
 * whether the rows can be imported.
 */
static bool
conclude(struct feeder *f, const struct import_opts *o, struct buf *report,
    struct import_result *res)
{
	if (res->problems > f->p.listed && !f->p.fatal)
		buf_printf(report, "... and %zu more problems\n",
		    res->problems - f->p.listed);
	if (f->p.fatal) {
		buf_addstr(report, "nothing imported\n");
		return false;
	}
	if (res->rows_invalid > 0 && !o->skip_invalid) {
		buf_printf(report, "nothing imported: %zu of %zu row%s %s "
		    "problems (%zu in all); correct them, or import the %zu "
		    "valid row%s with --skip-invalid\n", res->rows_invalid,
		    res->rows_read, res->rows_read == 1 ? "" : "s",
		    res->rows_invalid == 1 ? "has" : "have", res->problems,
		    res->rows_valid, res->rows_valid == 1 ? "" : "s");
		return false;
	}
	if (res->rows_valid == 0) {
		buf_printf(report, "nothing imported: no valid row\n");
		return false;
	}
	return true;
}

/* After rows were imported without the invalid ones. */
static void
report_skipped(struct buf *report, const struct import_result *res)
{
	if (res->status == IMPORT_DONE && res->rows_invalid > 0)
		buf_printf(report, "skipped %zu invalid row%s of %zu "
		    "(--skip-invalid)\n", res->rows_invalid,
		    res->rows_invalid == 1 ? "" : "s", res->rows_read);
}

int
import_ctdc_parse(const void *data, size_t len, const struct import_opts *o,
    struct buf *report, struct import_result *res, struct dataset **out)
{
	struct scan sc;
	struct feeder f;
	int r = -1;

	*out = NULL;
	memset(res, 0, sizeof(*res));
	res->layout = -1;
	res->status = IMPORT_FAILED;
	if (sodium_init() < 0 || !countries_ready())
		return error("import: not ready (libsodium or iso-codes)");
	scan_init(&sc);
	scan_feed(&sc, data, len);
	scan_hash(&sc, res->hash);
	res->latin1 = choose_latin1(&sc);
	if (feeder_init(&f, o, report, res, res->latin1) != 0)
		return -1;
	res->status = IMPORT_REFUSED;
	if (len == 0)
		file_problem(&f.p, "the file is empty");
	feeder_feed(&f, data, len);
	feeder_finish(&f);
	if (conclude(&f, o, report, res)) {
		*out = f.p.ds;
		f.p.ds = NULL;
		res->status = IMPORT_DONE;
		res->rows_imported = res->rows_valid;
		res->dataset_rows = res->rows_valid;
		report_skipped(report, res);
		r = 0;
	}
	feeder_release(&f);
	return r;
}

/* --- files --- */

static void
progress_draw(uint64_t done_bytes, uint64_t total, int *last)
{
	int pct = total ? (int)(done_bytes * 100 / total) : 100;
	char bar[41];
	int i, fill = pct * 40 / 100;

	if (pct == *last)
		return;
	*last = pct;
	for (i = 0; i < 40; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[40] = '\0';
	fprintf(stderr, "\rimporting [%s] %3d%%", bar, pct);
	fflush(stderr);
}

static void
progress_clear(void)
{
	fputs("\r\033[K", stderr);
	fflush(stderr);
}

/* Reads the whole of fd from its start, handing each chunk to fn.
 * Returns 0, or -1 with errno set. */
static int
read_all(int fd, unsigned char *chunk,
    void (*fn)(void *, const unsigned char *, size_t), void *arg)
{
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	for (;;) {
		n = read(fd, chunk, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		fn(arg, chunk, (size_t)n);
	}
}

static void
pass1(void *arg, const unsigned char *s, size_t n)
{
	scan_feed(arg, s, n);
}

struct pass2 {
	struct scan sc;
	struct feeder *f;
	bool progress;
	uint64_t total;
	int last;
};

static void
pass2(void *arg, const unsigned char *s, size_t n)
{
	struct pass2 *p2 = arg;

	scan_feed(&p2->sc, s, n);
	feeder_feed(p2->f, s, n);
	if (p2->progress)
		progress_draw(p2->sc.bytes, p2->total, &p2->last);
}

/* Adds the rows of add to base (same variables, in the same order). */
static int
dataset_append(struct dataset *base, const struct dataset *add)
{
	const char *vals[DATASET_VARS_MAX];
	size_t nv = dataset_nvars(add), r, v;

	if (dataset_nvars(base) != nv)
		return -1;
	for (v = 0; v < nv; v++)
		if (strcmp(dataset_var_name(base, v),
		    dataset_var_name(add, v)) != 0)
			return -1;
	for (r = 0; r < dataset_nrows(add); r++) {
		for (v = 0; v < nv; v++)
			vals[v] = dataset_value(add, v,
			    dataset_code(add, v, r));
		if (dataset_add_row(base, vals) != 0)
			return -1;
	}
	return 0;
}

/*
 * Stores ds (the rows of the file) into the dataset in one transaction,
 * appending to what is there. Sets res; returns 0 or -1.
 */
static int
store(struct db *db, const struct import_opts *o, struct dataset *ds,
    const char *layout, struct buf *report, struct import_result *res)
{
	struct dataset_info info;
	struct dataset *old = NULL;
	const struct dataset *save = ds;
	int rc;

	if (db_begin(db) != DB_OK)
		return -1;
	rc = db_dataset_get(db, o->dataset, &info);
	if (rc == DB_OK) {
		if (strcmp(info.layout, layout) != 0) {
			buf_printf(report, "nothing imported: dataset %s "
			    "holds the %s layout, this file is %s; import it "
			    "into a dataset of its own\n", o->dataset,
			    info.layout, layout);
			res->status = IMPORT_REFUSED;
			goto fail;
		}
		rc = db_dataset_imported(db, o->dataset, res->hash);
		if (rc == DB_OK) {
			res->status = IMPORT_ALREADY;
			db_rollback(db);
			return 0;
		}
		if (rc != DB_NOTFOUND)
			goto fail;
		if (db_dataset_load(db, o->dataset, &old) != DB_OK)
			goto fail;
		if (dataset_append(old, ds) != 0) {
			error("import: cannot add the rows to dataset %s",
			    o->dataset);
			goto fail;
		}
		save = old;
		res->appended = true;
	} else if (rc != DB_NOTFOUND) {
		goto fail;
	}
	rc = db_dataset_save(db, o->dataset, layout, res->hash, save,
	    (int64_t)time(NULL));
	if (rc == DB_CONFLICT) {
		res->status = IMPORT_ALREADY;
		res->appended = false;
		db_rollback(db);
		if (old)
		dataset_free(old);
		return 0;
	}
	if (rc != DB_OK || db_commit(db) != DB_OK)
		goto fail;
	res->dataset_rows = dataset_nrows(save);
	res->rows_imported = dataset_nrows(ds);
	res->status = IMPORT_DONE;
	if (old)
		dataset_free(old);
	return 0;
fail:
	db_rollback(db);
	if (old)
		dataset_free(old);
	res->appended = false;
	if (res->status != IMPORT_REFUSED)
		res->status = IMPORT_FAILED;
	return -1;
}

int
import_ctdc_file(struct db *db, const char *path, const struct import_opts *o,
    struct buf *report, struct import_result *res)
{
	uint64_t max = o->max_bytes ? o->max_bytes : IMPORT_MAX_BYTES;
	unsigned char *chunk = NULL;
	struct pass2 p2;
	struct feeder f;
	struct scan sc;
	struct stat st;
	char hash2[65];
	bool have_feeder = false;
	int fd = -1, r = -1, flags;

	memset(res, 0, sizeof(*res));
	res->layout = -1;
	res->status = IMPORT_REFUSED;
	if (!db_dataset_name_ok(o->dataset)) {
		buf_addstr(report, "a dataset name is 1 to 63 letters, digits, "
		    "'_', '.' or '-'\n");
		return -1;
	}
	/* Non-blocking so that a FIFO cannot hang the open. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		buf_printf(report, "cannot open the file: %s\n",
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		buf_printf(report, "cannot read the file: %s\n",
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		buf_addstr(report, "not a regular file\n");
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		buf_printf(report, "the file is %llu bytes; ctm imports files "
		    "of at most %llu bytes (%.1f GiB). Nothing was read.\n",
		    (unsigned long long)st.st_size, (unsigned long long)max,
		    (double)max / (1024.0 * 1024 * 1024));
		goto out;
	}
	if (st.st_size == 0) {
		buf_addstr(report, "the file is empty\n");
		goto out;
	}
	if ((flags = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0)
		goto io_error;
	res->status = IMPORT_FAILED;
	if (sodium_init() < 0) {
		error("import: libsodium cannot start");
		goto out;
	}
	if (!countries_ready()) {
		buf_addstr(report, "cannot read the ISO 3166 country list "
		    "(Debian package iso-codes)\n");
		goto out;
	}
	if ((chunk = malloc(CHUNK)) == NULL) {
		error("import: out of memory");
		goto out;
	}

	/* Pass 1: the hash, and the encoding. */
	scan_init(&sc);
	if (read_all(fd, chunk, pass1, &sc) != 0)
		goto io_error;
	scan_hash(&sc, res->hash);
	res->latin1 = choose_latin1(&sc);
	switch (db_dataset_imported(db, o->dataset, res->hash)) {
	case DB_OK:
		res->status = IMPORT_ALREADY;
		r = 0;
		goto out;
	case DB_NOTFOUND:
		break;
	default:
		goto out;
	}

	/* Pass 2: parse and check. */
	if (feeder_init(&f, o, report, res, res->latin1) != 0)
		goto out;
	have_feeder = true;
	res->status = IMPORT_REFUSED;
	memset(&p2, 0, sizeof(p2));
	scan_init(&p2.sc);
	p2.f = &f;
	p2.progress = o->progress;
	p2.total = (uint64_t)st.st_size;
	p2.last = -1;
	if (read_all(fd, chunk, pass2, &p2) != 0) {
		if (o->progress)
			progress_clear();
		goto io_error;
	}
	if (o->progress)
		progress_clear();
	scan_hash(&p2.sc, hash2);
	if (strcmp(hash2, res->hash) != 0) {
		buf_addstr(report, "the file changed while it was read; "
		    "nothing imported\n");
		goto out;
	}
	feeder_finish(&f);
	if (!conclude(&f, o, report, res))
		goto out;
	r = store(db, o, f.p.ds, f.p.lay->name, report, res);
	report_skipped(report, res);
	goto out;

io_error:
	buf_printf(report, "cannot read the file: %s\n", strerror(errno));
	res->status = IMPORT_FAILED;
out:
	if (have_feeder)
		feeder_release(&f);
	free(chunk);
	if (fd >= 0)
		close(fd);
	if (r != 0 && res->status == IMPORT_DONE)
		res->status = IMPORT_FAILED;
	return r;
}
