/*
 * test_screening.c - the Palermo Protocol check (screening.h).
 *
 * The truth table is written out by hand, one row per combination of
 * act × means × purpose × adult/child/unknown age, so that it does not
 * repeat the formula it tests. Bad JSON is a table too: each row names
 * the field the error must name.
 */
#include "compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "screening.h"

#define ADULT 30
#define CHILD 15
#define UNKNOWN (-1)

/* --- helpers --------------------------------------------------------- */

static void
set_age(struct screening_input *in, int age)
{
	in->age_known = age >= 0;
	in->age_at_act = age >= 0 ? age : 0;
}

static void
set_item(struct screening_item *it, const char *answer)
{
	it->present = true;
	assert_true(strlen(answer) < sizeof(it->answer));
	snprintf(it->answer, sizeof(it->answer), "%s", answer);
}

/* "act,means" from a result's missing list. */
static void
missing_str(const struct screening_result *res, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < res->nmissing; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s",
		    i ? "," : "", screening_element_code(res->missing[i]));
	assert_true(len < n);
}

static bool
has_reason(const struct screening_result *res, const char *needle)
{
	for (size_t i = 0; i < res->nreasons; i++)
		if (strstr(res->reasons[i], needle) != NULL)
			return true;
	return false;
}

static void
assert_items_equal(const struct screening_item *a,
    const struct screening_item *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(a[i].present, b[i].present);
		assert_string_equal(a[i].answer, b[i].answer);
	}
}

static void
assert_input_equal(const struct screening_input *a,
    const struct screening_input *b)
{
	assert_items_equal(a->act, b->act, SCR_ACT__MAX);
	assert_items_equal(a->means, b->means, SCR_MEANS__MAX);
	assert_items_equal(a->purpose, b->purpose, SCR_PURPOSE__MAX);
	assert_int_equal(a->age_known, b->age_known);
	if (a->age_known)
		assert_int_equal(a->age_at_act, b->age_at_act);
	assert_int_equal(a->consent, b->consent);
}

/* --- tables ---------------------------------------------------------- */

static void
test_tables_complete(void **state)
{
	const char *seen[SCR_ACT__MAX + SCR_MEANS__MAX + SCR_PURPOSE__MAX];
	size_t nseen = 0;

	(void)state;
	for (int i = 0; i < SCR_ACT__MAX; i++) {
		assert_non_null(screening_act_label(i));
		assert_int_equal(screening_act_from_code(
		    screening_act_code(i)), i);
		seen[nseen++] = screening_act_code(i);
	}
	for (int i = 0; i < SCR_MEANS__MAX; i++) {
		assert_non_null(screening_means_label(i));
		assert_int_equal(screening_means_from_code(
		    screening_means_code(i)), i);
		seen[nseen++] = screening_means_code(i);
	}
	for (int i = 0; i < SCR_PURPOSE__MAX; i++) {
		assert_non_null(screening_purpose_label(i));
		assert_int_equal(screening_purpose_from_code(
		    screening_purpose_code(i)), i);
		seen[nseen++] = screening_purpose_code(i);
	}
	/* "evidence" is one object keyed by code: codes must be unique. */
	for (size_t i = 0; i < nseen; i++)
		for (size_t j = i + 1; j < nseen; j++)
			assert_string_not_equal(seen[i], seen[j]);
	for (int i = 0; i < SCR_EL__MAX; i++) {
		assert_non_null(screening_element_label(i));
		assert_int_equal(screening_element_from_code(
		    screening_element_code(i)), i);
	}
	for (int i = 0; i < SCR_CONSENT__MAX; i++) {
		assert_non_null(screening_consent_label(i));
		assert_int_equal(screening_consent_from_code(
		    screening_consent_code(i)), i);
	}
	for (int i = 0; i < SCR_STATUS__MAX; i++) {
		assert_non_null(screening_status_label(i));
		assert_int_equal(screening_status_from_code(
		    screening_status_code(i)), i);
	}
	/* The codes the issue and HTCDS spell. */
	assert_string_equal(screening_act_code(SCR_ACT_HARBOURING),
	    "Harbouring");
	assert_string_equal(screening_means_code(
	    SCR_MEANS_GIVING_OR_RECEIVING_PAYMENTS),
	    "GivingOrReceivingPayments");
	assert_string_equal(screening_purpose_code(SCR_PURPOSE_OTHER),
	    "Other");
	assert_string_equal(screening_status_code(SCR_STATUS_POSSIBLE),
	    "PossibleVictimOfTrafficking");
	assert_string_equal(screening_status_code(SCR_STATUS_ACTUAL),
	    "ActualVictimOfTrafficking");
	assert_string_equal(screening_status_code(SCR_STATUS_NOT),
	    "NotAVictimOfTrafficking");
	/* Out of range and unknown. */
	assert_null(screening_act_code(SCR_ACT__MAX));
	assert_null(screening_act_label((enum screening_act)-1));
	assert_null(screening_status_code(SCR_STATUS__MAX));
	assert_int_equal(screening_act_from_code(NULL), -1);
	assert_int_equal(screening_act_from_code("recruitment"), -1);
	assert_int_equal(screening_means_from_code("Recruitment"), -1);
	assert_int_equal(screening_status_from_code(""), -1);
}

/* --- the truth table ------------------------------------------------- */

struct row {
	bool act, means, purpose;
	int age;
	bool meets;
	const char *missing;
	enum screening_status proposed;
	char name[64];
};

#define A true
#define M true
#define P true
#define no false
#define ACT SCR_STATUS_ACTUAL
#define POS SCR_STATUS_POSSIBLE
#define NOT SCR_STATUS_NOT

static struct row rows[] = {
	/* adult: act + means + purpose */
	{ A, M, P, ADULT, true, "", ACT, "" },
	{ A, M, no, ADULT, false, "purpose", POS, "" },
	{ A, no, P, ADULT, false, "means", POS, "" },
	{ A, no, no, ADULT, false, "means,purpose", POS, "" },
	{ no, M, P, ADULT, false, "act", POS, "" },
	{ no, M, no, ADULT, false, "act,purpose", POS, "" },
	{ no, no, P, ADULT, false, "act,means", POS, "" },
	{ no, no, no, ADULT, false, "act,means,purpose", NOT, "" },
	/* child: act + purpose */
	{ A, M, P, CHILD, true, "", ACT, "" },
	{ A, M, no, CHILD, false, "purpose", POS, "" },
	{ A, no, P, CHILD, true, "", ACT, "" },
	{ A, no, no, CHILD, false, "purpose", POS, "" },
	{ no, M, P, CHILD, false, "act", POS, "" },
	{ no, M, no, CHILD, false, "act,purpose", POS, "" },
	{ no, no, P, CHILD, false, "act", POS, "" },
	{ no, no, no, CHILD, false, "act,purpose", NOT, "" },
	/* unknown age: treated as an adult */
	{ A, M, P, UNKNOWN, true, "", ACT, "" },
	{ A, M, no, UNKNOWN, false, "purpose", POS, "" },
	{ A, no, P, UNKNOWN, false, "means", POS, "" },
	{ A, no, no, UNKNOWN, false, "means,purpose", POS, "" },
	{ no, M, P, UNKNOWN, false, "act", POS, "" },
	{ no, M, no, UNKNOWN, false, "act,purpose", POS, "" },
	{ no, no, P, UNKNOWN, false, "act,means", POS, "" },
	{ no, no, no, UNKNOWN, false, "act,means,purpose", NOT, "" },
};
_Static_assert(ARRAY_SIZE(rows) == 24, "2 x 2 x 2 x 3 rows");

#undef A
#undef M
#undef P
#undef no
#undef ACT
#undef POS
#undef NOT

static void
test_truth_row(void **state)
{
	const struct row *r = *state;
	struct screening_input in;
	struct screening_result res;
	char missing[64];

	screening_input_init(&in);
	set_age(&in, r->age);
	/* One item from each set, not always the first. */
	if (r->act)
		set_item(&in.act[SCR_ACT_HARBOURING], "kept in a flat");
	if (r->means)
		set_item(&in.means[SCR_MEANS_DECEPTION], "promised a job");
	if (r->purpose)
		set_item(&in.purpose[SCR_PURPOSE_FORCED_LABOUR_OR_SERVICES],
		    "worked 16 hours unpaid");
	assert_int_equal(screening_evaluate(&in, &res), 0);

	assert_int_equal(res.meets_definition, r->meets);
	missing_str(&res, missing, sizeof(missing));
	assert_string_equal(missing, r->missing);
	assert_int_equal(res.proposed, r->proposed);
	assert_int_equal(res.act_present, r->act);
	assert_int_equal(res.means_present, r->means);
	assert_int_equal(res.purpose_present, r->purpose);
	assert_int_equal(res.child, r->age == CHILD);
	assert_int_equal(res.age_unknown, r->age == UNKNOWN);
	assert_int_equal(res.means_required, r->age != CHILD);

	/* Every element gets a reason, plus age and conclusion. */
	assert_true(res.nreasons >= 5);
	for (size_t i = 0; i < res.nreasons; i++)
		assert_non_null(res.reasons[i]);
	if (r->age == CHILD)
		assert_true(has_reason(&res, "The person was under 18 at the "
		    "time of the act: means are not required."));
	if (r->age != CHILD && !r->means)
		assert_true(has_reason(&res, "No means is recorded; for an "
		    "adult at least one means is required."));
	if (r->age == UNKNOWN)
		assert_true(has_reason(&res, "age at the time of the act is "
		    "unknown"));
	if (!r->act)
		assert_true(has_reason(&res, "No act is recorded"));
	if (!r->purpose)
		assert_true(has_reason(&res, "No purpose of exploitation"));
	assert_true(has_reason(&res, r->meets ? "The definition is met" :
	    r->proposed == SCR_STATUS_POSSIBLE ? "The definition is not met" :
	    "Nothing is recorded"));
}

static void
test_age_boundaries(void **state)
{
	static const struct { int age; bool child; } t[] = {
		{ 0, true }, { 17, true }, { 18, false }, { 19, false },
		{ SCREENING_AGE_MAX, false },
	};
	struct screening_input in;
	struct screening_result res;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		screening_input_init(&in);
		set_age(&in, t[i].age);
		in.act[SCR_ACT_RECRUITMENT].present = true;
		in.purpose[SCR_PURPOSE_SERVITUDE].present = true;
		assert_int_equal(screening_evaluate(&in, &res), 0);
		assert_int_equal(res.child, t[i].child);
		assert_int_equal(res.meets_definition, t[i].child);
	}
}

static void
test_every_item_counts(void **state)
{
	struct screening_input in;
	struct screening_result res;

	(void)state;
	for (int a = 0; a < SCR_ACT__MAX; a++)
		for (int m = 0; m < SCR_MEANS__MAX; m++)
			for (int p = 0; p < SCR_PURPOSE__MAX; p++) {
				screening_input_init(&in);
				set_age(&in, ADULT);
				in.act[a].present = true;
				in.means[m].present = true;
				set_item(&in.purpose[p], "described");
				assert_int_equal(screening_evaluate(&in, &res),
				    0);
				assert_true(res.meets_definition);
				assert_int_equal(res.nmissing, 0);
			}
}

static void
test_other_needs_description(void **state)
{
	static const char *const blanks[] = { "", " ", " \t\n " };
	struct screening_input in;
	struct screening_result res;
	char missing[64];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(blanks); i++) {
		screening_input_init(&in);
		set_age(&in, ADULT);
		set_item(&in.act[SCR_ACT_RECRUITMENT], "");
		set_item(&in.means[SCR_MEANS_FRAUD], "");
		set_item(&in.purpose[SCR_PURPOSE_OTHER], blanks[i]);
		assert_int_equal(screening_evaluate(&in, &res), 0);
		assert_false(res.purpose_present);
		assert_false(res.meets_definition);
		missing_str(&res, missing, sizeof(missing));
		assert_string_equal(missing, "purpose");
		assert_int_equal(res.proposed, SCR_STATUS_POSSIBLE);
		assert_true(has_reason(&res, "without a description"));
	}
	/* Only "Other", undescribed, is still partial evidence. */
	screening_input_init(&in);
	in.purpose[SCR_PURPOSE_OTHER].present = true;
	assert_int_equal(screening_evaluate(&in, &res), 0);
	assert_int_equal(res.proposed, SCR_STATUS_POSSIBLE);

	screening_input_init(&in);
	set_age(&in, ADULT);
	set_item(&in.act[SCR_ACT_RECRUITMENT], "");
	set_item(&in.means[SCR_MEANS_FRAUD], "");
	set_item(&in.purpose[SCR_PURPOSE_OTHER], "forced begging");
	assert_int_equal(screening_evaluate(&in, &res), 0);
	assert_true(res.purpose_present);
	assert_true(res.meets_definition);
	assert_false(has_reason(&res, "without a description"));
}

/* Consent changes nothing once a means is present (or for a child). */
static void
test_consent_irrelevant(void **state)
{
	struct screening_input in;
	struct screening_result res;

	(void)state;
	for (int c = 0; c < SCR_CONSENT__MAX; c++) {
		screening_input_init(&in);
		set_age(&in, ADULT);
		set_item(&in.act[SCR_ACT_RECRUITMENT], "");
		set_item(&in.means[SCR_MEANS_ABUSE_OF_VULNERABILITY], "");
		set_item(&in.purpose[SCR_PURPOSE_SEXUAL_EXPLOITATION], "");
		in.consent = c;
		assert_int_equal(screening_evaluate(&in, &res), 0);
		assert_true(res.meets_definition);
		assert_true(res.consent_irrelevant);
		assert_int_equal(res.proposed, SCR_STATUS_ACTUAL);
		assert_int_equal(has_reason(&res, "the consent is irrelevant "
		    "because a means was used"), c == SCR_CONSENT_YES);
	}

	/* A child who consented, without any means: still met. */
	screening_input_init(&in);
	set_age(&in, CHILD);
	in.act[SCR_ACT_TRANSFER].present = true;
	in.purpose[SCR_PURPOSE_SEXUAL_EXPLOITATION].present = true;
	in.consent = SCR_CONSENT_YES;
	assert_int_equal(screening_evaluate(&in, &res), 0);
	assert_true(res.meets_definition);
	assert_true(res.consent_irrelevant);
	assert_true(has_reason(&res, "the consent of a child is irrelevant"));

	/* An adult who consented, without any means: not met, and consent
	 * is not declared irrelevant. */
	set_age(&in, ADULT);
	assert_int_equal(screening_evaluate(&in, &res), 0);
	assert_false(res.meets_definition);
	assert_false(res.consent_irrelevant);
	assert_true(has_reason(&res, "without a means the definition is not "
	    "met"));
}

static void
test_evaluate_bad_struct(void **state)
{
	struct screening_input in;
	struct screening_result res;

	(void)state;
	screening_input_init(&in);
	assert_int_equal(screening_evaluate(NULL, &res), -1);
	assert_int_equal(screening_evaluate(&in, NULL), -1);
	set_age(&in, SCREENING_AGE_MAX + 1);
	assert_int_equal(screening_evaluate(&in, &res), -1);
	in.age_at_act = -1;
	assert_int_equal(screening_evaluate(&in, &res), -1);
	set_age(&in, UNKNOWN);
	in.consent = SCR_CONSENT__MAX;
	assert_int_equal(screening_evaluate(&in, &res), -1);
	assert_false(res.meets_definition);
}

/* --- decision -------------------------------------------------------- */

static void
proposed_actual(struct screening_result *res)
{
	struct screening_input in;

	screening_input_init(&in);
	set_age(&in, CHILD);
	in.act[SCR_ACT_RECEIPT].present = true;
	in.purpose[SCR_PURPOSE_REMOVAL_OF_ORGANS].present = true;
	assert_int_equal(screening_evaluate(&in, res), 0);
	assert_int_equal(res->proposed, SCR_STATUS_ACTUAL);
}

static void
test_override_needs_reason(void **state)
{
	struct screening_result res;
	struct screening_decision d;
	const char *msg = NULL;

	(void)state;
	proposed_actual(&res);
	/* Overriding without a reason is refused. */
	assert_non_null(screening_decision_problem(&res,
	    "PossibleVictimOfTrafficking", NULL));
	assert_non_null(screening_decision_problem(&res,
	    "NotAVictimOfTrafficking", ""));
	assert_non_null(screening_decision_problem(&res,
	    "NotAVictimOfTrafficking", " \t\n"));
	assert_int_equal(screening_decide(&res, "NotAVictimOfTrafficking",
	    "  ", 7, 1700000000, &d, &msg), -1);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "reason"));
	assert_false(d.overridden);

	/* Confirming needs none. */
	assert_null(screening_decision_problem(&res,
	    "ActualVictimOfTrafficking", NULL));
	assert_int_equal(screening_decide(&res, "ActualVictimOfTrafficking",
	    NULL, 7, 1700000000, &d, &msg), 0);
	assert_false(d.overridden);
	assert_int_equal(d.proposed, SCR_STATUS_ACTUAL);
	assert_int_equal(d.final, SCR_STATUS_ACTUAL);
	assert_string_equal(d.reason, "");

	/* An override with a reason: both statuses kept. */
	assert_int_equal(screening_decide(&res, "PossibleVictimOfTrafficking",
	    "Statement not yet verified by police.", 7, 1700000000, &d, &msg),
	    0);
	assert_true(d.overridden);
	assert_int_equal(d.proposed, SCR_STATUS_ACTUAL);
	assert_int_equal(d.final, SCR_STATUS_POSSIBLE);
	assert_string_equal(d.reason, "Statement not yet verified by police.");
	assert_int_equal(d.decided_by, 7);
	assert_int_equal(d.decided_at, 1700000000);

	json_t *j = screening_decision_to_json(&d);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j,
	    "proposed_status")), "ActualVictimOfTrafficking");
	assert_string_equal(json_string_value(json_object_get(j,
	    "final_status")), "PossibleVictimOfTrafficking");
	assert_true(json_is_true(json_object_get(j, "overridden")));
	assert_int_equal(json_integer_value(json_object_get(j, "decided_by")),
	    7);
	json_decref(j);
}

static void
test_decision_bad_status(void **state)
{
	struct screening_result res;
	char long_reason[SCREENING_REASON_MAX + 2];

	(void)state;
	proposed_actual(&res);
	assert_non_null(screening_decision_problem(&res, NULL, "x"));
	assert_non_null(screening_decision_problem(&res, "", "x"));
	assert_non_null(screening_decision_problem(&res, "Victim", "x"));
	assert_non_null(screening_decision_problem(&res,
	    "actualvictimoftrafficking", "x"));
	assert_non_null(screening_decision_problem(NULL,
	    "ActualVictimOfTrafficking", "x"));
	/* Reasons: invalid UTF-8, too long. */
	assert_non_null(screening_decision_problem(&res,
	    "NotAVictimOfTrafficking", "bad \xC3\x28"));
	memset(long_reason, 'x', sizeof(long_reason) - 1);
	long_reason[sizeof(long_reason) - 1] = '\0';
	assert_non_null(screening_decision_problem(&res,
	    "NotAVictimOfTrafficking", long_reason));
	long_reason[SCREENING_REASON_MAX] = '\0';
	assert_null(screening_decision_problem(&res,
	    "NotAVictimOfTrafficking", long_reason));
}

/* --- JSON ------------------------------------------------------------ */

static void
test_to_json_shape(void **state)
{
	struct screening_input in;
	struct screening_result res;
	json_t *j, *v;

	(void)state;
	screening_input_init(&in);
	set_age(&in, 16);
	set_item(&in.act[SCR_ACT_RECRUITMENT], "a neighbour offered work");
	set_item(&in.act[SCR_ACT_TRANSPORTATION], "");
	set_item(&in.purpose[SCR_PURPOSE_SEXUAL_EXPLOITATION], "bar");
	assert_int_equal(screening_evaluate(&in, &res), 0);
	j = screening_to_json(&in, &res);
	assert_non_null(j);

	v = json_object_get(j, "act");
	assert_int_equal(json_array_size(v), 2);
	assert_string_equal(json_string_value(json_array_get(v, 0)),
	    "Recruitment");
	assert_string_equal(json_string_value(json_array_get(v, 1)),
	    "Transportation");
	assert_int_equal(json_array_size(json_object_get(j, "means")), 0);
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(j, "purpose"), 0)), "SexualExploitation");
	v = json_object_get(j, "evidence");
	assert_int_equal(json_object_size(v), 2);
	assert_string_equal(json_string_value(json_object_get(v,
	    "Recruitment")), "a neighbour offered work");
	assert_null(json_object_get(v, "Transportation"));
	assert_int_equal(json_integer_value(json_object_get(j, "age_at_act")),
	    16);
	assert_string_equal(json_string_value(json_object_get(j, "consent")),
	    "NotAsked");
	assert_true(json_is_true(json_object_get(j, "child")));
	assert_true(json_is_false(json_object_get(j, "means_required")));
	assert_true(json_is_true(json_object_get(j, "meets_definition")));
	assert_int_equal(json_array_size(json_object_get(j, "missing")), 0);
	assert_int_equal(json_array_size(json_object_get(j, "reasons")),
	    res.nreasons);
	assert_string_equal(json_string_value(json_object_get(j,
	    "proposed_status")), "ActualVictimOfTrafficking");
	json_decref(j);

	/* Unknown age is null; the missing list uses element codes. */
	screening_input_init(&in);
	assert_int_equal(screening_evaluate(&in, &res), 0);
	j = screening_to_json(&in, &res);
	assert_non_null(j);
	assert_true(json_is_null(json_object_get(j, "age_at_act")));
	assert_true(json_is_true(json_object_get(j, "age_unknown")));
	assert_true(json_is_false(json_object_get(j, "child")));
	v = json_object_get(j, "missing");
	assert_int_equal(json_array_size(v), 3);
	assert_string_equal(json_string_value(json_array_get(v, 0)), "act");
	assert_string_equal(json_string_value(json_array_get(v, 1)), "means");
	assert_string_equal(json_string_value(json_array_get(v, 2)),
	    "purpose");
	assert_string_equal(json_string_value(json_object_get(j,
	    "proposed_status")), "NotAVictimOfTrafficking");
	json_decref(j);

	/* Without a result: the input only. */
	j = screening_to_json(&in, NULL);
	assert_non_null(j);
	assert_null(json_object_get(j, "meets_definition"));
	json_decref(j);
	assert_null(screening_to_json(NULL, NULL));
}

/* to_json → text → from_json gives the same input, with and without the
 * derived keys. */
static void
round_trip(const struct screening_input *in)
{
	struct screening_result res;
	struct screening_input out;
	const char *field = "x", *msg = "x";

	assert_int_equal(screening_evaluate(in, &res), 0);
	for (int with_res = 0; with_res < 2; with_res++) {
		json_t *j = screening_to_json(in, with_res ? &res : NULL);
		json_t *back;
		char *s;

		assert_non_null(j);
		s = json_dumps(j, JSON_COMPACT | JSON_ESCAPE_SLASH);
		assert_non_null(s);
		back = json_loads(s, 0, NULL);
		assert_non_null(back);
		memset(&out, 0x5A, sizeof(out));
		assert_int_equal(screening_from_json(back, &out, &field,
		    &msg), 0);
		assert_null(field);
		assert_null(msg);
		assert_input_equal(in, &out);
		free(s);
		json_decref(back);
		json_decref(j);
	}
}

static void
test_json_round_trip(void **state)
{
	struct screening_input in;
	char longest[SCREENING_ANSWER_SIZE];
	size_t n = 0;

	(void)state;
	/* Empty. */
	screening_input_init(&in);
	round_trip(&in);

	/* Everything present, every answer different; the longest answer
	 * in four-byte characters; escapes and slashes. */
	for (int i = 0; i < SCREENING_ANSWER_MAX; i++) {
		memcpy(longest + n, "\xF0\x9F\x98\x80", 4);	/* U+1F600 */
		n += 4;
	}
	longest[n] = '\0';
	screening_input_init(&in);
	set_age(&in, 0);
	in.consent = SCR_CONSENT_DECLINED;
	for (int i = 0; i < SCR_ACT__MAX; i++)
		set_item(&in.act[i], screening_act_code(i));
	for (int i = 0; i < SCR_MEANS__MAX; i++)
		set_item(&in.means[i], i % 2 ? "" : "«il m'a dit» \"quote\" "
		    "</script> \\ \n tab\t");
	for (int i = 0; i < SCR_PURPOSE__MAX; i++)
		set_item(&in.purpose[i], "José María, Ñandú");
	set_item(&in.act[SCR_ACT_RECEIPT], longest);
	round_trip(&in);

	/* Each consent answer, adult and unknown ages. */
	for (int c = 0; c < SCR_CONSENT__MAX; c++) {
		screening_input_init(&in);
		set_age(&in, c % 2 ? UNKNOWN : 45);
		in.consent = c;
		set_item(&in.means[SCR_MEANS_ABDUCTION], "taken from school");
		set_item(&in.purpose[SCR_PURPOSE_OTHER], "forced begging");
		round_trip(&in);
	}

	/* Keys in any order: evidence before the lists. */
	{
		const char *field, *msg;
		struct screening_input out;
		json_t *j = json_loads("{\"evidence\":{\"Fraud\":\"lied\"},"
		    "\"means\":[\"Fraud\"],\"age_at_act\":18}", 0, NULL);

		assert_non_null(j);
		assert_int_equal(screening_from_json(j, &out, &field, &msg), 0);
		assert_true(out.means[SCR_MEANS_FRAUD].present);
		assert_string_equal(out.means[SCR_MEANS_FRAUD].answer, "lied");
		assert_true(out.age_known);
		assert_int_equal(out.age_at_act, 18);
		json_decref(j);
	}
}

struct bad {
	const char *json;
	const char *field;
};

static void
check_bad(json_t *j, const char *field, const char *label)
{
	struct screening_input out;
	const char *f = NULL, *m = NULL;

	memset(&out, 0x5A, sizeof(out));
	if (screening_from_json(j, &out, &f, &m) != -1)
		fail_msg("accepted: %s", label);
	if (f == NULL || strcmp(f, field) != 0)
		fail_msg("%s: field %s, expected %s", label,
		    f ? f : "(null)", field);
	assert_non_null(m);
	assert_true(m[0] != '\0');
	/* Nothing half-parsed is left behind. */
	for (int i = 0; i < SCR_ACT__MAX; i++)
		assert_false(out.act[i].present);
	assert_false(out.age_known);
	assert_int_equal(out.consent, SCR_CONSENT_NOT_ASKED);
}

static void
test_from_json_rejects(void **state)
{
	static const struct bad bad[] = {
		/* not an object */
		{ "[]", "screening" },
		{ "\"act\"", "screening" },
		{ "42", "screening" },
		{ "null", "screening" },
		{ "true", "screening" },
		/* unknown keys, named */
		{ "{\"acts\":[]}", "acts" },
		{ "{\"Act\":[]}", "Act" },
		{ "{\"act\":[],\"x\":1}", "x" },
		/* lists of codes */
		{ "{\"act\":\"Recruitment\"}", "act" },
		{ "{\"act\":{\"Recruitment\":true}}", "act" },
		{ "{\"act\":null}", "act" },
		{ "{\"act\":[1]}", "act" },
		{ "{\"act\":[[\"Recruitment\"]]}", "act" },
		{ "{\"act\":[\"recruitment\"]}", "act" },
		{ "{\"act\":[\"Recruitment \"]}", "act" },
		{ "{\"act\":[\"\"]}", "act" },
		{ "{\"act\":[\"Fraud\"]}", "act" },
		{ "{\"act\":[\"Recruitment\\u0000\"]}", "act" },
		{ "{\"act\":[\"Receipt\",\"Transfer\",\"Receipt\"]}", "act" },
		{ "{\"means\":[\"Recruitment\"]}", "means" },
		{ "{\"means\":[\"Coercion\"]}", "means" },
		{ "{\"means\":[true]}", "means" },
		{ "{\"purpose\":[\"Prostitution\"]}", "purpose" },
		{ "{\"purpose\":[null]}", "purpose" },
		{ "{\"purpose\":[\"Other\",\"Other\"]}", "purpose" },
		/* evidence */
		{ "{\"evidence\":[]}", "evidence" },
		{ "{\"evidence\":\"x\"}", "evidence" },
		{ "{\"evidence\":{\"act\":\"x\"}}", "evidence" },
		{ "{\"evidence\":{\"Nope\":\"x\"}}", "evidence" },
		{ "{\"act\":[\"Recruitment\"],"
		  "\"evidence\":{\"Recruitment\":5}}", "evidence.Recruitment" },
		{ "{\"act\":[\"Recruitment\"],"
		  "\"evidence\":{\"Recruitment\":null}}",
		  "evidence.Recruitment" },
		{ "{\"act\":[\"Recruitment\"],"
		  "\"evidence\":{\"Recruitment\":[\"x\"]}}",
		  "evidence.Recruitment" },
		{ "{\"evidence\":{\"Recruitment\":\"not listed\"}}",
		  "evidence.Recruitment" },
		{ "{\"act\":[\"Transfer\"],"
		  "\"evidence\":{\"Recruitment\":\"not listed\"}}",
		  "evidence.Recruitment" },
		{ "{\"means\":[\"Fraud\"],"
		  "\"evidence\":{\"Fraud\":\"a\\u0000b\"}}", "evidence.Fraud" },
		/* age */
		{ "{\"age_at_act\":\"17\"}", "age_at_act" },
		{ "{\"age_at_act\":17.5}", "age_at_act" },
		{ "{\"age_at_act\":17.0}", "age_at_act" },
		{ "{\"age_at_act\":-1}", "age_at_act" },
		{ "{\"age_at_act\":131}", "age_at_act" },
		{ "{\"age_at_act\":9223372036854775807}", "age_at_act" },
		{ "{\"age_at_act\":-9223372036854775807}", "age_at_act" },
		{ "{\"age_at_act\":1e300}", "age_at_act" },
		{ "{\"age_at_act\":true}", "age_at_act" },
		{ "{\"age_at_act\":[]}", "age_at_act" },
		/* consent */
		{ "{\"consent\":true}", "consent" },
		{ "{\"consent\":\"yes\"}", "consent" },
		{ "{\"consent\":\"\"}", "consent" },
		{ "{\"consent\":null}", "consent" },
		{ "{\"consent\":\"Yes\\u0000\"}", "consent" },
		/* derived keys, type-checked */
		{ "{\"child\":\"yes\"}", "child" },
		{ "{\"child\":1}", "child" },
		{ "{\"meets_definition\":null}", "meets_definition" },
		{ "{\"means_required\":0}", "means_required" },
		{ "{\"age_unknown\":\"false\"}", "age_unknown" },
		{ "{\"consent_irrelevant\":[]}", "consent_irrelevant" },
		{ "{\"missing\":\"act\"}", "missing" },
		{ "{\"missing\":[1]}", "missing" },
		{ "{\"reasons\":{}}", "reasons" },
		{ "{\"reasons\":[null]}", "reasons" },
		{ "{\"proposed_status\":\"Victim\"}", "proposed_status" },
		{ "{\"proposed_status\":1}", "proposed_status" },
		/* the first problem wins; earlier good keys are dropped */
		{ "{\"act\":[\"Recruitment\"],\"age_at_act\":30,"
		  "\"consent\":\"Yes\",\"means\":[\"x\"]}", "means" },
	};
	char buf[SCREENING_ANSWER_SIZE + 64];
	json_t *j;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		json_error_t e;

		j = json_loads(bad[i].json, JSON_ALLOW_NUL | JSON_DECODE_ANY,
		    &e);
		if (j == NULL)
			fail_msg("test JSON %zu does not load: %s", i, e.text);
		check_bad(j, bad[i].field, bad[i].json);
		json_decref(j);
	}

	/* No JSON at all. */
	check_bad(NULL, "screening", "NULL");
	j = json_object();
	assert_non_null(j);
	assert_int_equal(screening_from_json(j, NULL, NULL, NULL), -1);
	json_decref(j);

	/* 301 characters: too long; 300 is fine (the round trip proves the
	 * four-byte case). */
	j = json_pack("{s:[s],s:{s:s%}}", "act", "Recruitment", "evidence",
	    "Recruitment",
	    (const char *)memset(buf, 'a', SCREENING_ANSWER_MAX + 1),
	    (size_t)SCREENING_ANSWER_MAX + 1);
	assert_non_null(j);
	check_bad(j, "evidence.Recruitment", "301 characters");
	json_decref(j);
	{
		struct screening_input out;
		const char *f, *m;

		j = json_pack("{s:[s],s:{s:s%}}", "act", "Recruitment",
		    "evidence", "Recruitment", buf,
		    (size_t)SCREENING_ANSWER_MAX);
		assert_non_null(j);
		assert_int_equal(screening_from_json(j, &out, &f, &m), 0);
		assert_int_equal(strlen(out.act[0].answer),
		    SCREENING_ANSWER_MAX);
		json_decref(j);
	}

	/* Invalid UTF-8, which json_loads() would refuse, made with the
	 * _nocheck constructors: overlong, truncated, surrogate, stray
	 * continuation byte. */
	{
		static const char *const bytes[] = {
			"\xC0\xAF", "\xE2\x82", "\xED\xA0\x80", "\x80",
			"\xF8\x88\x80\x80\x80", "ok\xFF",
		};

		for (size_t i = 0; i < ARRAY_SIZE(bytes); i++) {
			j = json_pack("{s:[s],s:{s:o}}", "purpose", "Servitude",
			    "evidence", "Servitude",
			    json_string_nocheck(bytes[i]));
			assert_non_null(j);
			check_bad(j, "evidence.Servitude", "invalid UTF-8");
			json_decref(j);
		}
	}
}

/*
 * Never a crash: every truncation and every single-byte change of a
 * valid document that still loads must parse or be refused cleanly.
 */
static void
test_from_json_mutations(void **state)
{
	static const char doc[] =
	    "{\"act\":[\"Recruitment\",\"Receipt\"],\"means\":[\"Fraud\"],"
	    "\"purpose\":[\"Other\"],\"evidence\":{\"Fraud\":\"lied\","
	    "\"Other\":\"begging\"},\"age_at_act\":17,\"consent\":\"Yes\","
	    "\"child\":true,\"missing\":[],\"reasons\":[\"r\"],"
	    "\"proposed_status\":\"ActualVictimOfTrafficking\"}";
	static const char repl[] = "\"[]{}:,0a \\\x01\x80";
	char buf[sizeof(doc)];
	size_t loaded = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(doc) - 1; i++) {
		for (size_t r = 0; r <= sizeof(repl) - 1; r++) {
			struct screening_input out;
			struct screening_result res;
			const char *f = NULL, *m = NULL;
			json_t *j;

			memcpy(buf, doc, sizeof(doc));
			if (r == sizeof(repl) - 1)
				buf[i] = '\0';		/* truncation */
			else
				buf[i] = repl[r];
			j = json_loads(buf, 0, NULL);
			if (j == NULL)
				continue;
			loaded++;
			if (screening_from_json(j, &out, &f, &m) == 0) {
				assert_int_equal(screening_evaluate(&out,
				    &res), 0);
			} else {
				assert_non_null(f);
				assert_non_null(m);
			}
			json_decref(j);
		}
	}
	assert_true(loaded > 0);
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_tables_complete),
		cmocka_unit_test(test_age_boundaries),
		cmocka_unit_test(test_every_item_counts),
		cmocka_unit_test(test_other_needs_description),
		cmocka_unit_test(test_consent_irrelevant),
		cmocka_unit_test(test_evaluate_bad_struct),
		cmocka_unit_test(test_override_needs_reason),
		cmocka_unit_test(test_decision_bad_status),
		cmocka_unit_test(test_to_json_shape),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_from_json_rejects),
		cmocka_unit_test(test_from_json_mutations),
	};
	struct CMUnitTest tests[ARRAY_SIZE(rows) + ARRAY_SIZE(fixed)];
	static const char *const ages[] = { "adult", "child", "unknown age" };
	size_t n = 0;

	/* One named test per row of the truth table. */
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct row *r = &rows[i];

		snprintf(r->name, sizeof(r->name), "truth: %s %s %s, %s",
		    r->act ? "act" : "-", r->means ? "means" : "-",
		    r->purpose ? "purpose" : "-",
		    ages[r->age == ADULT ? 0 : r->age == CHILD ? 1 : 2]);
		tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(
		    test_truth_row, r);
		tests[n++].name = r->name;
	}
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		tests[n++] = fixed[i];
	if (n != ARRAY_SIZE(tests))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
