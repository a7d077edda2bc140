/*
 * fund.h - headquarters' Global Assistance Fund: projects and donors,
 * exchange rates, fund requests for a case and their decision,
 * commitment and disbursement.
 *
 * The API (api_fund.c), the pages (page_fund.c) and the demo (demo.c) all
 * call these, so that permissions, validation, sealing, the timeline and
 * the audit exist once. Every change runs in one transaction with its
 * timeline step and audit row: all of it happens or none.
 *
 * Inputs are untrusted strings as typed (form values, or JSON values
 * turned into strings by fund_amount_json()); a problem with them is
 * reported in *p (a status, the field, a translated message) and
 * changes nothing. Functions that change return 0 on success, 1 with *p
 * set for a problem of the user's, -1 on failure (logged).
 *
 * Amounts are int64 hundredths of their currency; they are written as
 * "1234.56". Rates are units of a currency per US dollar (the reporting
 * currency), in millionths, valid from a date until the next rate.
 *
 * Currencies: a request is approved only against a project's budget
 * line in the request's own currency; a project may hold lines in
 * several currencies. Rates only convert totals for reporting (USD),
 * never a commitment.
 */
#ifndef CTM_FUND_H
#define CTM_FUND_H

#include <jansson.h>

#include "http.h"
#include "money.h"

#define FUND_AMOUNT_MAX INT64_C(100000000000000)	/* 1e12 units */
#define FUND_AMOUNT_STR 32
#define FUND_TEXT_MAX 10000	/* characters of a justification or reason */
#define FUND_NOTE_MAX 2000	/* characters of a disbursement's note */
/* Bytes a buffer needs for such a text sealed (UTF-8: at most 4 bytes a
 * character) or opened. */
#define FUND_TEXT_BUF (FUND_TEXT_MAX * 4 + 64)
#define FUND_NOTE_BUF (FUND_NOTE_MAX * 4 + 64)
#define FUND_DONORS_MAX 32
#define FUND_LINES_MAX 16	/* budget lines of one project */
#define FUND_OFFICES_MAX 64	/* offices in a turnaround */
#define FUND_SUMMARY_LINES 256
#define FUND_PARTNERS_MAX 32	/* partners named with a new project */
#define FUND_ROLE_MAX 200	/* characters of a partner's role */

struct fund_problem {
	int status;		/* 400, 403, 404, 409 */
	const char *field;	/* NULL: the request as a whole */
	const char *msg;	/* translated */
};

/* "12", "12.5" or "12.34": a positive amount up to FUND_AMOUNT_MAX.
 * false for anything else (negative, zero, three decimals, …). */
bool fund_amount_parse(const char *s, int64_t *out);
/*
 * A JSON amount (a number or a string, at most two decimals) as the
 * string fund_amount_parse() takes, into out; false when v is neither
 * (out then holds something that fund_amount_parse() refuses).
 */
bool fund_amount_json(json_t *v, char out[FUND_AMOUNT_STR]);
/* cents as "1234.56" (with a '-' when negative). */
const char *fund_amount_format(int64_t cents, char out[FUND_AMOUNT_STR]);
/* Today (UTC) as YYYY-MM-DD. */
void fund_today(char out[DB_DATE_SIZE]);
/* Whether project pr runs on r's day: its period (start, end, either
 * open) includes it, so that an approval may commit money to it. */
bool fund_project_runs(const struct req *r, const struct project *pr);
/* What a conversion to US dollars gives. */
enum fund_conv {
	FUND_CONV_OK,
	FUND_CONV_NO_RATE,	/* no rate for the currency on the date */
	FUND_CONV_OVERFLOW	/* beyond what ctm counts (FUND_USD_MAX):
				 * an absurd rate, never a number */
};
/* US cents a total may reach: 1e15 dollars. */
#define FUND_USD_MAX INT64_C(100000000000000000)
/*
 * cents of currency in US cents at the rate in force on date (NULL:
 * today) into *usd (0 unless FUND_CONV_OK).
 */
enum fund_conv fund_to_usd(struct req *r, int64_t cents,
    const char *currency, const char *date, int64_t *usd);

/*
 * A total over amounts of several currencies, in one currency: what
 * could be converted, whether some amount had no rate (left out:
 * incomplete), and whether some amount or the sum went beyond
 * FUND_USD_MAX (overflow: there is no total, never a wrong one).
 */
struct fund_total {
	int64_t cents;
	bool missing;
	bool overflow;
};
/* Adds cents of currency to t (in US cents) at date's rates. */
void fund_total_usd(struct req *r, struct fund_total *t, int64_t cents,
    const char *currency, const char *date);
/* t as "1234.56", or JSON null when it overflowed (new reference). */
json_t *fund_total_json(const struct fund_total *t);
/* t as a reader of lang writes it (money_text()), or a translated
 * "not computable" when it overflowed. */
const char *fund_total_text(const struct fund_total *t, enum lang lang,
    char out[MONEY_TEXT]);
/*
 * Budget, committed and disbursed, totals shown together: all three
 * overflowed when one is, so that the set is given whole or not at all
 * (null, "not computable"), never one figure of it beside a missing one.
 */
void fund_totals_whole(struct fund_total *budget,
    struct fund_total *committed, struct fund_total *disbursed);
/* a - b as a total: overflow when either is. */
struct fund_total fund_total_minus(const struct fund_total *a,
    const struct fund_total *b);

/* --- requests --- */

/* Whether r may see fund requests at all (programme managers and
 * admins, and the office staff who may ask). */
bool fund_may_read(const struct req *r);
/* Whether r may see request q (its case in r's scope). */
bool fund_request_visible(const struct req *r, const struct fund_request *q);
/*
 * Audits action (a refusal) for fund request id (0: none named), with
 * the request's case when it exists, so that a search of the audit by
 * case finds it. 0 or -1.
 */
int fund_denied(struct req *r, const char *action, int64_t id);

/*
 * Whether r may read q's case (cases_visible()), and so its texts
 * (justification, reason, notes), which are case content, and follow a
 * link to it. An admin sees the figures of every request but, without
 * the case access grant, neither the texts nor the case.
 */
bool fund_case_visible(const struct req *r, const struct fund_request *q);
/*
 * Loads request id for r: 0 when visible; 1 with *p set (403 when r may
 * see no request, 404 when this one does not exist or is out of scope,
 * the attempt audited); -1 on failure.
 */
int fund_request_load(struct req *r, int64_t id, struct fund_request *q,
    struct fund_problem *p);
/*
 * The request as JSON (new reference): with texts, also its opened
 * justification and the reason of its present decision, its
 * disbursements and every decision with its reason (the caller has
 * audited the read). Times are ISO 8601 (UTC). NULL on failure.
 */
json_t *fund_request_json(struct req *r, const struct fund_request *q,
    bool texts);
/* The opened justification (texts: 0) or last reason (1) of q, into out
 * ("" when none); -1 when it cannot be opened. out is personal data. */
int fund_request_text(struct req *r, const struct fund_request *q,
    int which, struct buf *out);

/* A new request for case c (loaded with cases_open()). */
int fund_request_submit(struct req *r, const struct case_row *c,
    const char *type, const char *amount, const char *currency,
    const char *justification, int64_t *id, struct fund_problem *p);
/* Puts a need-info request back in the queue; amount and justification
 * NULL or "" keep the present ones, but one of them must change. */
int fund_request_resubmit(struct req *r, int64_t id, const char *amount,
    const char *justification, struct fund_problem *p);
/*
 * Decides request id: decision "approve" (amount NULL or "": the amount
 * asked; project_id required), "reject" or "need-info"; reason required.
 */
int fund_request_decide(struct req *r, int64_t id, const char *decision,
    const char *amount, int64_t project_id, const char *reason,
    struct fund_problem *p);
/* Records a disbursement of an approved request (date NULL or "":
 * today; note optional). */
int fund_disburse(struct req *r, int64_t id, const char *amount,
    const char *date, const char *note, struct fund_problem *p);

/* --- projects --- */

struct fund_donor_input {
	const char *name;
	const char *amount;
	const char *currency;	/* NULL or "": the project's */
};

/* An organisation of the registry as a partner of a project. */
struct fund_partner_input {
	int64_t org_id;		/* 0: not given; < 0: not an id */
	const char *role;	/* NULL, "" or white space: none */
};

struct fund_project_input {
	const char *name;
	const char *region;
	const char *start, *end;	/* YYYY-MM-DD or NULL/"" */
	const char *target;		/* decimal digits or NULL/"" */
	const char *target_group;
	const char *currency;
	const char *budget;
	struct fund_donor_input donors[FUND_DONORS_MAX];
	size_t ndonors;
	/* further budget lines in other currencies */
	const char *line_currency[FUND_LINES_MAX];
	const char *line_budget[FUND_LINES_MAX];
	size_t nlines;
	struct fund_partner_input partners[FUND_PARTNERS_MAX];
	size_t npartners;
};

/* A new project with its lines, donors and partners (each partner
 * audited as project.partner.add): all of it or, on a problem (a
 * partner's field named partners[i].organisation_id or .role), none. */
int fund_project_create(struct req *r, const struct fund_project_input *in,
    int64_t *id, struct fund_problem *p);

/*
 * A change of a project: a field NULL stays as it is; "" clears region,
 * start, end, target (to 0) or target group, never the name. budget is
 * the main line's (in the project's currency); each further line sets
 * the budget in its currency, and adds the line when the project has
 * none in it. The currency of the project does not change.
 */
struct fund_project_change {
	const char *name;
	const char *region;
	const char *start, *end;	/* YYYY-MM-DD */
	const char *target;		/* decimal digits */
	const char *target_group;
	const char *budget;
	const char *line_currency[FUND_LINES_MAX];
	const char *line_budget[FUND_LINES_MAX];
	size_t nlines;
};

/*
 * Changes project project_id (PERM_PROJECT_MANAGE). A budget below what
 * its line has committed is a 409 problem (field "budget", or "budgets"
 * for a further line) and, like any problem, changes nothing. Each
 * field that changes is audited as project.update with its old and new
 * value (a budget with its currency); changing nothing is no problem.
 */
int fund_project_update(struct req *r, int64_t project_id,
    const struct fund_project_change *in, struct fund_problem *p);
/*
 * Makes organisation in->org_id of the registry a partner of project
 * project_id, with its role: 404 without the project; 400 at
 * "organisation_id" for an id that is not one of the registry's or of a
 * disabled organisation, at "role" for a role too long; 409 when it is a
 * partner already. Audited as project.partner.add.
 */
int fund_project_partner_add(struct req *r, int64_t project_id,
    const struct fund_partner_input *in, struct fund_problem *p);
/* Takes organisation org_id off project_id's partners: 404 when the
 * project does not exist or org_id is not its partner. Audited as
 * project.partner.remove, with the role it had. */
int fund_project_partner_remove(struct req *r, int64_t project_id,
    int64_t org_id, struct fund_problem *p);
/*
 * Audits action, a refusal of a change of project project_id (0: none
 * named) for the role, with the project. 0 or -1.
 */
int fund_project_denied(struct req *r, const char *action,
    int64_t project_id);
/*
 * The projects organisation org_id is a partner of, as a JSON array
 * (new reference) of {"id", "name", "role"}; NULL on failure. Projects
 * are the fund's: the caller shows them only to PERM_FUND_READ.
 */
json_t *fund_org_projects_json(struct req *r, int64_t org_id);
/* Adds a donor's contribution (currency NULL or "": the project's). */
int fund_project_donor_add(struct req *r, int64_t project_id,
    const struct fund_donor_input *in, struct fund_problem *p);
/* Assigns case case_id (in r's scope) to the project. Assigning it
 * again is not a problem: nothing changes then. */
int fund_project_assign(struct req *r, int64_t project_id, int64_t case_id,
    struct fund_problem *p);
/*
 * The project as JSON (new reference): budget lines per currency with
 * committed, disbursed and remaining; donors; funded and still to raise
 * in its currency; target and assisted; totals in USD at date (NULL:
 * today). full adds the cases and the partners. NULL on failure.
 */
json_t *fund_project_json(struct req *r, const struct project *pr,
    const char *date, bool full);

/* Adds the rate of currency from valid_from (rate: units per USD, up to
 * 6 decimals). One that exists for that day is a 409 problem (field
 * "replace") unless replace; the audit keeps the previous value. */
int fund_rate_set(struct req *r, const char *currency,
    const char *valid_from, const char *rate, bool replace,
    struct fund_problem *p);
/* Rate in millionths as "1234.5678" into out. */
const char *fund_rate_format(int64_t rate, char out[FUND_AMOUNT_STR]);

/* --- figures for the programme manager's dashboard (no HTML) --- */

struct fund_stat {
	char office[DB_CODE_MAX];	/* "" for overall */
	int64_t count;			/* decisions */
	double median_hours, mean_hours;
};

struct fund_turnaround {
	struct fund_stat overall;
	struct fund_stat offices[FUND_OFFICES_MAX];	/* by code */
	size_t noffices;
};

/* Time from each (re)submission to its decision, per office and
 * overall. 0 or -1. */
int fund_turnaround(struct req *r, struct fund_turnaround *t);
/* t as GET /api/v1/fund/turnaround answers it: {"overall": {"count",
 * "median_hours", "mean_hours"}, "offices": [{"office", ...}]} (new
 * reference, NULL when out of memory). */
json_t *fund_turnaround_json(const struct fund_turnaround *t);

struct fund_summary_line {
	int64_t project_id;
	char project[DB_PROJECT_NAME_MAX];
	char currency[DB_CURRENCY_SIZE];
	int64_t budget, committed, disbursed;	/* hundredths */
};

/* How long a request in the queue has waited, in whole days. */
enum fund_wait {
	FUND_WAIT_WEEK,			/* 0 to 6 days */
	FUND_WAIT_MONTH,		/* 7 to 29 days */
	FUND_WAIT_LONGER,		/* 30 days or more */
	FUND_WAIT__MAX
};

/* The requests of one office (the one that asked) in the queue. */
struct fund_queue_office {
	char office[DB_CODE_MAX];
	int64_t count;
	int64_t by_wait[FUND_WAIT__MAX];
};

/* Large (some 100 KB): allocate it, don't put it on a stack. */
struct fund_summary {
	int64_t queue_length;		/* submitted, waiting */
	int64_t oldest_wait;		/* seconds, 0 when none waits */
	/* the queue by office, ordered by office code */
	struct fund_queue_office queue_offices[FUND_OFFICES_MAX];
	size_t nqueue_offices;		/* more offices are left out */
	struct fund_turnaround turnaround;
	struct fund_summary_line lines[FUND_SUMMARY_LINES];
	size_t nlines;			/* more lines are left out */
	/* every line in US cents at today's rates */
	struct fund_total budget_usd, committed_usd, disbursed_usd;
};

/* Fills s for r (who must have PERM_FUND_READ: -1 otherwise). */
int fund_summary(struct req *r, struct fund_summary *s);

#endif
