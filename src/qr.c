#include "compat.h"

#include <string.h>

#include <qrencode.h>
#include <sodium.h>

#include "qr.h"

/* Light modules around the code, as the standard asks of readers. */
#define QR_QUIET 4

int
qr_svg(struct html *h, const char *text, const char *cls, const char *label)
{
	QRcode *q;
	int w, x, y, run, side;

	if (text == NULL || *text == '\0')
		return -1;
	q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (q == NULL)
		return -1;
	w = q->width;
	side = w + 2 * QR_QUIET;
	html_printf(h, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "class=\"%s\" role=\"img\" aria-label=\"%s\" viewBox=\"0 0 %d %d\" "
	    "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
	    "fill=\"#fff\"/><path fill=\"#000\" d=\"", cls, label, side, side,
	    side, side);
	/* One rectangle per horizontal run of dark modules (bit 0 of each
	 * byte is the module's colour). */
	for (y = 0; y < w; y++) {
		for (x = 0; x < w; x += run ? run : 1) {
			run = 0;
			while (x + run < w && (q->data[y * w + x + run] & 1))
				run++;
			if (run)
				html_printf(h, "M%d %dh%dv1h-%dz", x + QR_QUIET,
				    y + QR_QUIET, run, run);
		}
	}
	html_printf(h, "\"/></svg>");
	sodium_memzero(q->data, (size_t)w * (size_t)w);
	QRcode_free(q);
	return 0;
}
