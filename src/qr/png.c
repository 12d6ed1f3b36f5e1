/* png.c — a text drawn as a QR code in a PNG image (qr.h): libqrencode makes the symbol (byte
 * mode, error correction M, the smallest version that holds the text), libpng writes it as a
 * 1-bit greyscale image into memory (png_set_write_fn into a growing buffer), with the quiet
 * zone of 4 modules ISO/IEC 18004 asks for around it. */
#include "qr/qr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <qrencode.h>

#include "common/grow.h"

#define QR_QUIET     4  /* modules of white around the symbol */
#define QR_SCALE_MAX 64 /* pixels of a module */

/* The image as it is written: png_set_write_fn's destination. */
struct sink {
	uint8_t *buf;
	size_t len, cap;
};

static void sink_write(png_structp png, png_bytep data, size_t n)
{
	struct sink *s = png_get_io_ptr(png);
	uint8_t *grown;

	while (s->len + n > s->cap) {
		if ((grown = grow_room(s->buf, s->cap, &s->cap, 1, 4096)) == NULL)
			png_error(png, "out of memory");
		s->buf = grown;
	}
	memcpy(s->buf + s->len, data, n);
	s->len += n;
}

static void sink_flush(png_structp png)
{
	(void)png;
}

/* Row y of the image (width w pixels, 1 bit each, 1 white) of symbol q at scale pixels a
 * module, into row. */
static void draw_row(const QRcode *q, int scale, int y, size_t w, uint8_t *row)
{
	int my = y / scale - QR_QUIET;

	memset(row, 0xFF, (w + 7) / 8);
	if (my < 0 || my >= q->width)
		return;
	for (int mx = 0; mx < q->width; mx++) {
		if (!(q->data[my * q->width + mx] & 1))
			continue;
		for (size_t x = (size_t)(mx + QR_QUIET) * (size_t)scale;
		     x < (size_t)(mx + QR_QUIET + 1) * (size_t)scale; x++)
			row[x / 8] &= (uint8_t) ~(0x80u >> (x % 8));
	}
}

/* q written as PNG into s; row is room for one row. libpng's errors come back here by
 * longjmp: what is used after it is set before setjmp and not changed after. */
static int write_png(const QRcode *q, int scale, uint8_t *row, struct sink *s)
{
	const size_t w = (size_t)(q->width + 2 * QR_QUIET) * (size_t)scale;
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png != NULL ? png_create_info_struct(png) : NULL;
	int rc = QR_ENOMEM;

	if (info == NULL)
		goto out;
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_set_write_fn(png, s, sink_write, sink_flush);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)w, 1, PNG_COLOR_TYPE_GRAY,
	             PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (size_t y = 0; y < w; y++) {
		draw_row(q, scale, (int)y, w, row);
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	rc = QR_OK;
out:
	png_destroy_write_struct(&png, &info);
	return rc;
}

int qr_png(const char *text, int scale, uint8_t **png, size_t *len)
{
	struct sink s = {0};
	QRcode *q = NULL;
	uint8_t *row = NULL;
	int rc;

	if (text == NULL || text[0] == '\0' || scale < 1 || scale > QR_SCALE_MAX || png == NULL ||
	    len == NULL)
		return QR_EARG;
	*png = NULL;
	*len = 0;
	errno = 0;
	if ((q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M)) == NULL) {
		rc = errno == ENOMEM ? QR_ENOMEM : QR_EENCODE;
		goto out;
	}
	rc = QR_ENOMEM;
	if ((row = malloc(((size_t)(q->width + 2 * QR_QUIET) * (size_t)scale + 7) / 8)) == NULL)
		goto out;
	if ((rc = write_png(q, scale, row, &s)) != QR_OK)
		goto out;
	*png = s.buf;
	*len = s.len;
	s.buf = NULL;
out:
	free(s.buf);
	free(row);
	QRcode_free(q);
	return rc;
}
