/*
 * screening.h - the Palermo Protocol (art. 3) check of a screening
 * interview.
 *
 * Trafficking in persons is an act (recruitment, transportation,
 * transfer, harbouring or receipt of persons) by a means (threat or use
 * of force or other coercion, abduction, fraud, deception, abuse of power
 * or of a position of vulnerability, giving or receiving payments) for
 * the purpose of exploitation. For a child (under 18 at the time of the
 * act) the means are not required. Consent to the intended exploitation
 * is irrelevant where any means was used (and, by art. 3(c), for a
 * child).
 *
 * The module is pure: no HTTP, no database, no allocation except the
 * jansson values it returns. The caller owns every struct it passes in.
 * Evaluation never fails on any combination of answers; the JSON parser
 * is the one entry for untrusted data and never crashes on any input.
 *
 * Proposed HTCDS vic_TraffickingStatus (HTCDS 2.0 value names):
 *
 *   meets_definition                      ActualVictimOfTrafficking
 *   not met, but at least one act, means
 *   or purpose item is recorded           PossibleVictimOfTrafficking
 *   nothing recorded at all               NotAVictimOfTrafficking
 *
 * HTCDS defines "Possible victim of trafficking" for a person with
 * indicators of trafficking who has not been verified, which is what
 * partial evidence is. The status is only a proposal: the caseworker
 * confirms it or overrides it with a reason (struct screening_decision),
 * and both the proposal and the decision are kept.
 */
#ifndef CTM_SCREENING_H
#define CTM_SCREENING_H

#include "compat.h"

#include <jansson.h>

/* The three elements of the definition; codes "act", "means", "purpose". */
enum screening_element {
	SCR_EL_ACT,
	SCR_EL_MEANS,
	SCR_EL_PURPOSE,
	SCR_EL__MAX
};

enum screening_act {
	SCR_ACT_RECRUITMENT,
	SCR_ACT_TRANSPORTATION,
	SCR_ACT_TRANSFER,
	SCR_ACT_HARBOURING,
	SCR_ACT_RECEIPT,
	SCR_ACT__MAX
};

enum screening_means {
	SCR_MEANS_THREAT_OR_USE_OF_FORCE,
	SCR_MEANS_OTHER_FORMS_OF_COERCION,
	SCR_MEANS_ABDUCTION,
	SCR_MEANS_FRAUD,
	SCR_MEANS_DECEPTION,
	SCR_MEANS_ABUSE_OF_POWER,
	SCR_MEANS_ABUSE_OF_VULNERABILITY,
	SCR_MEANS_GIVING_OR_RECEIVING_PAYMENTS,
	SCR_MEANS__MAX
};

enum screening_purpose {
	/* includes the prostitution of others */
	SCR_PURPOSE_SEXUAL_EXPLOITATION,
	SCR_PURPOSE_FORCED_LABOUR_OR_SERVICES,
	SCR_PURPOSE_SLAVERY_OR_SIMILAR_PRACTICES,
	SCR_PURPOSE_SERVITUDE,
	SCR_PURPOSE_REMOVAL_OF_ORGANS,
	SCR_PURPOSE_OTHER,		/* counts only with a description */
	SCR_PURPOSE__MAX
};

/* Did the person consent to the intended exploitation? Unknown, not
 * asked and declined to answer are distinct answers. The zero value is
 * "not asked". */
enum screening_consent {
	SCR_CONSENT_NOT_ASKED,
	SCR_CONSENT_YES,
	SCR_CONSENT_NO,
	SCR_CONSENT_UNKNOWN,
	SCR_CONSENT_DECLINED,
	SCR_CONSENT__MAX
};

/* HTCDS vic_TraffickingStatus. */
enum screening_status {
	SCR_STATUS_POSSIBLE,		/* PossibleVictimOfTrafficking */
	SCR_STATUS_ACTUAL,		/* ActualVictimOfTrafficking */
	SCR_STATUS_NOT,			/* NotAVictimOfTrafficking */
	SCR_STATUS__MAX
};

/*
 * Codes are the strings of the JSON (CamelCase, unique across acts, means
 * and purposes); labels are translated in the calling thread's language.
 * Both are static; NULL for a value out of range. The _from_code
 * functions return -1 for an unknown or NULL code.
 */
const char *screening_element_code(enum screening_element e);
const char *screening_element_label(enum screening_element e);
int screening_element_from_code(const char *code);
const char *screening_act_code(enum screening_act a);
const char *screening_act_label(enum screening_act a);
int screening_act_from_code(const char *code);
const char *screening_means_code(enum screening_means m);
const char *screening_means_label(enum screening_means m);
int screening_means_from_code(const char *code);
const char *screening_purpose_code(enum screening_purpose p);
const char *screening_purpose_label(enum screening_purpose p);
int screening_purpose_from_code(const char *code);
const char *screening_consent_code(enum screening_consent c);
const char *screening_consent_label(enum screening_consent c);
int screening_consent_from_code(const char *code);
const char *screening_status_code(enum screening_status s);
const char *screening_status_label(enum screening_status s);
int screening_status_from_code(const char *code);

/* A supporting answer: at most this many characters (code points). */
#define SCREENING_ANSWER_MAX 300
/* Bytes for an answer: 4 per UTF-8 character, plus the NUL. */
#define SCREENING_ANSWER_SIZE (SCREENING_ANSWER_MAX * 4 + 1)
/* Oldest plausible age at the time of the act. */
#define SCREENING_AGE_MAX 130

/*
 * One act, means or purpose: whether the interview found it, and what the
 * person said that supports it (NUL-terminated, valid UTF-8, may be
 * empty). For SCR_PURPOSE_OTHER the answer is also the description of
 * the exploitation, without which it does not count.
 */
struct screening_item {
	bool present;
	char answer[SCREENING_ANSWER_SIZE];
};

/* What the screening interview recorded. All zeros is a valid, empty
 * interview: nothing present, age unknown, consent not asked. */
struct screening_input {
	struct screening_item act[SCR_ACT__MAX];
	struct screening_item means[SCR_MEANS__MAX];
	struct screening_item purpose[SCR_PURPOSE__MAX];
	bool age_known;
	int age_at_act;			/* years, 0..SCREENING_AGE_MAX */
	enum screening_consent consent;
};

/* Room for every sentence screening_evaluate() can give. */
#define SCREENING_REASONS_MAX 8

struct screening_result {
	bool age_unknown;		/* treated as an adult */
	bool child;			/* known age under 18 at the act */
	bool act_present;
	bool means_present;
	bool means_required;		/* false for a child */
	bool purpose_present;		/* "Other" only with a description */
	bool meets_definition;
	/* Consent, whatever was answered, has no effect on the result:
	 * a means was used, or the person was a child. */
	bool consent_irrelevant;
	/* Missing elements, in enum order. */
	enum screening_element missing[SCR_EL__MAX];
	size_t nmissing;
	/* Translated sentences (static strings), element by element, then
	 * the conclusion. */
	const char *reasons[SCREENING_REASONS_MAX];
	size_t nreasons;
	enum screening_status proposed;
};

/* Sets in to the empty interview (all zeros). */
void screening_input_init(struct screening_input *in);

/*
 * Fills res from in; reasons are translated in the calling thread's
 * language. in is trusted to be well formed (as screening_from_json()
 * leaves it). Returns 0, or -1 (logged, res cleared) for NULL arguments
 * or out-of-range values (age, consent).
 */
int screening_evaluate(const struct screening_input *in,
    struct screening_result *res);

/*
 * Checks one untrusted supporting answer of n bytes: a translated message
 * when it is not valid UTF-8, contains a NUL or is longer than
 * SCREENING_ANSWER_MAX characters; NULL when it is fine.
 */
const char *screening_answer_problem(const char *s, size_t n);

/* Longest override reason, in characters. */
#define SCREENING_REASON_MAX 1000
#define SCREENING_REASON_SIZE (SCREENING_REASON_MAX * 4 + 1)

/* The caseworker's decision: the proposal and the final status, both
 * kept. */
struct screening_decision {
	enum screening_status proposed;
	enum screening_status final;
	bool overridden;		/* final != proposed */
	/* Why; may be empty when not overridden. */
	char reason[SCREENING_REASON_SIZE];
	int64_t decided_by;		/* user id */
	int64_t decided_at;		/* unix seconds */
};

/*
 * Whether the caseworker may set final_status (an HTCDS code, untrusted)
 * with reason (untrusted, may be NULL) on res: a translated message when
 * the status is missing or unknown, when it overrides the proposal and
 * the reason is missing or blank, or when the reason is too long or not
 * valid text. NULL when the decision is acceptable.
 */
const char *screening_decision_problem(const struct screening_result *res,
    const char *final_status, const char *reason);

/*
 * Checks as screening_decision_problem() and, when acceptable, fills d
 * and returns 0. Otherwise returns -1 with *msg set (d cleared).
 */
int screening_decide(const struct screening_result *res,
    const char *final_status, const char *reason, int64_t user_id,
    int64_t now, struct screening_decision *d, const char **msg);

/* The decision as JSON (new reference; NULL on allocation failure):
 * {"proposed_status", "final_status", "overridden", "reason",
 *  "decided_by", "decided_at"}. */
json_t *screening_decision_to_json(const struct screening_decision *d);

/*
 * The screening as JSON (new reference; NULL on allocation failure):
 *
 *   {"act": [codes], "means": [codes], "purpose": [codes],
 *    "evidence": {code: answer, ...},	present items with an answer
 *    "age_at_act": years | null,		null when unknown
 *    "consent": "Yes" | "No" | "Unknown" | "NotAsked" | "DeclinedToAnswer",
 *
 *    and, when res is not NULL, the derived values:
 *    "age_unknown", "child", "means_required", "consent_irrelevant",
 *    "meets_definition": bools, "missing": ["act", "means", "purpose"],
 *    "reasons": [sentences], "proposed_status": HTCDS code}
 */
json_t *screening_to_json(const struct screening_input *in,
    const struct screening_result *res);

/*
 * Parses untrusted JSON into in (cleared first). Accepts what
 * screening_to_json() produces: the derived keys are type-checked and
 * otherwise ignored, since screening_evaluate() recomputes them. Absent
 * keys leave their empty value (no items, age unknown, consent not
 * asked).
 *
 * Returns 0, or -1 with *err_field (the JSON key, e.g. "act", "age_at_act",
 * "evidence.Fraud"; for an unknown key, the key itself, which points into
 * j) and *err_msg (translated, static) set. Refused: a non-object, unknown
 * keys, wrong types, unknown or repeated codes, an answer for an item not
 * listed as present, answers that are too long or not valid UTF-8 (or
 * contain NUL), ages that are not whole numbers in 0..SCREENING_AGE_MAX,
 * unknown consent codes. Either err pointer may be NULL.
 */
int screening_from_json(json_t *j, struct screening_input *in,
    const char **err_field, const char **err_msg);

#endif
