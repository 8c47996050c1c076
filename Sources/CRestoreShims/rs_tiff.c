#include "rs_tiff.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int rs_tiff_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    rs_tiff_errors *sink = (rs_tiff_errors *)user;
    int e = errno;  /* libtiff's write errors say nothing of why: add errno */
    if (sink) {
        int n = 0;
        if (module && *module) n = snprintf(sink->text, sizeof sink->text, "%s: ", module);
        if (n < 0 || (size_t)n >= sizeof sink->text) n = 0;
        int m = vsnprintf(sink->text + n, sizeof sink->text - (size_t)n, fmt, ap);
        if (e && m > 0 && (size_t)(n + m) < sizeof sink->text && strstr(sink->text, "rite error"))
            snprintf(sink->text + n + m, sizeof sink->text - (size_t)(n + m), ": %s", strerror(e));
    }
    return 1; /* handled: the process-global handler is not called */
}

static int rs_tiff_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif; (void)user; (void)module; (void)fmt; (void)ap;
    return 1; /* warnings (unknown tags and the like) are dropped */
}

TIFF *rs_tiff_open(const char *path, const char *mode, rs_tiff_errors *errors) {
    errors->text[0] = 0;
    TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
    if (!opts) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(opts, rs_tiff_error, errors);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, rs_tiff_warning, errors);
    TIFF *tif = TIFFOpenExt(path, mode, opts);
    TIFFOpenOptionsFree(opts);
    return tif;
}

int rs_tiff_get_u16(TIFF *tif, uint32_t tag, uint16_t *v) { return TIFFGetField(tif, tag, v); }
int rs_tiff_get_u16_defaulted(TIFF *tif, uint32_t tag, uint16_t *v) { return TIFFGetFieldDefaulted(tif, tag, v); }
int rs_tiff_get_u32(TIFF *tif, uint32_t tag, uint32_t *v) { return TIFFGetField(tif, tag, v); }
int rs_tiff_get_u32_defaulted(TIFF *tif, uint32_t tag, uint32_t *v) { return TIFFGetFieldDefaulted(tif, tag, v); }
int rs_tiff_get_float(TIFF *tif, uint32_t tag, float *v) { return TIFFGetField(tif, tag, v); }
int rs_tiff_get_bytes(TIFF *tif, uint32_t tag, uint32_t *count, const void **data) {
    return TIFFGetField(tif, tag, count, data);
}
int rs_tiff_get_extrasamples(TIFF *tif, uint16_t *count, const uint16_t **types) {
    uint16_t *t = NULL;
    int ok = TIFFGetField(tif, TIFFTAG_EXTRASAMPLES, count, &t);
    *types = t;
    return ok;
}
int rs_tiff_get_string(TIFF *tif, uint32_t tag, const char **value) {
    char *s = NULL; int ok = TIFFGetField(tif, tag, &s); *value = s; return ok;
}

int rs_tiff_set_u16(TIFF *tif, uint32_t tag, uint16_t v) { return TIFFSetField(tif, tag, (int)v); }
int rs_tiff_set_u32(TIFF *tif, uint32_t tag, uint32_t v) { return TIFFSetField(tif, tag, v); }
int rs_tiff_set_int(TIFF *tif, uint32_t tag, int v) { return TIFFSetField(tif, tag, v); }
int rs_tiff_set_float(TIFF *tif, uint32_t tag, float v) { return TIFFSetField(tif, tag, (double)v); }
int rs_tiff_set_bytes(TIFF *tif, uint32_t tag, uint32_t count, const void *data) {
    return TIFFSetField(tif, tag, count, data);
}
int rs_tiff_set_extrasamples(TIFF *tif, uint16_t count, const uint16_t *types) {
    return TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, (int)count, types);
}
int rs_tiff_set_string(TIFF *tif, uint32_t tag, const char *value) { return TIFFSetField(tif, tag, value); }

int rs_tiff_codec_configured(uint16_t scheme) { return TIFFIsCODECConfigured(scheme); }

/* ---- in-memory TIFF used to compress single strips in parallel ---------------------------- */
#include <stdlib.h>
#include <string.h>

typedef struct { uint8_t *buf; size_t len, cap, pos; } rs_membuf;

static tmsize_t mem_read(thandle_t h, void *dst, tmsize_t n) {
    rs_membuf *m = (rs_membuf *)h;
    size_t avail = m->pos < m->len ? m->len - m->pos : 0;
    size_t k = (size_t)n < avail ? (size_t)n : avail;
    memcpy(dst, m->buf + m->pos, k); m->pos += k; return (tmsize_t)k;
}
static tmsize_t mem_write(thandle_t h, void *src, tmsize_t n) {
    rs_membuf *m = (rs_membuf *)h;
    size_t end = m->pos + (size_t)n;
    if (end > m->cap) {
        size_t cap = m->cap ? m->cap : 65536;
        while (cap < end) cap *= 2;
        uint8_t *nb = realloc(m->buf, cap);
        if (!nb) return -1;
        m->buf = nb; m->cap = cap;
    }
    if (m->pos > m->len) memset(m->buf + m->len, 0, m->pos - m->len);
    memcpy(m->buf + m->pos, src, (size_t)n);
    m->pos = end; if (end > m->len) m->len = end;
    return n;
}
static toff_t mem_seek(thandle_t h, toff_t off, int whence) {
    rs_membuf *m = (rs_membuf *)h;
    size_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : m->len;
    m->pos = base + (size_t)off;
    return (toff_t)m->pos;
}
static int mem_close(thandle_t h) { (void)h; return 0; }
static toff_t mem_size(thandle_t h) { return (toff_t)((rs_membuf *)h)->len; }
static int mem_map(thandle_t h, void **base, toff_t *size) { (void)h; (void)base; (void)size; return 0; }
static void mem_unmap(thandle_t h, void *base, toff_t size) { (void)h; (void)base; (void)size; }

int rs_tiff_encode_strip(const rs_tiff_strip_format *f, uint32_t rows, const void *data, size_t size,
                         uint8_t **out, size_t *out_len, rs_tiff_errors *errors) {
    rs_membuf m = { 0 };
    errors->text[0] = 0;
    TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
    if (!opts) return -1;
    TIFFOpenOptionsSetErrorHandlerExtR(opts, rs_tiff_error, errors);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, rs_tiff_warning, errors);
    TIFF *tif = TIFFClientOpenExt("strip", "w", (thandle_t)&m, mem_read, mem_write, mem_seek, mem_close,
                                  mem_size, mem_map, mem_unmap, opts);
    TIFFOpenOptionsFree(opts);
    if (!tif) { free(m.buf); return -1; }
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, f->width);
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, rows);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, (int)f->samples_per_pixel);
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, (int)f->bits_per_sample);
    TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, (int)f->sample_format);
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, (int)f->photometric);
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tif, TIFFTAG_COMPRESSION, (int)f->compression);
    if (f->predictor) TIFFSetField(tif, TIFFTAG_PREDICTOR, (int)f->predictor);
    if (f->extra_samples) { uint16_t t = EXTRASAMPLE_UNASSALPHA; TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, 1, &t); }
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, rows);
    int rc = -1;
    if (TIFFWriteEncodedStrip(tif, 0, (void *)data, (tmsize_t)size) >= 0) {
        uint64_t *offs = NULL, *counts = NULL;
        if (TIFFGetField(tif, TIFFTAG_STRIPOFFSETS, &offs) && TIFFGetField(tif, TIFFTAG_STRIPBYTECOUNTS, &counts) &&
            offs && counts && offs[0] + counts[0] <= m.len) {
            *out = malloc(counts[0] ? counts[0] : 1);
            if (*out) { memcpy(*out, m.buf + offs[0], counts[0]); *out_len = counts[0]; rc = 0; }
        }
    }
    /* Closing writes a directory into the buffer, which is then dropped. */
    TIFFClose(tif);
    free(m.buf);
    return rc;
}
