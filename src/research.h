/*
 * research.h - the live caseload as a research dataset.
 *
 * Projects each case file onto the research variables as CTDC names them
 * (gender, ageBroad, majorityStatus, citizenship, CountryOfExploitation,
 * the exploitation and means-of-control flags, recruiter relation,
 * yearOfRegistration), so that the statistics engine serves the caseload
 * and imported CTDC data alike. Nothing identifying is projected.
 */
#ifndef CTM_RESEARCH_H
#define CTM_RESEARCH_H

#include "dataset.h"
#include "http.h"

/*
 * The cases of office_id (0: every office) as a dataset; with
 * consent_only, only cases whose latest consent record covers research
 * use. NULL on failure. The caller frees it.
 */
struct dataset *research_caseload(struct req *r, int64_t office_id,
    bool consent_only);

/* The research variables, in order (for forms): NULL-terminated. */
extern const char *const research_vars[];

#endif
