/*
 * screening.c - the Palermo Protocol (art. 3) check. See screening.h.
 */
#include "compat.h"

#include <jansson.h>

#include "http.h"	/* utf8_valid() only */
#include "i18n.h"
#include "input.h"
#include "log.h"
#include "screening.h"

/* --- fixed sets ------------------------------------------------------ */

/*
 * One act, means or purpose. evfield is its error field name in
 * "evidence", built here so that screening_from_json() can name it with
 * a static string.
 */
struct item_def {
	const char *code;
	const char *evfield;
	const char *label;
};

#define ITEM(code, label) { code, "evidence." code, label }

static const struct item_def acts[] = {
	[SCR_ACT_RECRUITMENT] = ITEM("Recruitment", N_("Recruitment")),
	[SCR_ACT_TRANSPORTATION] = ITEM("Transportation",
	    N_("Transportation")),
	[SCR_ACT_TRANSFER] = ITEM("Transfer", N_("Transfer")),
	[SCR_ACT_HARBOURING] = ITEM("Harbouring", N_("Harbouring")),
	[SCR_ACT_RECEIPT] = ITEM("Receipt", N_("Receipt")),
};
_Static_assert(ARRAY_SIZE(acts) == SCR_ACT__MAX, "acts table");

static const struct item_def means[] = {
	[SCR_MEANS_THREAT_OR_USE_OF_FORCE] = ITEM("ThreatOrUseOfForce",
	    N_("Threat or use of force")),
	[SCR_MEANS_OTHER_FORMS_OF_COERCION] = ITEM("OtherFormsOfCoercion",
	    N_("Other forms of coercion")),
	[SCR_MEANS_ABDUCTION] = ITEM("Abduction", N_("Abduction")),
	[SCR_MEANS_FRAUD] = ITEM("Fraud", N_("Fraud")),
	[SCR_MEANS_DECEPTION] = ITEM("Deception", N_("Deception")),
	[SCR_MEANS_ABUSE_OF_POWER] = ITEM("AbuseOfPower",
	    N_("Abuse of power")),
	[SCR_MEANS_ABUSE_OF_VULNERABILITY] = ITEM("AbuseOfVulnerability",
	    N_("Abuse of a position of vulnerability")),
	[SCR_MEANS_GIVING_OR_RECEIVING_PAYMENTS] =
	    ITEM("GivingOrReceivingPayments",
	    N_("Giving or receiving payments or benefits to achieve the "
	    "consent of a person having control over another person")),
};
_Static_assert(ARRAY_SIZE(means) == SCR_MEANS__MAX, "means table");

static const struct item_def purposes[] = {
	[SCR_PURPOSE_SEXUAL_EXPLOITATION] = ITEM("SexualExploitation",
	    N_("Exploitation of the prostitution of others or other forms "
	    "of sexual exploitation")),
	[SCR_PURPOSE_FORCED_LABOUR_OR_SERVICES] =
	    ITEM("ForcedLabourOrServices", N_("Forced labour or services")),
	[SCR_PURPOSE_SLAVERY_OR_SIMILAR_PRACTICES] =
	    ITEM("SlaveryOrSimilarPractices",
	    N_("Slavery or practices similar to slavery")),
	[SCR_PURPOSE_SERVITUDE] = ITEM("Servitude", N_("Servitude")),
	[SCR_PURPOSE_REMOVAL_OF_ORGANS] = ITEM("RemovalOfOrgans",
	    N_("Removal of organs")),
	[SCR_PURPOSE_OTHER] = ITEM("Other",
	    N_("Other exploitation (described)")),
};
_Static_assert(ARRAY_SIZE(purposes) == SCR_PURPOSE__MAX, "purposes table");

struct code_label {
	const char *code;
	const char *label;
};

static const struct code_label elements[] = {
	[SCR_EL_ACT] = { "act", N_("Act") },
	[SCR_EL_MEANS] = { "means", N_("Means") },
	[SCR_EL_PURPOSE] = { "purpose", N_("Purpose") },
};
_Static_assert(ARRAY_SIZE(elements) == SCR_EL__MAX, "elements table");

static const struct code_label consents[] = {
	[SCR_CONSENT_NOT_ASKED] = { "NotAsked", N_("Not asked") },
	[SCR_CONSENT_YES] = { "Yes", N_("Yes") },
	[SCR_CONSENT_NO] = { "No", N_("No") },
	[SCR_CONSENT_UNKNOWN] = { "Unknown", N_("Unknown") },
	[SCR_CONSENT_DECLINED] = { "DeclinedToAnswer",
	    N_("Declined to answer") },
};
_Static_assert(ARRAY_SIZE(consents) == SCR_CONSENT__MAX, "consent table");

static const struct code_label statuses[] = {
	[SCR_STATUS_POSSIBLE] = { "PossibleVictimOfTrafficking",
	    N_("Possible victim of trafficking") },
	[SCR_STATUS_ACTUAL] = { "ActualVictimOfTrafficking",
	    N_("Actual victim of trafficking") },
	[SCR_STATUS_NOT] = { "NotAVictimOfTrafficking",
	    N_("Not a victim of trafficking") },
};
_Static_assert(ARRAY_SIZE(statuses) == SCR_STATUS__MAX, "status table");

/* The item sets by element, so that loops need not name each one. */
static const struct {
	const struct item_def *defs;
	size_t n;
} sets[] = {
	[SCR_EL_ACT] = { acts, SCR_ACT__MAX },
	[SCR_EL_MEANS] = { means, SCR_MEANS__MAX },
	[SCR_EL_PURPOSE] = { purposes, SCR_PURPOSE__MAX },
};
_Static_assert(ARRAY_SIZE(sets) == SCR_EL__MAX, "sets table");

static struct screening_item *
items_of(struct screening_input *in, enum screening_element e)
{
	switch (e) {
	case SCR_EL_ACT:
		return in->act;
	case SCR_EL_MEANS:
		return in->means;
	case SCR_EL_PURPOSE:
		return in->purpose;
	case SCR_EL__MAX:
		break;
	}
	return NULL;
}

static const struct screening_item *
citems_of(const struct screening_input *in, enum screening_element e)
{
	return items_of((struct screening_input *)in, e);
}

/* Code/label lookups: the value is range-checked as an int because an
 * enum may hold anything a caller stored in it. */
static const char *
item_code(const struct item_def *t, size_t n, int v)
{
	return v >= 0 && (size_t)v < n ? t[v].code : NULL;
}

static const char *
item_label(const struct item_def *t, size_t n, int v)
{
	return v >= 0 && (size_t)v < n ? _(t[v].label) : NULL;
}

static int
item_find(const struct item_def *t, size_t n, const char *code)
{
	if (code == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].code, code) == 0)
			return (int)i;
	return -1;
}

static const char *
cl_code(const struct code_label *t, size_t n, int v)
{
	return v >= 0 && (size_t)v < n ? t[v].code : NULL;
}

static const char *
cl_label(const struct code_label *t, size_t n, int v)
{
	return v >= 0 && (size_t)v < n ? _(t[v].label) : NULL;
}

static int
cl_find(const struct code_label *t, size_t n, const char *code)
{
	if (code == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].code, code) == 0)
			return (int)i;
	return -1;
}

const char *
screening_element_code(enum screening_element e)
{
	return cl_code(elements, SCR_EL__MAX, (int)e);
}

const char *
screening_element_label(enum screening_element e)
{
	return cl_label(elements, SCR_EL__MAX, (int)e);
}

int
screening_element_from_code(const char *code)
{
	return cl_find(elements, SCR_EL__MAX, code);
}

const char *
screening_act_code(enum screening_act a)
{
	return item_code(acts, SCR_ACT__MAX, (int)a);
}

const char *
screening_act_label(enum screening_act a)
{
	return item_label(acts, SCR_ACT__MAX, (int)a);
}

int
screening_act_from_code(const char *code)
{
	return item_find(acts, SCR_ACT__MAX, code);
}

const char *
screening_means_code(enum screening_means m)
{
	return item_code(means, SCR_MEANS__MAX, (int)m);
}

const char *
screening_means_label(enum screening_means m)
{
	return item_label(means, SCR_MEANS__MAX, (int)m);
}

int
screening_means_from_code(const char *code)
{
	return item_find(means, SCR_MEANS__MAX, code);
}

const char *
screening_purpose_code(enum screening_purpose p)
{
	return item_code(purposes, SCR_PURPOSE__MAX, (int)p);
}

const char *
screening_purpose_label(enum screening_purpose p)
{
	return item_label(purposes, SCR_PURPOSE__MAX, (int)p);
}

int
screening_purpose_from_code(const char *code)
{
	return item_find(purposes, SCR_PURPOSE__MAX, code);
}

const char *
screening_consent_code(enum screening_consent c)
{
	return cl_code(consents, SCR_CONSENT__MAX, (int)c);
}

const char *
screening_consent_label(enum screening_consent c)
{
	return cl_label(consents, SCR_CONSENT__MAX, (int)c);
}

int
screening_consent_from_code(const char *code)
{
	return cl_find(consents, SCR_CONSENT__MAX, code);
}

const char *
screening_status_code(enum screening_status s)
{
	return cl_code(statuses, SCR_STATUS__MAX, (int)s);
}

const char *
screening_status_label(enum screening_status s)
{
	return cl_label(statuses, SCR_STATUS__MAX, (int)s);
}

int
screening_status_from_code(const char *code)
{
	return cl_find(statuses, SCR_STATUS__MAX, code);
}

/* --- text ------------------------------------------------------------ */

/* True when s (n bytes, an answer) is no text: white space only, the
 * zero-width spaces too, as input_blank() tells. */
static bool
blank(const char *s, size_t n)
{
	char buf[SCREENING_ANSWER_SIZE];

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return input_blank(buf);
}

/* Characters (code points) in valid UTF-8. */
static size_t
utf8_chars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

/* A translated message when untrusted text is invalid or longer than max
 * characters (whose bytes must also fit in size, NUL included). */
static const char *
text_problem(const char *s, size_t n, size_t max, size_t size,
    const char *toolong)
{
	if (s == NULL)
		return _("Must be text.");
	if (n >= size)
		return toolong;
	if (!utf8_valid(s, n))
		return _("Not valid text: it must be UTF-8 without NUL "
		    "characters.");
	if (utf8_chars(s, n) > max)
		return toolong;
	return NULL;
}

const char *
screening_answer_problem(const char *s, size_t n)
{
	return text_problem(s, n, SCREENING_ANSWER_MAX, SCREENING_ANSWER_SIZE,
	    _("This answer is too long: at most 300 characters."));
}

/* Length of a trusted, but possibly unterminated, answer buffer. */
static size_t
answer_len(const struct screening_item *it)
{
	return strnlen(it->answer, sizeof(it->answer));
}

/* --- evaluation ------------------------------------------------------ */

void
screening_input_init(struct screening_input *in)
{
	memset(in, 0, sizeof(*in));
}

static void
reason(struct screening_result *res, const char *msg)
{
	if (NEVER(res->nreasons >= SCREENING_REASONS_MAX))
		return;
	res->reasons[res->nreasons++] = msg;
}

/*
 * The reasons are whole sentences chosen from the state rather than
 * assembled from parts, so that translators see complete sentences.
 */
int
screening_evaluate(const struct screening_input *in,
    struct screening_result *res)
{
	bool recorded = false, other_undescribed = false;

	if (res == NULL)
		return error("screening: no result");
	memset(res, 0, sizeof(*res));
	res->proposed = SCR_STATUS_NOT;
	if (in == NULL)
		return error("screening: no input");
	if ((int)in->consent < 0 || (int)in->consent >= SCR_CONSENT__MAX)
		return error("screening: consent %d out of range",
		    (int)in->consent);
	if (in->age_known &&
	    (in->age_at_act < 0 || in->age_at_act > SCREENING_AGE_MAX))
		return error("screening: age %d out of range", in->age_at_act);

	res->age_unknown = !in->age_known;
	res->child = in->age_known && in->age_at_act < 18;
	res->means_required = !res->child;

	for (size_t i = 0; i < SCR_ACT__MAX; i++)
		if (in->act[i].present)
			res->act_present = true;
	for (size_t i = 0; i < SCR_MEANS__MAX; i++)
		if (in->means[i].present)
			res->means_present = true;
	for (size_t i = 0; i < SCR_PURPOSE__MAX; i++) {
		const struct screening_item *it = &in->purpose[i];

		if (!it->present)
			continue;
		recorded = true;
		if (i == SCR_PURPOSE_OTHER &&
		    blank(it->answer, answer_len(it)))
			other_undescribed = true;
		else
			res->purpose_present = true;
	}
	recorded = recorded || res->act_present || res->means_present;

	res->meets_definition = res->act_present && res->purpose_present &&
	    (res->means_present || !res->means_required);
	if (!res->act_present)
		res->missing[res->nmissing++] = SCR_EL_ACT;
	if (res->means_required && !res->means_present)
		res->missing[res->nmissing++] = SCR_EL_MEANS;
	if (!res->purpose_present)
		res->missing[res->nmissing++] = SCR_EL_PURPOSE;
	res->consent_irrelevant = res->means_present || res->child;
	if (res->meets_definition)
		res->proposed = SCR_STATUS_ACTUAL;
	else if (recorded)
		res->proposed = SCR_STATUS_POSSIBLE;
	else
		res->proposed = SCR_STATUS_NOT;

	if (res->child)
		reason(res, _("The person was under 18 at the time of the "
		    "act: means are not required."));
	else if (res->age_unknown)
		reason(res, _("The person's age at the time of the act is "
		    "unknown: they are treated as an adult, so at least one "
		    "means is required."));
	else
		reason(res, _("The person was 18 or older at the time of the "
		    "act: at least one means is required."));

	if (res->act_present)
		reason(res, _("At least one act is recorded (recruitment, "
		    "transportation, transfer, harbouring or receipt of the "
		    "person)."));
	else
		reason(res, _("No act is recorded; the definition requires "
		    "the recruitment, transportation, transfer, harbouring "
		    "or receipt of the person."));

	if (res->means_present && res->means_required)
		reason(res, _("At least one means is recorded."));
	else if (res->means_present)
		reason(res, _("A means is recorded; for a child it is not "
		    "required."));
	else if (res->means_required)
		reason(res, _("No means is recorded; for an adult at least "
		    "one means is required."));
	else
		reason(res, _("No means is recorded; for a child none is "
		    "required."));

	if (res->purpose_present)
		reason(res, _("At least one purpose of exploitation is "
		    "recorded."));
	else
		reason(res, _("No purpose of exploitation is recorded; the "
		    "definition requires one."));
	if (other_undescribed)
		reason(res, _("Other exploitation is recorded without a "
		    "description: it counts only when it is described."));

	if (in->consent == SCR_CONSENT_YES) {
		if (res->means_present)
			reason(res, _("The person consented to the intended "
			    "exploitation; the consent is irrelevant because "
			    "a means was used."));
		else if (res->child)
			reason(res, _("The person consented to the intended "
			    "exploitation; the consent of a child is "
			    "irrelevant."));
		else
			reason(res, _("The person consented to the intended "
			    "exploitation and no means is recorded; without "
			    "a means the definition is not met."));
	}

	if (res->meets_definition && res->child)
		reason(res, _("The definition is met for a child: an act and "
		    "a purpose of exploitation are recorded. Proposed "
		    "status: actual victim of trafficking."));
	else if (res->meets_definition)
		reason(res, _("The definition is met: an act, a means and a "
		    "purpose of exploitation are recorded. Proposed status: "
		    "actual victim of trafficking."));
	else if (recorded)
		reason(res, _("The definition is not met, but some of its "
		    "elements are recorded. Proposed status: possible victim "
		    "of trafficking."));
	else
		reason(res, _("Nothing is recorded that supports the "
		    "definition. Proposed status: not a victim of "
		    "trafficking."));
	return 0;
}

/* --- decision -------------------------------------------------------- */

static const char *
reason_problem(const char *reason)
{
	return text_problem(reason, strnlen(reason, SCREENING_REASON_SIZE),
	    SCREENING_REASON_MAX, SCREENING_REASON_SIZE,
	    _("The reason is too long: at most 1000 characters."));
}

const char *
screening_decision_problem(const struct screening_result *res,
    const char *final_status, const char *reason)
{
	const char *p;
	int s;

	if (res == NULL || (int)res->proposed < 0 ||
	    (int)res->proposed >= SCR_STATUS__MAX)
		return _("The screening has not been evaluated.");
	if (final_status == NULL || final_status[0] == '\0')
		return _("Choose a trafficking status.");
	if ((s = screening_status_from_code(final_status)) < 0)
		return _("Unknown trafficking status.");
	if (reason != NULL && (p = reason_problem(reason)) != NULL)
		return p;
	if (s != (int)res->proposed &&
	    input_blank(reason))
		return _("Give a reason for overriding the proposed "
		    "trafficking status.");
	return NULL;
}

int
screening_decide(const struct screening_result *res,
    const char *final_status, const char *reason, int64_t user_id,
    int64_t now, struct screening_decision *d, const char **msg)
{
	const char *p;

	if (d == NULL)
		return error("screening: no decision");
	memset(d, 0, sizeof(*d));
	if ((p = screening_decision_problem(res, final_status, reason))) {
		if (msg != NULL)
			*msg = p;
		return -1;
	}
	d->proposed = res->proposed;
	d->final = (enum screening_status)
	    screening_status_from_code(final_status);
	d->overridden = d->final != d->proposed;
	if (reason != NULL && !input_blank(reason)) {
		/* reason_problem() has bounded it below the buffer. */
		size_t n = strlen(reason);

		if (NEVER(n >= sizeof(d->reason)))
			n = 0;
		memcpy(d->reason, reason, n);
		d->reason[n] = '\0';
	}
	d->decided_by = user_id;
	d->decided_at = now;
	return 0;
}

/* --- JSON ------------------------------------------------------------ */

/* Sets o[k] = v, stealing v; -1 when v is NULL or the set fails. */
static int
put(json_t *o, const char *k, json_t *v)
{
	if (v == NULL)
		return -1;
	return json_object_set_new(o, k, v);
}

/* Appends v to a, stealing v; -1 when v is NULL or the append fails. */
static int
add(json_t *a, json_t *v)
{
	if (v == NULL)
		return -1;
	return json_array_append_new(a, v);
}

json_t *
screening_decision_to_json(const struct screening_decision *d)
{
	json_t *o;

	if (d == NULL || (o = json_object()) == NULL)
		return NULL;
	if (put(o, "proposed_status", json_string(
	    screening_status_code(d->proposed) ?
	    screening_status_code(d->proposed) : "")) < 0 ||
	    put(o, "final_status", json_string(
	    screening_status_code(d->final) ?
	    screening_status_code(d->final) : "")) < 0 ||
	    put(o, "overridden", json_boolean(d->overridden)) < 0 ||
	    put(o, "reason", json_stringn(d->reason,
	    strnlen(d->reason, sizeof(d->reason)))) < 0 ||
	    put(o, "decided_by", json_integer(d->decided_by)) < 0 ||
	    put(o, "decided_at", json_integer(d->decided_at)) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The keys of the screening JSON. Input keys are parsed; derived keys
 * are produced from a result and only type-checked on input. */
enum jkey {
	K_ACT,
	K_MEANS,
	K_PURPOSE,
	K_EVIDENCE,
	K_AGE,
	K_CONSENT,
	K_AGE_UNKNOWN,
	K_CHILD,
	K_MEANS_REQUIRED,
	K_CONSENT_IRRELEVANT,
	K_MEETS,
	K_MISSING,
	K_REASONS,
	K_PROPOSED,
	K__MAX
};

enum jkind {
	J_CODES,	/* input: list of item codes */
	J_EVIDENCE,
	J_AGE,
	J_CONSENT,
	J_BOOL,		/* derived */
	J_STRINGS,	/* derived */
	J_STATUS,	/* derived */
};

static const struct {
	const char *name;
	enum jkind kind;
} jkeys[] = {
	[K_ACT] = { "act", J_CODES },
	[K_MEANS] = { "means", J_CODES },
	[K_PURPOSE] = { "purpose", J_CODES },
	[K_EVIDENCE] = { "evidence", J_EVIDENCE },
	[K_AGE] = { "age_at_act", J_AGE },
	[K_CONSENT] = { "consent", J_CONSENT },
	[K_AGE_UNKNOWN] = { "age_unknown", J_BOOL },
	[K_CHILD] = { "child", J_BOOL },
	[K_MEANS_REQUIRED] = { "means_required", J_BOOL },
	[K_CONSENT_IRRELEVANT] = { "consent_irrelevant", J_BOOL },
	[K_MEETS] = { "meets_definition", J_BOOL },
	[K_MISSING] = { "missing", J_STRINGS },
	[K_REASONS] = { "reasons", J_STRINGS },
	[K_PROPOSED] = { "proposed_status", J_STATUS },
};
_Static_assert(ARRAY_SIZE(jkeys) == K__MAX, "jkeys table");

/* The element of a J_CODES key: act, means, purpose in both enums. */
static enum screening_element
key_element(enum jkey k)
{
	return k == K_ACT ? SCR_EL_ACT : k == K_MEANS ? SCR_EL_MEANS :
	    SCR_EL_PURPOSE;
}

static const char *
jname(enum jkey k)
{
	return jkeys[k].name;
}

static int
input_to_json(json_t *o, const struct screening_input *in)
{
	static const enum jkey lists[SCR_EL__MAX] = {
		[SCR_EL_ACT] = K_ACT,
		[SCR_EL_MEANS] = K_MEANS,
		[SCR_EL_PURPOSE] = K_PURPOSE,
	};
	json_t *ev;

	if (put(o, jname(K_EVIDENCE), ev = json_object()) < 0)
		return -1;
	for (size_t e = 0; e < SCR_EL__MAX; e++) {
		const struct screening_item *it = citems_of(in, e);
		json_t *a;

		if (put(o, jname(lists[e]), a = json_array()) < 0)
			return -1;
		for (size_t i = 0; i < sets[e].n; i++) {
			size_t n;

			if (!it[i].present)
				continue;
			if (add(a, json_string(sets[e].defs[i].code)) < 0)
				return -1;
			if ((n = answer_len(&it[i])) == 0)
				continue;
			/* Checked, since the struct may not come from
			 * screening_from_json(). */
			if (put(ev, sets[e].defs[i].code,
			    json_stringn(it[i].answer, n)) < 0)
				return error("screening: answer for %s not "
				    "valid UTF-8", sets[e].defs[i].code);
		}
	}
	if (put(o, jname(K_AGE), in->age_known ?
	    json_integer(in->age_at_act) : json_null()) < 0)
		return -1;
	if (screening_consent_code(in->consent) == NULL)
		return error("screening: consent out of range");
	return put(o, jname(K_CONSENT),
	    json_string(screening_consent_code(in->consent)));
}

static int
result_to_json(json_t *o, const struct screening_result *res)
{
	json_t *missing, *reasons;

	if (put(o, jname(K_AGE_UNKNOWN), json_boolean(res->age_unknown)) < 0 ||
	    put(o, jname(K_CHILD), json_boolean(res->child)) < 0 ||
	    put(o, jname(K_MEANS_REQUIRED),
	    json_boolean(res->means_required)) < 0 ||
	    put(o, jname(K_CONSENT_IRRELEVANT),
	    json_boolean(res->consent_irrelevant)) < 0 ||
	    put(o, jname(K_MEETS), json_boolean(res->meets_definition)) < 0 ||
	    put(o, jname(K_MISSING), missing = json_array()) < 0 ||
	    put(o, jname(K_REASONS), reasons = json_array()) < 0)
		return -1;
	if (screening_status_code(res->proposed) == NULL ||
	    res->nmissing > SCR_EL__MAX ||
	    res->nreasons > SCREENING_REASONS_MAX)
		return error("screening: result out of range");
	if (put(o, jname(K_PROPOSED),
	    json_string(screening_status_code(res->proposed))) < 0)
		return -1;
	for (size_t i = 0; i < res->nmissing; i++) {
		const char *c = screening_element_code(res->missing[i]);

		if (c == NULL || add(missing, json_string(c)) < 0)
			return -1;
	}
	for (size_t i = 0; i < res->nreasons; i++)
		if (res->reasons[i] == NULL ||
		    add(reasons, json_string(res->reasons[i])) < 0)
			return -1;
	return 0;
}

json_t *
screening_to_json(const struct screening_input *in,
    const struct screening_result *res)
{
	json_t *o;

	if (in == NULL || (o = json_object()) == NULL)
		return NULL;
	if (input_to_json(o, in) < 0 ||
	    (res != NULL && result_to_json(o, res) < 0)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Parse state: where the first problem is. */
struct perr {
	const char *field;
	const char *msg;
};

static int
fail(struct perr *pe, const char *field, const char *msg)
{
	pe->field = field;
	pe->msg = msg;
	return -1;
}

static int
parse_codes(struct screening_input *in, enum jkey k, json_t *v,
    struct perr *pe)
{
	enum screening_element e = key_element(k);
	struct screening_item *it = items_of(in, e);
	size_t i;
	json_t *c;

	if (!json_is_array(v))
		return fail(pe, jname(k), _("Must be a list of codes."));
	json_array_foreach(v, i, c) {
		int x;

		if (!json_is_string(c))
			return fail(pe, jname(k), _("Must be a list of "
			    "codes."));
		/* strcmp stops at an embedded NUL; refuse those first. */
		if (strlen(json_string_value(c)) != json_string_length(c) ||
		    (x = item_find(sets[e].defs, sets[e].n,
		    json_string_value(c))) < 0)
			return fail(pe, jname(k), _("Unknown code."));
		if (it[x].present)
			return fail(pe, jname(k), _("A code is listed "
			    "twice."));
		it[x].present = true;
	}
	return 0;
}

/* After the lists: an answer is only for an item listed as present. */
static int
parse_evidence(struct screening_input *in, json_t *v, struct perr *pe)
{
	const char *key;
	json_t *s;

	if (!json_is_object(v))
		return fail(pe, jname(K_EVIDENCE), _("Must be an object "
		    "mapping codes to answers."));
	json_object_foreach(v, key, s) {
		struct screening_item *it = NULL;
		const struct item_def *def = NULL;
		const char *p;
		size_t n;

		for (size_t e = 0; e < SCR_EL__MAX && def == NULL; e++) {
			int x = item_find(sets[e].defs, sets[e].n, key);

			if (x >= 0) {
				def = &sets[e].defs[x];
				it = &items_of(in, e)[x];
			}
		}
		if (def == NULL)
			return fail(pe, jname(K_EVIDENCE), _("Unknown code."));
		if (!json_is_string(s))
			return fail(pe, def->evfield, _("Must be text."));
		n = json_string_length(s);
		if ((p = screening_answer_problem(json_string_value(s), n)))
			return fail(pe, def->evfield, p);
		/* White space alone is no answer (input.h). */
		if (input_blank(json_string_value(s)))
			continue;
		if (!it->present)
			return fail(pe, def->evfield, _("An answer is given "
			    "for an element that is not recorded as "
			    "present."));
		memcpy(it->answer, json_string_value(s), n);
		it->answer[n] = '\0';
	}
	return 0;
}

static int
parse_age(struct screening_input *in, json_t *v, struct perr *pe)
{
	json_int_t a;

	if (json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return fail(pe, jname(K_AGE), _("Must be a whole number of "
		    "years; leave it empty when the age is unknown."));
	a = json_integer_value(v);
	if (a < 0 || a > SCREENING_AGE_MAX)
		return fail(pe, jname(K_AGE), _("Must be between 0 and 130 "
		    "years."));
	in->age_known = true;
	in->age_at_act = (int)a;
	return 0;
}

static int
parse_consent(struct screening_input *in, json_t *v, struct perr *pe)
{
	int c;

	if (!json_is_string(v))
		return fail(pe, jname(K_CONSENT), _("Must be text."));
	if (strlen(json_string_value(v)) != json_string_length(v) ||
	    (c = screening_consent_from_code(json_string_value(v))) < 0)
		return fail(pe, jname(K_CONSENT), _("Unknown answer about "
		    "consent."));
	in->consent = (enum screening_consent)c;
	return 0;
}

/* Derived keys: right type, otherwise ignored. */
static int
check_derived(enum jkey k, json_t *v, struct perr *pe)
{
	size_t i;
	json_t *s;

	switch (jkeys[k].kind) {
	case J_BOOL:
		if (!json_is_boolean(v))
			return fail(pe, jname(k), _("Must be true or false."));
		return 0;
	case J_STRINGS:
		if (!json_is_array(v))
			return fail(pe, jname(k), _("Must be a list of "
			    "texts."));
		json_array_foreach(v, i, s)
			if (!json_is_string(s))
				return fail(pe, jname(k), _("Must be a list "
				    "of texts."));
		return 0;
	case J_STATUS:
		if (!json_is_string(v))
			return fail(pe, jname(k), _("Must be text."));
		if (strlen(json_string_value(v)) != json_string_length(v) ||
		    screening_status_from_code(json_string_value(v)) < 0)
			return fail(pe, jname(k), _("Unknown trafficking "
			    "status."));
		return 0;
	default:
		break;
	}
	return fail(pe, jname(k), _("Unexpected value."));
}

static int
parse_key(struct screening_input *in, const char *key, json_t *v,
    json_t **evidence, struct perr *pe)
{
	for (size_t k = 0; k < K__MAX; k++) {
		if (strcmp(key, jkeys[k].name) != 0)
			continue;
		switch (jkeys[k].kind) {
		case J_CODES:
			return parse_codes(in, k, v, pe);
		case J_EVIDENCE:
			*evidence = v;
			return 0;
		case J_AGE:
			return parse_age(in, v, pe);
		case J_CONSENT:
			return parse_consent(in, v, pe);
		default:
			return check_derived(k, v, pe);
		}
	}
	return fail(pe, key, _("Unknown field."));
}

int
screening_from_json(json_t *j, struct screening_input *in,
    const char **err_field, const char **err_msg)
{
	struct perr pe = { NULL, NULL };
	json_t *evidence = NULL, *v;
	const char *key;
	int rc = -1;

	if (in == NULL) {
		fail(&pe, "screening", _("Unexpected value."));
		goto out;
	}
	screening_input_init(in);
	if (!json_is_object(j)) {
		fail(&pe, "screening", _("The screening must be a JSON "
		    "object."));
		goto out;
	}
	json_object_foreach(j, key, v)
		if (parse_key(in, key, v, &evidence, &pe) < 0)
			goto out;
	if (evidence != NULL && parse_evidence(in, evidence, &pe) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0 && in != NULL)
		screening_input_init(in);
	if (err_field != NULL)
		*err_field = pe.field;
	if (err_msg != NULL)
		*err_msg = pe.msg;
	return rc;
}
