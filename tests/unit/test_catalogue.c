/*
 * test_catalogue.c - the field catalogue, its code lists, and the
 * validation of every field type, good cases and bad ones.
 *
 * Countries and languages come from the real iso-codes tables (or
 * $CTM_ISOCODES_DIR), loaded once for the whole group.
 */
#include "compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "catalogue.h"
#include "i18n.h"
#include "isocodes.h"
#include "log.h"

/* 2026-03-15 12:00:00 UTC */
#define TODAY INT64_C(1773576000)

static const struct field_def *
F(const char *name)
{
	int id = field_by_name(name);

	if (id < 0)
		fail_msg("no field %s", name);
	return field_get((enum field_id)id);
}

static void
ok(const char *field, const char *value)
{
	const char *msg = field_validate(F(field), value, TODAY);

	if (msg != NULL)
		fail_msg("%s = \"%s\" refused: %s", field, value, msg);
}

static void
bad(const char *field, const char *value)
{
	if (field_validate(F(field), value, TODAY) == NULL)
		fail_msg("%s = \"%s\" accepted", field, value);
}

static int
group_setup(void **state)
{
	(void)state;
	log_set_quiet(true);
	return isocodes_load(NULL);
}

static int
group_teardown(void **state)
{
	(void)state;
	isocodes_release();
	return 0;
}

/* --- the catalogue's shape --- */

static bool
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static void
test_field_names_unique_with_prefix(void **state)
{
	int i, j;

	(void)state;
	assert_true(F__MAX > 60);
	for (i = 0; i < F__MAX; i++) {
		const struct field_def *f = field_get((enum field_id)i);
		const struct section_def *s;
		size_t plen;
		const char *p;

		assert_non_null(f);
		assert_int_equal(f->id, i);
		assert_non_null(f->name);
		assert_true(f->section >= 0 && f->section < SEC__MAX);
		s = section_get(f->section);
		plen = strlen(s->prefix);
		if (strncmp(f->name, s->prefix, plen) != 0)
			fail_msg("%s lacks the prefix %s", f->name, s->prefix);
		/* prefix, then an upper-case HTCDS-style word */
		assert_true(f->name[plen] >= 'A' && f->name[plen] <= 'Z');
		for (p = f->name + plen; *p; p++)
			assert_true(name_char(*p));
		for (j = 0; j < i; j++)
			if (strcmp(field_get((enum field_id)j)->name, f->name) == 0)
				fail_msg("%s declared twice", f->name);
		assert_int_equal(field_by_name(f->name), i);
		assert_non_null(f->label);
		assert_true(f->label[0] != '\0');
		assert_true(f->type >= 0 && f->type < FT__MAX);
		assert_int_equal(f->flags & ~(unsigned)(FF_IDENTIFYING |
		    FF_REQUIRED | FF_SYSTEM | FF_NOSPECIAL | FF_ORGNAME), 0);
		/* The registry's names are offered for free text only. */
		if (f->flags & FF_ORGNAME)
			assert_int_equal(f->type, FT_TEXT);
	}
	assert_int_equal(field_by_name("prs_firstname"), -1);
	assert_int_equal(field_by_name("prs_FirstName "), -1);
	assert_int_equal(field_by_name(""), -1);
	assert_int_equal(field_by_name(NULL), -1);
	assert_int_equal(field_by_name("prs_FirstName"), PRS_FIRST_NAME);
}

static void
test_field_types_lists_and_limits(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < F__MAX; i++) {
		const struct field_def *f = field_get((enum field_id)i);
		size_t n;

		switch (f->type) {
		case FT_CODE:
		case FT_CODES:
			assert_true(f->list >= 0 && f->list < CL__MAX);
			assert_non_null(codelist_codes(f->list, &n));
			if (n < 1)
				fail_msg("%s: list without codes", f->name);
			break;
		case FT_BOOL:
			assert_int_equal(f->list, CL_YESNO);
			break;
		default:
			if (f->list != CL_NONE)
				fail_msg("%s has a list but no coded type", f->name);
		}
		switch (f->type) {
		case FT_TEXT:
		case FT_LONGTEXT:
		case FT_EMAIL:
		case FT_CODES:
		case FT_COUNTRIES:
		case FT_PHONES:
		case FT_INT:
			if (f->max <= 0)
				fail_msg("%s has no maximum", f->name);
			break;
		default:
			break;
		}
		/* A system field is no question put to the person. */
		if (f->flags & FF_SYSTEM)
			assert_false(field_allows_special(f));
	}
}

/* Exactly these are encrypted: a field added to the person must decide. */
static void
test_identifying_fields(void **state)
{
	static const char *const expect[] = {
		"prs_FirstName", "prs_MiddleName", "prs_SecondName",
		"prs_Birthdate", "prs_IdentityNumber", "prs_MobilePhone",
		"prs_HomePhone", "prs_Email", "prs_MailingStreet",
		"prs_MailingPostalCode",
	};
	size_t k, n = 0;
	int i;

	(void)state;
	for (k = 0; k < ARRAY_SIZE(expect); k++)
		assert_true(F(expect[k])->flags & FF_IDENTIFYING);
	for (i = 0; i < F__MAX; i++) {
		const struct field_def *f = field_get((enum field_id)i);

		if (f->flags & FF_IDENTIFYING) {
			assert_int_equal(f->section, SEC_PERSON);
			n++;
		}
	}
	assert_int_equal(n, ARRAY_SIZE(expect));
	assert_false(F("prs_Gender")->flags & FF_IDENTIFYING);
	assert_false(F("prs_MailingCountry")->flags & FF_IDENTIFYING);
}

/* The fields issue 3 asks for, by their HTCDS names. */
static void
test_htcds_fields_present(void **state)
{
	static const struct {
		const char *name;
		enum field_type type;
		enum section sec;
	} expect[] = {
		{ "prs_FirstName", FT_TEXT, SEC_PERSON },
		{ "prs_Birthdate", FT_DATE, SEC_PERSON },
		{ "prs_Gender", FT_CODE, SEC_PERSON },
		{ "prs_MaritalStatus", FT_CODE, SEC_PERSON },
		{ "prs_NumberOfChildren", FT_INT, SEC_PERSON },
		{ "prs_PrimaryLanguage", FT_LANGUAGE, SEC_PERSON },
		{ "prs_SecondaryLanguage", FT_LANGUAGE, SEC_PERSON },
		{ "prs_HighestLevelOfEducation", FT_CODE, SEC_PERSON },
		{ "prs_Citizenship", FT_COUNTRIES, SEC_PERSON },
		{ "prs_IdentityNumber", FT_TEXT, SEC_PERSON },
		{ "prs_MobilePhone", FT_PHONES, SEC_PERSON },
		{ "prs_Email", FT_EMAIL, SEC_PERSON },
		{ "vic_TraffickingStatus", FT_CODE, SEC_VICTIM },
		{ "vic_TraffickingStatusDecisionMakingOrg", FT_CODE, SEC_VICTIM },
		{ "vic_RelationshipToTrafficker", FT_CODE, SEC_VICTIM },
		{ "vic_AgeWhenTrafficked", FT_INT, SEC_VICTIM },
		{ "vic_MethodOfRecruitment", FT_CODES, SEC_VICTIM },
		{ "vic_RecruitmentWebsitesAndApps", FT_CODES, SEC_VICTIM },
		{ "vic_ExploitationWebsitesAndApps", FT_CODES, SEC_VICTIM },
		{ "vic_MethodsOfControl", FT_CODES, SEC_VICTIM },
		{ "vic_TypeOfExploitation", FT_CODES, SEC_VICTIM },
		{ "vic_ForcedLabourIndustry", FT_CODE, SEC_VICTIM },
		{ "vic_TypeOfSexExploitation", FT_CODES, SEC_VICTIM },
		{ "vic_LocationOfRecruitment", FT_TEXT, SEC_VICTIM },
		{ "vic_LocationOfExploitation", FT_TEXT, SEC_VICTIM },
		{ "idn_DateIdentified", FT_DATE, SEC_IDENT },
		{ "idn_HowIdentified", FT_CODE, SEC_IDENT },
		{ "cas_Status", FT_CODE, SEC_CASE },
		{ "cas_ReasonForCaseClosure", FT_LONGTEXT, SEC_CASE },
		{ "hte_Type", FT_CODE, SEC_EVENT },
		{ "hte_Country", FT_COUNTRY, SEC_EVENT },
		{ "hte_Date", FT_DATE, SEC_EVENT },
		{ "hte_DocumentsUsed", FT_CODES, SEC_EVENT },
		{ "per_RoleInProcess", FT_CODES, SEC_PERPETRATOR },
		{ "per_Citizenship", FT_COUNTRIES, SEC_PERPETRATOR },
		{ "ref_Direction", FT_CODE, SEC_REFERRAL },
		{ "com_CaseComment", FT_LONGTEXT, SEC_COMMENT },
		{ "con_ConsentToInterview", FT_BOOL, SEC_CONSENT },
	};
	size_t k, n;

	(void)state;
	for (k = 0; k < ARRAY_SIZE(expect); k++) {
		const struct field_def *f = F(expect[k].name);

		assert_int_equal(f->type, expect[k].type);
		assert_int_equal(f->section, expect[k].sec);
	}
	/* eight consent questions (HTCDS's seven and ctm's sharing with law
	 * enforcement), one field each */
	for (n = 0, k = 0; k < F__MAX; k++) {
		const struct field_def *f = field_get((enum field_id)k);

		if (f->section == SEC_CONSENT && f->type == FT_BOOL)
			n++;
	}
	assert_int_equal(n, 8);
	assert_true(F("com_Date")->flags & FF_SYSTEM);
	assert_true(F("com_Author")->flags & FF_SYSTEM);
	assert_true(F("con_Date")->flags & FF_SYSTEM);
	assert_true(F("con_RecordedBy")->flags & FF_SYSTEM);
}

static void
test_sections(void **state)
{
	int s, t, i;

	(void)state;
	for (s = 0; s < SEC__MAX; s++) {
		const struct section_def *d = section_get((enum section)s);
		int n = 0;

		assert_int_equal(d->id, s);
		assert_int_equal(strlen(d->prefix), 4);
		assert_int_equal(d->prefix[3], '_');
		assert_non_null(d->label);
		assert_int_equal(section_by_name(d->name), s);
		for (t = 0; t < s; t++) {
			assert_string_not_equal(d->prefix,
			    section_get((enum section)t)->prefix);
			assert_string_not_equal(d->name,
			    section_get((enum section)t)->name);
		}
		for (i = 0; i < F__MAX; i++)
			n += (int)field_get((enum field_id)i)->section == s;
		if (n == 0)
			fail_msg("section %s has no field", d->name);
	}
	assert_int_equal(section_by_name("nope"), -1);
	assert_int_equal(section_by_name(NULL), -1);
	assert_true(section_get(SEC_EVENT)->repeated);
	assert_false(section_get(SEC_PERSON)->repeated);
}

/* --- code lists --- */

/* codelist.def read again here, independently of catalogue.c's tables. */
static const struct {
	enum codelist list;
	const char *code;
} declared[] = {
#define LIST(id, name)
#define CODE(list, code, label) { list, code },
#include "codelist.def"
#undef LIST
#undef CODE
};

static bool
code_char(char c)
{
	return name_char(c) || c == '_';
}

static void
test_codelists(void **state)
{
	int cl, other, i;
	size_t n;

	(void)state;
	for (cl = 0; cl < CL__MAX; cl++) {
		const struct code_def *c;
		size_t k, j, first = SIZE_MAX, last = 0, count = 0;
		bool used = false;

		c = codelist_codes((enum codelist)cl, &n);
		assert_non_null(codelist_name((enum codelist)cl));
		assert_int_equal(
		    codelist_by_name(codelist_name((enum codelist)cl)), cl);
		for (other = 0; other < cl; other++)
			assert_string_not_equal(codelist_name((enum codelist)cl),
			    codelist_name((enum codelist)other));
		if (c == NULL || n < 1)
			fail_msg("list %s has no codes",
			    codelist_name((enum codelist)cl));
		for (k = 0; k < n; k++) {
			const char *p;

			assert_int_equal(c[k].list, cl);
			assert_true(c[k].code[0] != '\0');
			for (p = c[k].code; *p; p++)
				if (!code_char(*p))
					fail_msg("code \"%s\" has '%c'",
					    c[k].code, *p);
			assert_int_equal(special_answer(c[k].code), -1);
			assert_non_null(c[k].label);
			if (c[k].label[0] == '\0')
				fail_msg("code %s without label", c[k].code);
			assert_true(code_valid((enum codelist)cl, c[k].code));
			assert_string_equal(code_label((enum codelist)cl,
			    c[k].code), c[k].label);	/* English: untranslated */
			for (j = 0; j < k; j++)
				assert_string_not_equal(c[j].code, c[k].code);
		}
		/* the list's CODE lines are one run, all of them returned */
		for (k = 0; k < ARRAY_SIZE(declared); k++) {
			if (declared[k].list != (enum codelist)cl)
				continue;
			if (first == SIZE_MAX)
				first = k;
			last = k;
			count++;
		}
		if (last - first + 1 != count)
			fail_msg("codes of %s are not together in codelist.def",
			    codelist_name((enum codelist)cl));
		assert_int_equal(count, n);
		for (i = 0; i < F__MAX; i++)
			used |= field_get((enum field_id)i)->list == cl;
		/* The lists from CL_ORG_TYPE on are those of the operational
		 * records (organisations, services, shelters, fund, …), whose
		 * fields are declared by their modules, not by catalogue.def. */
		if (!used && cl < CL_ORG_TYPE)
			fail_msg("list %s is used by no field",
			    codelist_name((enum codelist)cl));
		assert_false(code_valid((enum codelist)cl, "NoSuchCode"));
		assert_false(code_valid((enum codelist)cl, ""));
		assert_false(code_valid((enum codelist)cl, NULL));
		assert_null(code_label((enum codelist)cl, "NoSuchCode"));
	}
	n = 99;
	assert_null(codelist_codes(CL_NONE, &n));
	assert_int_equal(n, 0);
	assert_null(codelist_name(CL_NONE));
	assert_int_equal(codelist_by_name("nope"), -1);
	assert_int_equal(codelist_by_name(NULL), -1);
}

/* HTCDS value names exactly as the standard spells them. */
static void
test_htcds_values(void **state)
{
	size_t n;

	(void)state;
	assert_true(code_valid(CL_GENDER, "Feminine"));
	assert_true(code_valid(CL_GENDER, "NonSpecifiedUnknown"));
	assert_false(code_valid(CL_GENDER, "feminine"));
	assert_false(code_valid(CL_GENDER, "Female"));
	assert_true(code_valid(CL_TRAFFICKING_STATUS,
	    "PossibleVictimOfTrafficking"));
	assert_true(code_valid(CL_RELATIONSHIP, "Unaquainted"));
	assert_true(code_valid(CL_WEBSITES_APPS, "4Sale"));
	assert_true(code_valid(CL_CONTROL_METHOD, "RestrictsMovement"));
	assert_true(code_valid(CL_CASE_STATUS, "ClosedReferred"));
	assert_true(code_valid(CL_PERPETRATOR_ROLE, "RecruiterOrIntermediary"));
	assert_true(code_valid(CL_TRAVEL_DOCUMENTS, "SomeoneElses"));
	assert_string_equal(code_label(CL_EDUCATION, "BachelorsOrEquivalentLevel"),
	    "Bachelor's or equivalent level");
	codelist_codes(CL_ISIC_SECTION, &n);
	assert_int_equal(n, 21);
	codelist_codes(CL_ISIC_DIVISION, &n);
	assert_int_equal(n, 88);
	codelist_codes(CL_EDUCATION, &n);
	assert_int_equal(n, 10);	/* ISCED 0-8 and no formal education */
	codelist_codes(CL_EVENT_TYPE, &n);
	assert_int_equal(n, 3);
}

static void
test_isic_divisions(void **state)
{
	const struct code_def *sec, *div;
	size_t ns, nd, k;
	char prev = 'A';

	(void)state;
	assert_string_equal(isic_division_section("01"),
	    "A_AgricultureForestryAndFishing");
	assert_string_equal(isic_division_section("33"), "C_Manufacturing");
	assert_string_equal(isic_division_section("56"),
	    "I_AccommodationAndFoodServiceActivities");
	assert_string_equal(isic_division_section("80"),
	    "N_AdministrativeAndSupportServiceActivities");
	assert_string_equal(isic_division_section("97"),
	    "T_ActivitiesOfHouseholdsAsEmployers");
	assert_string_equal(isic_division_section("99"),
	    "U_ActivitiesOfExtraterritorialOrganizations");
	assert_null(isic_division_section("04"));
	assert_null(isic_division_section("1"));
	assert_null(isic_division_section(NULL));
	assert_null(isic_division_section("A_AgricultureForestryAndFishing"));
	/* every division lands in a section; sections never go backwards */
	sec = codelist_codes(CL_ISIC_SECTION, &ns);
	div = codelist_codes(CL_ISIC_DIVISION, &nd);
	for (k = 0; k < ns; k++)
		assert_int_equal(sec[k].code[0], 'A' + (int)k);
	for (k = 0; k < nd; k++) {
		const char *s = isic_division_section(div[k].code);

		assert_non_null(s);
		assert_true(code_valid(CL_ISIC_SECTION, s));
		assert_true(s[0] >= prev);
		prev = s[0];
	}
	assert_int_equal(prev, 'U');
}

/* --- special answers --- */

static void
test_special_answers(void **state)
{
	static const char *const specials[] = {
		ANSWER_UNKNOWN, ANSWER_NOT_ASKED, ANSWER_DECLINED,
	};
	size_t k;
	int i, allowed = 0;

	(void)state;
	assert_int_equal(special_answer("Unknown"), SA_UNKNOWN);
	assert_int_equal(special_answer("NotAsked"), SA_NOT_ASKED);
	assert_int_equal(special_answer("DeclinedToAnswer"), SA_DECLINED);
	assert_int_equal(special_answer(""), -1);
	assert_int_equal(special_answer(NULL), -1);
	assert_int_equal(special_answer("unknown"), -1);
	assert_string_equal(special_answer_code(SA_DECLINED), "DeclinedToAnswer");
	assert_string_equal(special_answer_label("NotAsked"), "Not asked");
	assert_null(special_answer_label(""));

	for (i = 0; i < F__MAX; i++) {
		const struct field_def *f = field_get((enum field_id)i);

		for (k = 0; k < ARRAY_SIZE(specials); k++) {
			const char *msg = field_validate(f, specials[k], TODAY);

			if (field_allows_special(f) && msg != NULL)
				fail_msg("%s refuses %s: %s", f->name,
				    specials[k], msg);
			/* Free text may say "Unknown"; coded types may not. */
			if (!field_allows_special(f) && msg == NULL &&
			    f->type != FT_TEXT && f->type != FT_LONGTEXT)
				fail_msg("%s accepts %s", f->name, specials[k]);
		}
		allowed += field_allows_special(f);
		/* empty is "not recorded", unless the field is required */
		if (f->flags & FF_REQUIRED)
			assert_non_null(field_validate(f, "", TODAY));
		else
			assert_null(field_validate(f, "", TODAY));
		assert_true((field_validate(f, NULL, TODAY) != NULL) ==
		    (field_validate(f, "", TODAY) != NULL));
		/* White space alone, zero-width spaces too, is no value. */
		assert_true((field_validate(f, "\xe2\x80\x8b \xe2\x80\x8b",
		    TODAY) != NULL) == ((f->flags & FF_REQUIRED) != 0));
		assert_true((field_validate(f, "\xc2\xa0\xef\xbb\xbf",
		    TODAY) != NULL) == ((f->flags & FF_REQUIRED) != 0));
	}
	assert_true(allowed > 50);
	/* a required question can still be answered "declined" */
	ok("con_ConsentToInterview", "DeclinedToAnswer");
	bad("con_ConsentToInterview", "");
	bad("cas_Status", "Unknown");
	bad("hte_Type", "NotAsked");
	bad("com_Date", "Unknown");
	bad("com_Author", "Unknown");
	/* spelt exactly */
	bad("prs_Gender", "unknown");
	bad("prs_Gender", "Unknown ");
	bad("prs_Birthdate", "Not asked");
	/* alone, never among other answers */
	ok("vic_MethodsOfControl", "Unknown");
	bad("vic_MethodsOfControl", "Unknown;DebtBondage");
	bad("vic_MethodsOfControl", "DebtBondage;DeclinedToAnswer");
	bad("prs_Citizenship", "TH;NotAsked");
	bad("prs_MobilePhone", "+66812345678;Unknown");
}

/* --- validation by type --- */

static void
test_validate_text(void **state)
{
	char buf[1024];
	size_t i;

	(void)state;
	ok("prs_FirstName", "María José");
	ok("prs_FirstName", "\xe0\xb8\xaa\xe0\xb8\xa1\xe0\xb8\x8a\xe0\xb8\xb2\xe0\xb8\xa2");	/* Thai */
	/* 100 characters of two bytes each: counted as characters */
	for (i = 0; i < 100; i++)
		memcpy(buf + 2 * i, "\xc3\xa9", 2);
	buf[200] = '\0';
	ok("prs_FirstName", buf);
	memcpy(buf + 200, "e", 2);
	bad("prs_FirstName", buf);
	memset(buf, 'a', 100);
	buf[100] = '\0';
	ok("prs_FirstName", buf);
	buf[100] = 'a';
	buf[101] = '\0';
	bad("prs_FirstName", buf);

	bad("prs_FirstName", "Jos\xc3");		/* truncated */
	bad("prs_FirstName", "\xc3\x28");		/* bad continuation */
	bad("prs_FirstName", "\xc0\xaf");		/* overlong '/' */
	bad("prs_FirstName", "\xed\xa0\x80");		/* surrogate */
	bad("prs_FirstName", "\xf4\x90\x80\x80");	/* > U+10FFFF */
	bad("prs_FirstName", "\xff");
	bad("prs_FirstName", "Ana\nMaria");
	bad("prs_FirstName", "Ana\tMaria");
	bad("prs_FirstName", "Ana\x1b[31m");
	bad("prs_FirstName", "Ana\xc2\x85");		/* C1 NEL */
	bad("prs_FirstName", "Ana\x7f");
	ok("hte_Description", "Line one\nLine two\r\n\tindented");
	bad("hte_Description", "bell\x07");
	bad("hte_Description", "\xc3\x28");

	/* longer than any field, refused before being scanned */
	{
		size_t big = 300 * 1024;
		char *p = malloc(big + 1);

		assert_non_null(p);
		memset(p, 'x', big);
		p[big] = '\0';
		bad("com_CaseComment", p);
		free(p);
	}
	{
		char *p = malloc(10002);

		assert_non_null(p);
		memset(p, 'x', 10000);
		p[10000] = '\0';
		ok("com_CaseComment", p);
		p[10000] = 'x';
		p[10001] = '\0';
		bad("com_CaseComment", p);
		free(p);
	}
	bad("com_CaseComment", "");
	ok("ref_Organisation", "La Strada International");
	bad("ref_Organisation", "");
}

static void
test_validate_int(void **state)
{
	(void)state;
	ok("prs_NumberOfChildren", "0");
	ok("prs_NumberOfChildren", "3");
	ok("prs_NumberOfChildren", "30");
	bad("prs_NumberOfChildren", "31");
	bad("prs_NumberOfChildren", "-1");
	bad("prs_NumberOfChildren", "+1");
	bad("prs_NumberOfChildren", " 1");
	bad("prs_NumberOfChildren", "1 ");
	bad("prs_NumberOfChildren", "1.5");
	bad("prs_NumberOfChildren", "two");
	bad("prs_NumberOfChildren", "0x10");
	bad("prs_NumberOfChildren", "99999999999999999999999999");
	bad("prs_NumberOfChildren", "-");
	ok("vic_AgeWhenTrafficked", "120");
	bad("vic_AgeWhenTrafficked", "121");
	ok("com_Author", "2147483647");
	bad("com_Author", "2147483648");
	bad("com_Author", "");
	assert_non_null(strstr(field_validate(F("prs_NumberOfChildren"), "31",
	    TODAY), "30"));
}

static void
test_validate_date(void **state)
{
	struct partial_date d;

	(void)state;
	ok("prs_Birthdate", "1990-06-15");
	ok("prs_Birthdate", "1990-06");
	ok("prs_Birthdate", "1990");
	ok("prs_Birthdate", "2024-02-29");	/* leap year */
	ok("prs_Birthdate", "2000-02-29");	/* 400-year rule */
	bad("prs_Birthdate", "1900-02-29");	/* 100-year rule */
	bad("prs_Birthdate", "2023-02-29");
	bad("prs_Birthdate", "2026-02-30");
	bad("prs_Birthdate", "2025-04-31");
	bad("prs_Birthdate", "2025-13");
	bad("prs_Birthdate", "2025-00");
	bad("prs_Birthdate", "2025-01-00");
	bad("prs_Birthdate", "2025-01-32");
	bad("prs_Birthdate", "1899-12-31");
	ok("prs_Birthdate", "1900-01-01");
	bad("prs_Birthdate", "25-01-01");
	bad("prs_Birthdate", "2025/01/01");
	bad("prs_Birthdate", "2025-1-1");
	bad("prs_Birthdate", "20250101");
	bad("prs_Birthdate", "2025-01-01T00:00");
	bad("prs_Birthdate", "2025-01-01 ");
	bad("prs_Birthdate", "15/06/1990");
	bad("prs_Birthdate", "yesterday");
	/* today is 2026-03-15 */
	ok("idn_DateIdentified", "2026-03-15");
	bad("idn_DateIdentified", "2026-03-16");
	ok("idn_DateIdentified", "2026-03");
	bad("idn_DateIdentified", "2026-04");
	ok("idn_DateIdentified", "2026");
	bad("idn_DateIdentified", "2027");
	bad("hte_EndDate", "2099-01-01");
	/* the day changes at midnight UTC */
	assert_null(field_validate(F("hte_Date"), "2026-03-16",
	    INT64_C(1773619200)));
	assert_non_null(field_validate(F("hte_Date"), "2026-03-16",
	    INT64_C(1773619199)));

	assert_int_equal(partial_date_parse("2024-02", &d), 0);
	assert_int_equal(d.year, 2024);
	assert_int_equal(d.month, 2);
	assert_int_equal(d.day, 0);
	assert_int_equal(partial_date_first_day(&d), 19754);
	assert_int_equal(partial_date_last_day(&d), 19782);
	assert_int_equal(partial_date_parse("2023", &d), 0);
	assert_int_equal(partial_date_last_day(&d), 19722);
	assert_int_equal(partial_date_parse("1970-01-01", &d), 0);
	assert_int_equal(partial_date_first_day(&d), 0);
	assert_int_equal(partial_date_last_day(&d), 0);
	assert_int_equal(partial_date_parse("1900-01-01", &d), 0);
	assert_int_equal(partial_date_first_day(&d), -25567);
	assert_int_equal(partial_date_parse("2026-02-30", &d), -1);
	assert_int_equal(partial_date_parse("", &d), -1);
	assert_int_equal(partial_date_parse(NULL, &d), -1);
}

static void
test_validate_codes(void **state)
{
	char buf[1024];
	const struct code_def *c;
	size_t n, i;

	(void)state;
	ok("prs_Gender", "Feminine");
	bad("prs_Gender", "Female");
	bad("prs_Gender", "Feminine;Masculine");
	ok("vic_TypeOfExploitation", "ForcedLabour");
	ok("vic_TypeOfExploitation", "ForcedLabour;SexualExploitation");
	bad("vic_TypeOfExploitation", "ForcedLabour;ForcedLabour");
	bad("vic_TypeOfExploitation", "ForcedLabour;");
	bad("vic_TypeOfExploitation", ";ForcedLabour");
	bad("vic_TypeOfExploitation", "ForcedLabour;;Servitude");
	bad("vic_TypeOfExploitation", "ForcedLabour; Servitude");
	bad("vic_TypeOfExploitation", "ForcedLabour,Servitude");
	bad("vic_TypeOfExploitation", "ForcedLabour;Nope");
	bad("vic_TypeOfExploitation", ";");
	ok("vic_ForcedLabourIndustry", "T_ActivitiesOfHouseholdsAsEmployers");
	ok("vic_ForcedLabourIndustryDivision", "97");
	bad("vic_ForcedLabourIndustryDivision", "97;98");
	ok("hte_DocumentsUsed", "Forged;Confiscated");
	/* a code of another list is no code of this one */
	bad("hte_DocumentsUsed", "Air");
	ok("per_AgeBand", "Age30To38");
	/* every code of a multi list at once fits the field */
	c = codelist_codes(CL_CONTROL_METHOD, &n);
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		size_t l = strlen(buf);

		snprintf(buf + l, sizeof(buf) - l, "%s%s", i ? ";" : "",
		    c[i].code);
	}
	ok("vic_MethodsOfControl", buf);
}

static void
test_validate_bool(void **state)
{
	(void)state;
	ok("prs_Deceased", "Yes");
	ok("prs_Deceased", "No");
	bad("prs_Deceased", "yes");
	bad("prs_Deceased", "TRUE");
	bad("prs_Deceased", "1");
	bad("prs_Deceased", "Yes;No");
	ok("con_InformedOfPurpose", "NotAsked");
}

static void
test_validate_country_language(void **state)
{
	(void)state;
	ok("prs_MailingCountry", "TH");
	bad("prs_MailingCountry", "th");
	bad("prs_MailingCountry", "THA");
	bad("prs_MailingCountry", "XX");
	bad("prs_MailingCountry", "T");
	bad("prs_MailingCountry", "TH;MM");
	ok("prs_Citizenship", "MM");
	ok("prs_Citizenship", "MM;TH");
	bad("prs_Citizenship", "MM;MM");
	bad("prs_Citizenship", "MM;XX");
	bad("prs_Citizenship", "MM;THAILAND");
	bad("prs_Citizenship", "MM;");
	ok("per_Citizenship", "NG");
	ok("hte_Country", "LY");
	ok("prs_PrimaryLanguage", "tir");
	ok("prs_PrimaryLanguage", "ti");
	ok("prs_PrimaryLanguage", "rhg");	/* no ISO 639-1 code */
	ok("prs_SecondaryLanguage", "fra");
	ok("prs_SecondaryLanguage", "fr");
	bad("prs_PrimaryLanguage", "TIR");
	bad("prs_PrimaryLanguage", "fre");	/* 639-2/B, not 639-3 */
	bad("prs_PrimaryLanguage", "und");	/* use Unknown */
	bad("prs_PrimaryLanguage", "xx");
	bad("prs_PrimaryLanguage", "tir;fra");
	bad("prs_PrimaryLanguage", "Tigrinya");
}

static void
test_validate_phones(void **state)
{
	(void)state;
	ok("prs_MobilePhone", "+66812345678");
	ok("prs_MobilePhone", "+12345678");		/* 8 digits */
	ok("prs_MobilePhone", "+123456789012345");	/* 15 digits */
	ok("prs_MobilePhone", "+66812345678;+8613812345678");
	bad("prs_MobilePhone", "+1234567");		/* 7 digits */
	bad("prs_MobilePhone", "+1234567890123456");	/* 16 digits */
	bad("prs_MobilePhone", "66812345678");
	bad("prs_MobilePhone", "+06812345678");
	bad("prs_MobilePhone", "+66 81 234 5678");
	bad("prs_MobilePhone", "+66-812345678");
	bad("prs_MobilePhone", "++66812345678");
	bad("prs_MobilePhone", "+66812345678;+66812345678");
	bad("prs_MobilePhone", "+66812345678;");
	bad("prs_MobilePhone", "+66812345678,+8613812345678");
	bad("prs_HomePhone", "+");
}

/* local@bbbbbbbbb.bbbbbbbbb. ... .org with a local part of n 'a' */
static void
email_of_length(char *buf, size_t n)
{
	size_t i, l;

	memset(buf, 'a', n);
	buf[n] = '@';
	l = n + 1;
	for (i = 0; i < 18; i++, l += 10)
		memcpy(buf + l, "bbbbbbbbb.", 10);
	memcpy(buf + l, "bbbbbbbbb.org", 14);
}

static void
test_validate_email(void **state)
{
	char buf[300];

	(void)state;
	ok("prs_Email", "a@b.co");
	ok("prs_Email", "jose.maria@correo.example.es");
	ok("prs_Email", "x+tag@sub.example.org");
	ok("prs_Email", "Jos\xc3\xa9@correo.es");
	ok("prs_Email", "info@xn--80ak6aa92e.com");
	bad("prs_Email", "plainaddress");
	bad("prs_Email", "@example.org");
	bad("prs_Email", "a@");
	bad("prs_Email", "a@b");
	bad("prs_Email", "a@@b.org");
	bad("prs_Email", "a@b@c.org");
	bad("prs_Email", "a b@c.org");
	bad("prs_Email", " a@c.org");
	bad("prs_Email", "a@c.org ");
	bad("prs_Email", "a@-b.org");
	bad("prs_Email", "a@b-.org");
	bad("prs_Email", "a..b@c.org");
	bad("prs_Email", ".a@c.org");
	bad("prs_Email", "a.@c.org");
	bad("prs_Email", "a@c..org");
	bad("prs_Email", "a@.c.org");
	bad("prs_Email", "a@c.org.");
	bad("prs_Email", "a@1.2");
	bad("prs_Email", "a@b_c.org");
	bad("prs_Email", "<a@b.org>");
	bad("prs_Email", "a@b.org;c@d.org");
	/* 64 characters of local part at most */
	memset(buf, 'a', 64);
	snprintf(buf + 64, sizeof(buf) - 64, "@example.org");
	ok("prs_Email", buf);
	memset(buf, 'a', 65);
	snprintf(buf + 65, sizeof(buf) - 65, "@example.org");
	bad("prs_Email", buf);
	/* labels of 63 characters at most */
	bad("prs_Email", "a@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.org");
	ok("prs_Email", "a@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.org");
	/* 254 characters at most in all: 60 + 1 + 18 * 10 + 9 + 4 */
	email_of_length(buf, 60);
	assert_int_equal(strlen(buf), 254);
	ok("prs_Email", buf);
	email_of_length(buf, 61);
	bad("prs_Email", buf);
}

/*
 * No message repeats what was typed: messages reach pages, JSON errors
 * and possibly logs, and the value may be a victim's name.
 */
static void
test_messages_never_quote_the_value(void **state)
{
	static const char *const values[] = {
		"SECRETzz", "SECRETzz;SECRETzz", "+SECRETzz", "SECRETzz@",
		"9999SECRETzz",
	};
	size_t k;
	int i;

	(void)state;
	for (i = 0; i < F__MAX; i++) {
		const struct field_def *f = field_get((enum field_id)i);

		for (k = 0; k < ARRAY_SIZE(values); k++) {
			const char *msg = field_validate(f, values[k], TODAY);

			if (msg != NULL && strstr(msg, "SECRET") != NULL)
				fail_msg("%s quotes the value", f->name);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_names_unique_with_prefix),
		cmocka_unit_test(test_field_types_lists_and_limits),
		cmocka_unit_test(test_identifying_fields),
		cmocka_unit_test(test_htcds_fields_present),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_codelists),
		cmocka_unit_test(test_htcds_values),
		cmocka_unit_test(test_isic_divisions),
		cmocka_unit_test(test_special_answers),
		cmocka_unit_test(test_validate_text),
		cmocka_unit_test(test_validate_int),
		cmocka_unit_test(test_validate_date),
		cmocka_unit_test(test_validate_codes),
		cmocka_unit_test(test_validate_bool),
		cmocka_unit_test(test_validate_country_language),
		cmocka_unit_test(test_validate_phones),
		cmocka_unit_test(test_validate_email),
		cmocka_unit_test(test_messages_never_quote_the_value),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
