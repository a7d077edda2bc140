/*
 * qr.h - QR codes as inline SVG, for the key of two-step verification
 * that a phone's authenticator app scans. libqrencode makes the code;
 * this module draws it with the escaping writer (numbers only, no text of
 * the input reaches the page).
 */
#ifndef CTM_QR_H
#define CTM_QR_H

#include "compat.h"
#include "html.h"

/*
 * Writes text (trusted length, up to a few hundred bytes; it may be a
 * secret: every copy this module makes is wiped) as a QR code, error
 * correction level M, into h as an <svg> with class cls and label (an
 * accessible name, escaped). 0, or -1 when the text cannot be encoded.
 */
int qr_svg(struct html *h, const char *text, const char *cls,
    const char *label);

#endif
